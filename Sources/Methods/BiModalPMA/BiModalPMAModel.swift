// Bi-Modal Progressive Mask Attention for Fine-Grained Recognition.
// Kaitao Song, Xiu-Shen Wei, Xiangbo Shu, Ren-Jie Song, Jianfeng Lu — IEEE TIP 2020.
// No arXiv id, no official code; formulas and choices: Tests/Fixtures/parity/README.md §2, §3.
//
// `bimodal-pma`: the bi-modal teacher as a classification model of the zoo. Pixels go through
// the cnn-small trunk (the paper: ResNet-50 / VGG-16; see PMAConfiguration.swift), its NCHW map is
// turned channels last into X; phrase ids go through word embeddings + LSTM into Z; the PMA head
// classifies. Training loss: mean cross-entropy (Eq. 10 printed without its minus sign, §3.12).
// Keys: the head's at the root (`stages.*`, `fc.*`, `classifier.*`, as in the fixtures), the
// trunk under `backbone.` (so `backbone.features.0.weight`: a cnn-small checkpoint's
// `features.*` loads there under that prefix) and the phrase encoder under `text.`.
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor

/// CNN + phrase LSTM + PMA head.
///
/// Batch: `images` `[B, 3, S, S]`, `phrases.ids` `[B, p, L]` (0 = padding), `phrases.mask`
/// `[B, p]` (1 = real phrase), `labels` `[B]` — synthfine's batches. With `precomputedInputs`:
/// `features.map` `[B, h, w, d]` and `phrases.embedded` `[B, p, d_t]` instead of images and ids.
/// Taps: `.logits`, `.features` (F) and the head's stage traces (see `ProgressiveMaskAttention`).
public final class BiModalPMAModel: Module, ZooModel {
    /// The conv trunk; nil with `precomputedInputs`.
    public let backbone: ConvBackbone?
    /// Word embeddings + LSTM; nil with `precomputedInputs`. (Key prefix `text`.)
    public let text: PhraseEncoder?
    @Child(key: "") public var head: ProgressiveMaskAttention
    public let configuration: PMAConfiguration

    public init(_ configuration: PMAConfiguration) throws {
        self.configuration = configuration
        if configuration.precomputedInputs {
            (backbone, text) = (nil, nil)
        } else {
            backbone = ConvBackbone(channels: configuration.backboneChannels)
            text = PhraseEncoder(vocabularySize: configuration.vocabularySize, wordWidth: configuration.wordWidth,
                                 textWidth: configuration.textWidth)
        }
        super.init()
        head = ProgressiveMaskAttention(configuration)
    }

    public var family: Family { .classification }
    public var exposedTaps: Set<Tap> { ProgressiveMaskAttention.taps }

    /// X `[B, h, w, d]` and Z `[B, p, d_t]` for a batch: computed, or read when precomputed.
    public func inputs(_ batch: Batch) throws -> (map: Tensor, phrases: Tensor) {
        guard let backbone, let text else {
            return (try batch.tensor("features.map"), try batch.tensor("phrases.embedded"))
        }
        let images = try batch.tensor("images")
        try backbone.validate(images: images, model: "bimodal-pma", imageSize: configuration.imageSize)
        return (backbone(images).permuted([0, 2, 3, 1]), try text(try batch.integers("phrases.ids")))
    }

    public func forward(_ batch: Batch) throws -> Outputs {
        let (map, phrases) = try inputs(batch)
        return try head(map, phrases: phrases, phraseMask: try batch.tensor("phrases.mask"))
    }

    /// Mean cross-entropy against `labels`.
    public func taskLoss(_ outputs: Outputs, batch: Batch) throws -> Tensor {
        try outputs.require(.logits, from: "bimodal-pma").crossEntropy(labels: try batch.integers("labels"))
    }

    /// Random images (or 4×4 feature maps and phrase embeddings), 1…p real phrases per image of
    /// 1…L random words each, and random labels.
    public func exampleBatch(size: Int, seed: UInt64) -> Batch {
        let c = configuration
        var generator = RandomGenerator(seed: seed)
        let real = (0..<size).map { _ in 1 + generator.nextInt(below: c.phrases) }
        let mask = Tensor((0..<size).flatMap { b in (0..<c.phrases).map { $0 < real[b] ? Float(1) : 0 } }, shape: [size, c.phrases])
        let labels = IntTensor((0..<size).map { _ in generator.nextInt(below: c.classes) })
        if c.precomputedInputs {
            return Batch(tensors: ["features.map": Tensor.randomNormal([size, 4, 4, c.mapWidth], using: &generator),
                                   "phrases.embedded": Tensor.randomNormal([size, c.phrases, c.textWidth], using: &generator),
                                   "phrases.mask": mask],
                         integers: ["labels": labels], indices: Array(0..<size))
        }
        var ids = [Int](repeating: 0, count: size * c.phrases * c.phraseLength)
        for b in 0..<size {
            for i in 0..<real[b] {
                let words = 1 + generator.nextInt(below: c.phraseLength)
                for t in 0..<words { ids[(b * c.phrases + i) * c.phraseLength + t] = 1 + generator.nextInt(below: c.vocabularySize - 1) }
            }
        }
        return Batch(tensors: ["images": Tensor.randomNormal([size, 3, c.imageSize, c.imageSize], using: &generator), "phrases.mask": mask],
                     integers: ["phrases.ids": IntTensor(ids, shape: [size, c.phrases, c.phraseLength]), "labels": labels],
                     indices: Array(0..<size))
    }
}
