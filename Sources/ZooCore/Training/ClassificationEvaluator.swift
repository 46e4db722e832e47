// Classification accuracy on a split: every example once, in order, in eval mode.
import Foundation
import ZooData
import ZooTensor

/// Accuracy and mean cross-entropy of a classifier on one split.
public struct ClassificationEvaluation: Codable, Sendable, Equatable {
    /// Percent of examples whose largest logit is their label.
    public var accuracy: Double
    /// Mean cross-entropy of the logits against the labels.
    public var loss: Double
    /// Number of wrongly classified examples (the paper's "test errors").
    public var errors: Int
    public var examples: Int

    /// What "best" checkpoints are chosen by: accuracy.
    public var primary: Double { accuracy }
}

/// Evaluates classifiers (models whose `.logits` are `[B, C]` class scores) on one split.
public struct ClassificationEvaluator {
    public let source: any ClassificationSource
    public var batchSize = 256

    public init(source: any ClassificationSource) { self.source = source }

    public func evaluate(_ model: any ZooModel) throws -> ClassificationEvaluation {
        model.eval()
        defer { model.train() }
        var correct = 0, lossSum = 0.0
        try noGrad {
            for start in stride(from: 0, to: source.count, by: batchSize) {
                let indices = Array(start..<Swift.min(start + batchSize, source.count))
                let batch = try source.batch(indices)
                let logits = try model.forward(batch).require(.logits, from: "the classifier")
                let labels = try batch.integers("labels")
                let classes = logits.shape[1]
                let values = logits.scalars
                for (row, label) in labels.scalars.enumerated() {
                    var best = 0
                    for c in 1..<classes where values[row * classes + c] > values[row * classes + best] { best = c }
                    if best == label { correct += 1 }
                }
                lossSum += Double(logits.crossEntropy(labels: labels).item) * Double(indices.count)
            }
        }
        let count = Swift.max(source.count, 1)
        return ClassificationEvaluation(accuracy: 100 * Double(correct) / Double(count), loss: lossSum / Double(count),
                                        errors: source.count - correct, examples: source.count)
    }
}
