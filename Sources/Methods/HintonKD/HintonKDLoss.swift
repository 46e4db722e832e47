// Distilling the Knowledge in a Neural Network.
// Hinton, Vinyals, Dean — 2015, arXiv:1503.02531. No official code.
// KD_T = T² · (1/B) Σ_b KL(softmax(t_b/T) ‖ softmax(s_b/T)), as RepDistiller's `DistillKL`
// computes it (KL with `size_average=False`, times T², divided by the batch size). The paper
// writes the soft term as a cross-entropy against the teacher's soft targets; the KL differs from
// it by the teacher's entropy, a constant, so both have the same gradient.
// Deviations: none in the value. The module returns KD_T only: the trainer adds the task
// cross-entropy with its own weight (`--task-weight 0.1 --distill hinton-kd:0.9`), so the
// `ceWeight`/`kdWeight` of zoo.json are recommendations a recipe reads, not factors applied here.
// Retrieval (not in the paper): the logits are similarity matrices, distilled along rows and
// along columns, ½(rows + columns), mirroring the symmetric InfoNCE those models train with.
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor

/// Hinton et al.'s soft-target distillation loss, `KD_T` (see the file header).
///
/// - Classification: student and teacher `.logits` are `[B, C]`; KD over the class axis.
/// - Retrieval (the batch holds caption–video pairs, `Batch.retrieval`): `.logits` are `[Bt, Bv]`
///   similarity matrices; KD over rows (captions → videos) and over columns (videos → captions),
///   averaged.
///
/// The teacher is a constant: no gradient reaches its logits.
public final class HintonKDLoss: Module, DistillationLoss {
    /// Softening temperature T (> 0). 4 in RepDistiller's runs; 20 in the paper's MNIST net.
    public let temperature: Float
    /// The weight of the task cross-entropy that goes with this loss (RepDistiller's γ, `-r`).
    /// Not applied here: the trainer's `--task-weight` applies it.
    public let recommendedTaskWeight: Float
    /// The weight of KD_T in the total (RepDistiller's α, `-a`). Not applied here: the trainer's
    /// `--distill hinton-kd:W` applies it.
    public let recommendedDistillationWeight: Float

    public var requiredStudentTaps: Set<Tap> { [.logits] }
    public var requiredTeacherTaps: Set<Tap> { [.logits] }
    public var families: Set<Family> { [.classification, .retrieval] }

    /// The loss of a validated configuration.
    public init(_ configuration: HintonKDConfiguration) {
        temperature = configuration.temperature
        recommendedTaskWeight = configuration.ceWeight
        recommendedDistillationWeight = configuration.kdWeight
        super.init()
    }

    /// Reads `temperature` (> 0), and `ceWeight`/`kdWeight` (≥ 0, recommendations; see above).
    public convenience init(config: ModelConfig) throws {
        self.init(try config.decode(HintonKDConfiguration.self))
    }

    public func loss(student: Outputs, teacher: Outputs, batch: Batch) throws -> Tensor {
        let studentLogits = try student.require(.logits, from: "the student")
        let teacherLogits = try teacher.require(.logits, from: "the teacher")
        guard studentLogits.rank == 2, studentLogits.shape == teacherLogits.shape else {
            throw ZooError.incompatibleCombination([
                "hinton-kd compares student and teacher logits of one shape, [B, C] (or [Bt, Bv] in retrieval), but the student gives \(studentLogits.shape) and the teacher \(teacherLogits.shape). Pair a teacher with the same classes as the student (`classes` in its config).",
            ])
        }
        guard Self.isRetrieval(batch) else { return distillation(studentLogits, teacherLogits, axis: 1) }
        let rows = distillation(studentLogits, teacherLogits, axis: 1)
        let columns = distillation(studentLogits, teacherLogits, axis: 0)
        return (rows + columns) * 0.5
    }

    /// `T² · mean over the other axis of KL(softmax(t/T) ‖ softmax(s/T))`, the distributions taken
    /// along `axis` of `[B, C]` logits (axis 1: per row; axis 0: per column). Returns a 0-d tensor.
    public func distillation(_ student: Tensor, _ teacher: Tensor, axis: Int) -> Tensor {
        let scale = 1 / temperature
        let (teacherProbabilities, teacherLogProbabilities) = noGrad {
            let softened = teacher * scale
            return (softened.softmax(axis: axis), softened.logSoftmax(axis: axis))
        }
        let studentLogProbabilities = (student * scale).logSoftmax(axis: axis)
        let distributions = Float(Swift.max(student.count / Swift.max(student.shape[axis], 1), 1))
        let divergence = (teacherProbabilities * (teacherLogProbabilities - studentLogProbabilities)).sum()
        return divergence * (temperature * temperature / distributions)
    }

    /// Whether `batch` is a retrieval batch (caption–video pairs): then the logits are a
    /// similarity matrix and KD runs in both directions.
    static func isRetrieval(_ batch: Batch) -> Bool { batch.retrieval != nil }

    /// Random student logits `[size, 10]` (requiring gradients), teacher logits, and a
    /// classification batch with labels.
    public func exampleInputs(size: Int, seed: UInt64) -> (student: Outputs, teacher: Outputs, batch: Batch) {
        var generator = RandomGenerator(seed: seed)
        let classes = 10
        let student = Tensor.randomNormal([size, classes], standardDeviation: 3, using: &generator)
        student.requiresGrad = true
        let teacher = Tensor.randomNormal([size, classes], standardDeviation: 3, using: &generator)
        let labels = (0..<size).map { _ in generator.nextInt(below: classes) }
        return (Outputs([.logits: student]), Outputs([.logits: teacher]),
                Batch(integers: ["labels": IntTensor(labels)], indices: Array(0..<size)))
    }
}

/// Hinton KD's settings: `temperature` (T, 4 as in RepDistiller's runs), `ceWeight` (0.1) and
/// `kdWeight` (0.9), RepDistiller's γ and α (recommendations the trainer's weights apply).
public struct HintonKDConfiguration: MethodConfiguration {
    public var temperature: Float = 4
    public var ceWeight: Float = 0.1
    public var kdWeight: Float = 0.9

    public init() {}

    public func validate(entry: String) throws {
        guard temperature > 0, temperature.isFinite else {
            throw ZooError.invalidConfig(entry: entry, key: "temperature",
                                         problem: "must be a positive number (it divides the logits), got \(temperature); the usual values are 4 (RepDistiller) and 20 (the paper's MNIST net)")
        }
        for (key, value) in [("ceWeight", ceWeight), ("kdWeight", kdWeight)] where !(value >= 0 && value.isFinite) {
            throw ZooError.invalidConfig(entry: entry, key: key, problem: "must be a finite number ≥ 0, got \(value)")
        }
    }
}
