// Bi-Modal Progressive Mask Attention for Fine-Grained Recognition.
// Kaitao Song, Xiu-Shen Wei, Xiangbo Shu, Ren-Jie Song, Jianfeng Lu — IEEE TIP 2020.
// No arXiv id, no official code; formulas and choices: Tests/Fixtures/parity/README.md §2, §3.
//
// `cnn-small`: the image-only classifier. The paper distils into "a standard network that takes
// the raw image" (README §3.13) and compares with image-only VGG-16 / ResNet-50; here the same
// trunk as bimodal-pma's backbone, global average pooling and a linear classifier. It is the
// image-only baseline and the student of `bimodal-pma-kd`. With `precomputedInputs` it has no
// conv layers and classifies a given feature map: classifier(GAP(X_student)), the fixtures'
// student.
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor

/// Sizes of `cnn-small`. Keys: `imageSize` (S, 32), `channels` (conv widths, the last is the
/// feature width; [16, 32, 64]), `classes` (10), `precomputedInputs` (read `features.map`
/// `[B, h, w, d]`, no convs; false).
public struct SmallCNNConfiguration: MethodConfiguration, Equatable {
    public var imageSize = 32
    public var channels = [16, 32, 64]
    public var classes = 10
    public var precomputedInputs = false

    public init() {}

    public init(imageSize: Int = 32, channels: [Int] = [16, 32, 64], classes: Int = 10, precomputedInputs: Bool = false) {
        (self.imageSize, self.channels, self.classes, self.precomputedInputs) = (imageSize, channels, classes, precomputedInputs)
    }

    public init(config: ModelConfig) throws {
        self = try config.decode(Self.self)
    }

    public func validate(entry: String) throws {
        try ZooError.requirePositive([("imageSize", imageSize), ("classes", classes)], entry: entry)
        try PMAConfiguration.checkWidths(channels, key: "channels", entry: entry)
        guard precomputedInputs || imageSize % (1 << (channels.count - 1)) == 0 else {
            throw ZooError.invalidConfig(entry: entry, key: "imageSize",
                                         problem: "must be divisible by 2^\(channels.count - 1) (one 2×2 pool after each conv layer but the last), got \(imageSize)")
        }
    }
}

/// The image-only classifier: `classifier(GAP(ConvBackbone(images)))`.
/// Keys: `features.{i}.weight/bias` (the convs), `classifier.weight` `[C, d]`, `classifier.bias`.
/// Batch: `images` `[B, 3, S, S]` (or `features.map` `[B, h, w, d]` with `precomputedInputs`),
/// `labels` `[B]`. Taps: `.logits` `[B, C]`, `.features` `[B, d]` (the pooled feature).
public final class SmallCNN: Module, ZooModel {
    @Child(key: "") public var backbone: ConvBackbone
    @Child(key: "classifier") public var classifier: Linear
    public let configuration: SmallCNNConfiguration

    public init(_ configuration: SmallCNNConfiguration) throws {
        self.configuration = configuration
        super.init()
        backbone = ConvBackbone(channels: configuration.precomputedInputs ? [] : configuration.channels)
        classifier = Linear(configuration.channels.last ?? 0, configuration.classes)
    }

    public var family: Family { .classification }
    public var exposedTaps: Set<Tap> { [.logits, .features] }

    public func forward(_ batch: Batch) throws -> Outputs {
        let pooled: Tensor
        let width = configuration.channels.last ?? 0
        if configuration.precomputedInputs {
            let map = try batch.tensor("features.map")
            guard map.rank == 4, map.shape[3] == width else {
                throw BiModalPMAInputError.shape(model: "cnn-small", input: "features.map", expected: "[B, h, w, \(width)]", found: map.shape,
                                                 fix: "Pass a channels-last feature map whose width matches the last of `channels`.")
            }
            pooled = map.mean(axes: [1, 2])
        } else {
            let images = try batch.tensor("images")
            try backbone.validate(images: images, model: "cnn-small", imageSize: configuration.imageSize)
            pooled = backbone(images).globalAveragePool()
        }
        return Outputs([.logits: classifier(pooled), .features: pooled])
    }

    /// Mean cross-entropy against `labels`.
    public func taskLoss(_ outputs: Outputs, batch: Batch) throws -> Tensor {
        try outputs.require(.logits, from: "cnn-small").crossEntropy(labels: try batch.integers("labels"))
    }

    /// Random images (or 4×4 feature maps) and labels.
    public func exampleBatch(size: Int, seed: UInt64) -> Batch {
        var generator = RandomGenerator(seed: seed)
        let labels = IntTensor((0..<size).map { _ in generator.nextInt(below: configuration.classes) })
        let s = configuration.imageSize
        let input = configuration.precomputedInputs
            ? ["features.map": Tensor.randomNormal([size, 4, 4, configuration.channels.last ?? 0], using: &generator)]
            : ["images": Tensor.randomNormal([size, 3, s, s], using: &generator)]
        return Batch(tensors: input, integers: ["labels": labels], indices: Array(0..<size))
    }
}
