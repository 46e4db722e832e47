// Distilling the Knowledge in a Neural Network.
// Hinton, Vinyals, Dean — 2015, arXiv:1503.02531. No official code.
// The paper's MNIST nets: a large teacher (two hidden layers of 1200 ReLU units, dropout) and a
// small student (two layers of 800 units in the paper; here 32, as zoo.json says, for the 8×8
// digits). Deviations: the inputs are the zoo's 64-pixel digits, not MNIST's 784; input dropout
// replaces the paper's jittering of the images by up to two pixels.
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor

/// The sizes of an `MLPClassifier`: the paper's MNIST teacher by default (two hidden layers of
/// 1200 units, dropout 0.5 on them and 0.2 on the input), on the zoo's 8×8 digits (64 inputs,
/// 10 classes); zoo.json's `config` overrides them (the student's [32, 32], no dropout).
///
/// Keys: `inputs` (width of each input vector), `classes`, `hidden` (an array of hidden widths,
/// at least one), `dropout` (on every hidden layer's output, 0 ≤ p < 1) and `inputDropout` (on
/// the input vector).
public struct MLPConfiguration: MethodConfiguration, Equatable {
    public var inputs = 64
    public var classes = 10
    public var hidden = [1200, 1200]
    public var dropout: Float = 0.5
    public var inputDropout: Float = 0.2

    public init() {}

    public init(inputs: Int, classes: Int, hidden: [Int], dropout: Float = 0, inputDropout: Float = 0) {
        (self.inputs, self.classes, self.hidden) = (inputs, classes, hidden)
        (self.dropout, self.inputDropout) = (dropout, inputDropout)
    }

    public init(config: ModelConfig) throws {
        self = try config.decode(Self.self)
    }

    public func validate(entry: String) throws {
        for (key, value) in [("inputs", inputs), ("classes", classes)] where value < 1 {
            throw ZooError.invalidConfig(entry: entry, key: key, problem: "must be positive, got \(value)")
        }
        guard !hidden.isEmpty else {
            throw ZooError.invalidConfig(entry: entry, key: "hidden", problem: "must be a non-empty array of layer widths, e.g. [1200, 1200]")
        }
        if let width = hidden.first(where: { $0 < 1 }) {
            throw ZooError.invalidConfig(entry: entry, key: "hidden", problem: "must hold positive integers, found \(width)")
        }
        for (key, p) in [("dropout", dropout), ("inputDropout", inputDropout)] where !(p >= 0 && p < 1) {
            throw ZooError.invalidConfig(entry: entry, key: key, problem: "must be a probability in [0, 1), got \(p)")
        }
        let widths = [inputs] + hidden + [classes]
        let weights = MemoryBudget.sum(zip(widths, widths.dropFirst()).map { MemoryBudget.sum([MemoryBudget.product($0, $1), $1]) })
        try MemoryBudget.require(values: weights, for: "the weights", entry: entry)
    }
}

/// A ReLU perceptron classifier (`mlp-teacher`, `mlp-student`).
///
/// - batch: `inputs` `[B, inputs]` (digits: pixels / 16), `labels` `[B]` for the task loss.
/// - taps: `.logits` `[B, classes]`; `.features` `[B, hidden.last]`, the last hidden layer's
///   ReLU output before its dropout (what CRD embeds).
/// - keys: `layers.{i}.weight` `[hidden[i], in]`, `layers.{i}.bias`, `classifier.weight`
///   `[classes, hidden.last]`, `classifier.bias` (PyTorch `nn.Linear` layouts).
/// Dropout uses the engine's seeded stream (`GlobalRandom`) and is off in eval mode.
public final class MLPClassifier: Module, ZooModel {
    public let configuration: MLPConfiguration
    /// The zoo.json name it was built as (for messages).
    public let name: String
    @Child(key: "layers") public var layers: [Linear]
    @Child(key: "classifier") public var classifier: Linear

    public init(_ configuration: MLPConfiguration, name: String = "mlp") {
        self.configuration = configuration
        self.name = name
        super.init()  // ZooNN: keyed wrappers may only be assigned after super.init()
        let widths = [configuration.inputs] + configuration.hidden
        layers = (0..<configuration.hidden.count).map { Linear(widths[$0], widths[$0 + 1]) }
        classifier = Linear(widths.last!, configuration.classes)
    }

    public convenience init(config: ModelConfig) throws {
        self.init(try MLPConfiguration(config: config), name: config.entry)
    }

    public var family: Family { .classification }
    public var exposedTaps: Set<Tap> { [.logits, .features] }

    public func forward(_ batch: Batch) throws -> Outputs {
        let inputs = try batch.tensor("inputs")
        guard inputs.rank == 2, inputs.shape[1] == configuration.inputs else {
            throw ZooError.invalidConfig(entry: name, key: "inputs",
                                         problem: "is \(configuration.inputs) but the batch's `inputs` have shape \(inputs.shape); set `--set inputs=\(inputs.shape.last ?? 0)` or feed [B, \(configuration.inputs)] vectors")
        }
        var x = inputs.dropout(configuration.inputDropout, training: isTraining)
        var features = x
        for layer in layers {
            features = layer(x).relu()
            x = features.dropout(configuration.dropout, training: isTraining)
        }
        return Outputs([.features: features, .logits: classifier(x)])
    }

    /// Mean cross-entropy of the logits against `labels`.
    public func taskLoss(_ outputs: Outputs, batch: Batch) throws -> Tensor {
        let logits = try outputs.require(.logits, from: name)
        let labels = try batch.integers("labels")
        guard labels.shape == [logits.shape[0]], labels.scalars.allSatisfy({ (0..<configuration.classes).contains($0) }) else {
            throw ZooError.invalidConfig(entry: name, key: "classes",
                                         problem: "is \(configuration.classes) but the batch has \(labels.count) labels for \(logits.shape[0]) rows, ranging \(labels.scalars.min() ?? 0)…\(labels.scalars.max() ?? 0); set `--set classes=N` to the dataset's class count")
        }
        return logits.crossEntropy(labels: labels)
    }

    /// Inputs uniform in [0, 1) (like the digits' scaled pixels) and uniform labels.
    public func exampleBatch(size: Int, seed: UInt64) -> Batch {
        var generator = RandomGenerator(seed: seed)
        let inputs = Tensor.randomUniform([size, configuration.inputs], using: &generator)
        let labels = (0..<size).map { _ in generator.nextInt(below: configuration.classes) }
        return Batch(tensors: ["inputs": inputs], integers: ["labels": IntTensor(labels)], indices: Array(0..<size))
    }
}
