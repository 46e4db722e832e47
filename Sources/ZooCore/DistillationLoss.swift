// Distillation losses: functions of the student's and the teacher's taps.
import ZooManifest
import ZooNN
import ZooTensor

/// A loss between a student's and a teacher's outputs. A module, because some losses own
/// parameters (CRD's embedding heads) or state (its memory banks).
public protocol DistillationLoss: Module {
    /// Taps the loss reads from the student's outputs.
    var requiredStudentTaps: Set<Tap> { get }
    /// Taps the loss reads from the teacher's outputs.
    var requiredTeacherTaps: Set<Tap> { get }
    /// Families the loss makes sense for.
    var families: Set<Family> { get }
    /// The scalar loss. The teacher's outputs were computed under `noGrad`.
    func loss(student: Outputs, teacher: Outputs, batch: Batch) throws -> Tensor
    /// Random student and teacher outputs (the student's requiring gradients) and a batch of
    /// `size` examples, shaped as this loss expects (registry-driven tests).
    func exampleInputs(size: Int, seed: UInt64) -> (student: Outputs, teacher: Outputs, batch: Batch)
    /// The loss as one that keeps a memory row per training example (CRD), or nil (the default).
    var trainingSetAware: (any TrainingSetAwareLoss)? { get }
}

extension DistillationLoss {
    public var trainingSetAware: (any TrainingSetAwareLoss)? { nil }
}
