// Classification accuracy on a split: every example once, in order, in eval mode. Logits that are
// not finite stop the evaluation (argmax over NaN would pick a class), and a tie for the largest
// logit counts against the model, as ties do in retrieval.
import Foundation
import ZooData
import ZooTensor

/// Accuracy and mean cross-entropy of a classifier on one split.
public struct ClassificationEvaluation: Codable, Sendable, Equatable {
    /// Percent of examples whose label's logit is larger than every other (a tie is a miss).
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
                if let first = values.firstIndex(where: { !$0.isFinite }) {
                    throw EvaluationError.nonFiniteLogits(count: values.reduce(0) { $0 + ($1.isFinite ? 0 : 1) },
                                                          examples: indices.count, classes: classes,
                                                          firstExample: start + first / classes, firstClass: first % classes,
                                                          value: values[first])
                }
                for (row, label) in labels.scalars.enumerated() {
                    guard label >= 0 && label < classes else {
                        throw EvaluationError.groundTruthOutOfRange(what: "the label of example", index: start + row, target: label, count: classes)
                    }
                    // A hit needs the label's logit above every other: a tie counts against the model.
                    let truth = values[row * classes + label]
                    if (0..<classes).allSatisfy({ $0 == label || values[row * classes + $0] < truth }) { correct += 1 }
                }
                lossSum += Double(logits.crossEntropy(labels: labels).item) * Double(indices.count)
            }
        }
        let count = Swift.max(source.count, 1)
        return ClassificationEvaluation(accuracy: 100 * Double(correct) / Double(count), loss: lossSum / Double(count),
                                        errors: source.count - correct, examples: source.count)
    }
}
