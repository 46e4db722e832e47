// Bi-Modal Progressive Mask Attention for Fine-Grained Recognition.
// Kaitao Song, Xiu-Shen Wei, Xiangbo Shu, Ren-Jie Song, Jianfeng Lu — IEEE TIP 2020.
// No arXiv id, no official code; formulas and choices: Tests/Fixtures/parity/README.md §2, §3.
//
// The sizes a `bimodal-pma` model is built with: the defaults below, zoo.json's `config` and `--set` over them.
// Fixed by the paper (README §3.14) and checked here: 2×2 blocks, r = 16 by default, ReLU in the
// visual SAM and tanh in the textual one, top-3 phrase masking. `stages` is configurable (the
// paper uses 3) as long as every stage can still find an unmasked block (hw/4 ≥ stages).
// Our default replaces the paper's ResNet-50 at 448 px with `cnn-small` at 32 px so that it
// trains from pixels on two CPU cores on synthfine; the paper's values are the zoo.json variant
// "paper-resnet50" (not buildable here: only `backbone: "cnn-small"` is).
import ZooCore
import ZooManifest

/// Sizes and switches of a `bimodal-pma` model.
///
/// Keys: `backbone` ("cnn-small"), `imageSize` (S), `backboneChannels` (conv widths; the last is
/// d), `textWidth` (d_t, the LSTM width), `wordWidth` (word embedding width), `vocabularySize`
/// (synthfine's vocabulary by default), `phrases` and `phraseLength` (p and L of example
/// batches: the model takes any), `localWidth` (d_local, the 1×1 conv width), `finalWidth`
/// (d_final, the shared FC width), `classes` (C), `blockSize` (2), `stages` (3), `reduction`
/// (r = 16), `textTopK` (3), `samActivation` ({vision: relu, text: tanh}) and
/// `precomputedInputs`: when true the model has no CNN and no LSTM and reads the feature map
/// `features.map` `[B, h, w, d]` and phrase embeddings `phrases.embedded` `[B, p, d_t]` from
/// the batch (the parity fixtures feed X and Z this way).
public struct PMAConfiguration: MethodConfiguration, Equatable {
    /// The trunk: only "cnn-small" is built here (the paper's are ResNet-50 and VGG-16).
    public var backbone = "cnn-small"
    public var imageSize = 32
    public var backboneChannels = [16, 32, 64]
    public var textWidth = 32
    public var wordWidth = 32
    public var vocabularySize = SynthFineVocabulary.size
    public var phrases = 10
    public var phraseLength = 4
    public var localWidth = 64
    public var finalWidth = 64
    public var classes = 10
    /// Side of the blocks the map is cut into: the paper's 2 (README §3.14).
    public var blockSize = 2
    public var stages = 3
    public var reduction = 16
    public var textTopK = 3
    /// SAM's δ: ReLU in the visual SAM, tanh in the textual one (the paper's; checked).
    public var samActivation = SAMActivation()
    public var precomputedInputs = false

    /// The activations of the two self-attention modules.
    public struct SAMActivation: Codable, Sendable, Equatable {
        public var vision = "relu"
        public var text = "tanh"
        public init() {}
    }

    /// d, the channel width of the feature map X.
    public var mapWidth: Int { backboneChannels.last ?? 0 }

    public init() {}

    public init(imageSize: Int = 32, backboneChannels: [Int] = [16, 32, 64], textWidth: Int = 32, wordWidth: Int = 32,
                vocabularySize: Int = SynthFineVocabulary.size, phrases: Int = 10, phraseLength: Int = 4, localWidth: Int = 64, finalWidth: Int = 64,
                classes: Int = 10, stages: Int = 3, reduction: Int = 16, textTopK: Int = 3, precomputedInputs: Bool = false) {
        (self.imageSize, self.backboneChannels, self.textWidth, self.wordWidth) = (imageSize, backboneChannels, textWidth, wordWidth)
        (self.vocabularySize, self.phrases, self.phraseLength) = (vocabularySize, phrases, phraseLength)
        (self.localWidth, self.finalWidth, self.classes) = (localWidth, finalWidth, classes)
        (self.stages, self.reduction, self.textTopK, self.precomputedInputs) = (stages, reduction, textTopK, precomputedInputs)
    }

    /// Reads and checks every key; a value that cannot work throws `ZooError.invalidConfig`.
    public init(config: ModelConfig) throws {
        self = try config.decode(Self.self)
    }

    public func validate(entry: String) throws {
        func fail(_ key: String, _ problem: String) -> ZooError { .invalidConfig(entry: entry, key: key, problem: problem) }
        guard backbone == "cnn-small" else {
            throw fail("backbone", "is \"\(backbone)\", but only \"cnn-small\" is built here (ResNet-50 and VGG-16 are the paper's; use --set backbone=cnn-small)")
        }
        try ZooError.requirePositive([("imageSize", imageSize), ("textWidth", textWidth), ("wordWidth", wordWidth),
                                      ("vocabularySize", vocabularySize), ("phrases", phrases), ("phraseLength", phraseLength),
                                      ("localWidth", localWidth), ("finalWidth", finalWidth), ("classes", classes), ("stages", stages),
                                      ("reduction", reduction), ("textTopK", textTopK)], entry: entry)
        try Self.checkWidths(backboneChannels, key: "backboneChannels", entry: entry)
        guard blockSize == 2 else { throw fail("blockSize", "must be 2 (the paper's 2×2 blocks), got \(blockSize)") }
        guard samActivation == SAMActivation() else {
            throw fail("samActivation", "must be {\"vision\": \"relu\", \"text\": \"tanh\"} (the paper's δ), got {\"vision\": \"\(samActivation.vision)\", \"text\": \"\(samActivation.text)\"}")
        }
        guard vocabularySize >= 2 else {
            throw fail("vocabularySize", "must be at least 2 (id 0 is padding), got \(vocabularySize); synthfine needs \(SynthFineVocabulary.size)")
        }
        guard mapWidth % reduction == 0 else {
            throw fail("backboneChannels", "must end in a multiple of reduction (\(reduction)) so that SAM's W1 is [d/r, d], got d = \(mapWidth)")
        }
        guard textWidth % reduction == 0 else {
            throw fail("textWidth", "must be a multiple of reduction (\(reduction)), got \(textWidth)")
        }
        guard backboneChannels.count <= 16 else {
            throw fail("backboneChannels", "has \(backboneChannels.count) conv layers; each halves the map, so more than 16 leaves nothing of any image")
        }
        typealias M = MemoryBudget
        let convolutions = zip([3] + backboneChannels, backboneChannels).map { M.product(9, $0, $1) }
        let perStage = M.sum([M.product(mapWidth, localWidth), M.product(textWidth, localWidth), M.product(localWidth, finalWidth)])
        let weights = M.sum(convolutions + [M.product(vocabularySize, wordWidth), M.product(4, wordWidth, textWidth),
                                            M.product(stages, perStage), M.product(2, finalWidth, classes)])
        try MemoryBudget.require(values: weights, for: "the weights", entry: entry)
        if !precomputedInputs {
            let side = Self.mapSide(imageSize: imageSize, layers: backboneChannels.count)
            guard imageSize % (1 << (backboneChannels.count - 1)) == 0, side % 2 == 0, side * side / 4 >= stages else {
                throw fail("imageSize", "gives a \(side)×\(side) feature map after \(backboneChannels.count - 1) pools; PMA needs an even side with (side/2)² ≥ stages (\(stages)). Use e.g. imageSize 32 with 3 conv layers (an 8×8 map)")
            }
        }
    }

    /// Side of cnn-small's feature map: one 2×2 pool after every conv layer but the last.
    static func mapSide(imageSize: Int, layers: Int) -> Int { imageSize >> Swift.max(layers - 1, 0) }

    /// Conv widths: a non-empty array of positive integers.
    static func checkWidths(_ widths: [Int], key: String, entry: String) throws {
        guard !widths.isEmpty else {
            throw ZooError.invalidConfig(entry: entry, key: key, problem: "must be a non-empty array of channel widths, e.g. [16, 32, 64]")
        }
        if let width = widths.first(where: { $0 < 1 }) {
            throw ZooError.invalidConfig(entry: entry, key: key, problem: "must hold positive integers, found \(width)")
        }
    }
}
