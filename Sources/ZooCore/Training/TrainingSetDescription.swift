// What a loss with per-example state learns about the training set before the first step:
// CRD sizes its memory banks by it and draws negatives from other classes with it.
import ZooData

/// The training set as a loss with memory sees it: one row per memory slot, each with a class.
///
/// Classification: one row per training example (`Batch.indices`), labelled with its class.
/// Retrieval: one row per training video (the batch's `retrieval.videoIndices`), each its own
/// class, so the negatives of a caption are the other videos.
public struct TrainingSetDescription: Sendable, Equatable {
    /// For logs: "digits/train".
    public var name: String
    /// Class of each memory row; `labels.count` is the number of rows N.
    public var labels: [Int]
    /// Which memory row an example uses.
    public enum Rows: Sendable, Equatable {
        /// Its dataset index (`Batch.indices`).
        case examples
        /// Its video's index (`RetrievalInputs.videoIndices`).
        case videos
    }
    /// Where each example's memory row comes from.
    public var rows: Rows

    public init(name: String, labels: [Int], rows: Rows) {
        (self.name, self.labels, self.rows) = (name, labels, rows)
    }

    public var count: Int { labels.count }

    /// The memory row of each example of `batch`.
    public func rows(of batch: Batch) throws -> [Int] {
        switch rows {
        case .examples: return batch.indices
        case .videos:
            guard let indices = try batch.retrievalInputs().videoIndices else {
                throw BatchError.missingInput("retrieval.videoIndices", available: [])
            }
            return indices
        }
    }
}

/// A distillation loss that must see the training set and the models' outputs before training
/// (CRD sizes its memory banks by the set and its embedding heads by the feature widths).
///
/// The trainer calls `prepare` once, before it builds the optimizer and before it restores a
/// checkpoint (restored banks then overwrite fresh ones of the same size), with the student's
/// and the teacher's outputs on the first training batch, computed in eval mode without gradients.
public protocol TrainingSetAwareLoss: DistillationLoss {
    func prepare(for trainingSet: TrainingSetDescription, student: Outputs, teacher: Outputs) throws
}

extension TrainingSetAwareLoss {
    public var trainingSetAware: (any TrainingSetAwareLoss)? { self }
}
