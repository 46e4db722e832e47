// Bi-Modal Progressive Mask Attention for Fine-Grained Recognition.
// Kaitao Song, Xiu-Shen Wei, Xiangbo Shu, Ren-Jie Song, Jianfeng Lu — IEEE TIP 2020.
// No arXiv id, no official code; formulas and choices: Tests/Fixtures/parity/README.md §2, §3.
//
// `bimodal-pma-kd`, Eq. (11): the bi-modal teacher (image + phrases) teaches an image-only
// student through its class probabilities,
//   L = −(1/B) Σ_b Σ_c P_T(c | b) log softmax(student logits_b)_c,   P_T = softmax(teacher logits).
// Choices (README §3.12-3.13): the printed sum has no minus sign and no mean, we use the mean
// soft cross-entropy; temperature 1 (the paper names none); no label term ("our distiller does
// not use the image labels": add the student's own cross-entropy with the trainer's task weight
// if wanted). The teacher is a constant. Any classifier exposing `.logits` can be the student.
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor

/// Soft cross-entropy from the teacher's class probabilities to the student's. No parameters.
public final class PMADistillationLoss: Module, DistillationLoss {
    public override init() { super.init() }

    public var requiredStudentTaps: Set<Tap> { [.logits] }
    public var requiredTeacherTaps: Set<Tap> { [.logits] }
    public var families: Set<Family> { [.classification] }

    /// P_T = softmax(teacher logits), cut off from the tape: `[B, C]`.
    public static func teacherProbabilities(_ teacherLogits: Tensor) -> Tensor {
        noGrad { teacherLogits.detached().softmax(axis: 1) }
    }

    /// −(1/B) Σ_b Σ_c P_T(c|b) log softmax(s_b)_c for student and teacher `.logits` `[B, C]`.
    public func loss(student: Outputs, teacher: Outputs, batch: Batch) throws -> Tensor {
        let studentLogits = try student.require(.logits, from: "the student")
        let teacherLogits = try teacher.require(.logits, from: "the teacher")
        guard studentLogits.rank == 2, studentLogits.shape == teacherLogits.shape else {
            throw BiModalPMAInputError.shape(model: "bimodal-pma-kd", input: "student logits", expected: "the teacher's \(teacherLogits.shape)",
                                             found: studentLogits.shape, fix: "Student and teacher must classify the same batch into the same classes (check `classes` of both).")
        }
        return studentLogits.crossEntropy(softTargets: Self.teacherProbabilities(teacherLogits), axis: 1)
    }

    /// Random student logits (requiring gradients), teacher logits and labels over 5 classes.
    public func exampleInputs(size: Int, seed: UInt64) -> (student: Outputs, teacher: Outputs, batch: Batch) {
        var generator = RandomGenerator(seed: seed)
        let student = Tensor.randomNormal([size, 5], using: &generator)
        student.requiresGrad = true
        let teacher = Tensor.randomNormal([size, 5], standardDeviation: 2, using: &generator)
        let labels = IntTensor((0..<size).map { _ in generator.nextInt(below: 5) })
        return (Outputs([.logits: student]), Outputs([.logits: teacher]),
                Batch(integers: ["labels": labels], indices: Array(0..<size)))
    }
}
