// Holistic Features are almost Sufficient for Text-to-Video Retrieval (TeachCLIP).
// Kaibin Tian, Ruixiang Zhao, Zijie Xin, Bangxiang Lan, Xirong Li — 2024 (CVPR), arXiv:2308.01217.
// Mirrors ruc-aimc-lab/TeachCLIP train.py, distill_method "pear": the coarse-grained teaching
// term for one teacher.
// Deviations: one call per teacher (the trainer averages over teachers, as `train.py` divides its
// sum by their number). The teacher's logits are detached here as well as computed under noGrad.
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor

/// Row-wise Pearson correlation of `a` and `b` `[N, M]`: `[N]`,
/// `ρ = (a − ā)·(b − b̄) / (‖a − ā‖ ‖b − b̄‖)` (no epsilon, as in the official code).
func rowPearson(_ a: Tensor, _ b: Tensor) -> Tensor {
    let centredA = a - a.mean(axis: -1, keepingDimensions: true)
    let centredB = b - b.mean(axis: -1, keepingDimensions: true)
    let norms = (centredA * centredA).sum(axis: -1).sqrt() * (centredB * centredB).sum(axis: -1).sqrt()
    return (centredA * centredB).sum(axis: -1) / norms
}

/// "teachclip-coarse": with `P = softmax_row(S/β)`, `Q = softmax_row(T/β)` (student and teacher
/// `logits` `[B, B]`, texts in rows),
/// `L = mean_i (1 − ρ(P_i, Q_i)) + mean_j (1 − ρ(softmax_row(Sᵀ/β)_j, softmax_row(Tᵀ/β)_j))`.
/// It is 0 when the two matrices agree and at most 4.
public final class CoarseTeachingLoss: Module, DistillationLoss {
    /// The similarity temperature β (1 in every official config).
    public let beta: Float

    public init(beta: Float = 1) {
        self.beta = beta
        super.init()
    }


    public var requiredStudentTaps: Set<Tap> { [.logits] }
    public var requiredTeacherTaps: Set<Tap> { [.logits] }
    public var families: Set<Family> { [.retrieval] }

    /// The loss of student logits `[B, B]` against one teacher's `[B, B]`.
    public func callAsFunction(student: Tensor, teacher: Tensor) -> Tensor {
        let (s, t) = (student / beta, teacher.detached() / beta)
        let rows = 1 - rowPearson(s.softmax(axis: -1), t.softmax(axis: -1))
        let columns = 1 - rowPearson(s.transposed().softmax(axis: -1), t.transposed().softmax(axis: -1))
        return rows.mean() + columns.mean()
    }

    public func loss(student: Outputs, teacher: Outputs, batch: Batch) throws -> Tensor {
        let studentLogits = try student.require(.logits, from: "the student")
        let teacherLogits = try teacher.require(.logits, from: "the teacher")
        guard studentLogits.rank == 2, studentLogits.shape == teacherLogits.shape else {
            throw ZooError.incompatibleCombination(
                ["teachclip-coarse compares similarity matrices of one shape, but the student's are \(studentLogits.shape) and the teacher's \(teacherLogits.shape)"])
        }
        return self(student: studentLogits, teacher: teacherLogits)
    }

    public func exampleInputs(size: Int, seed: UInt64) -> (student: Outputs, teacher: Outputs, batch: Batch) {
        let studentLogits = Tensor.randomNormal([size, size], standardDeviation: 3, seed: seed)
        studentLogits.requiresGrad = true
        let teacherLogits = Tensor.randomNormal([size, size], standardDeviation: 3, seed: seed &+ 1)
        return (Outputs([.logits: studentLogits]), Outputs([.logits: teacherLogits]), Batch(indices: Array(0..<size)))
    }
}
