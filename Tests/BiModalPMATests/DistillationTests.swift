// What bimodal-pma-kd promises: it is the soft cross-entropy to the teacher's probabilities, it
// is smallest when the student's distribution equals the teacher's, the teacher gets no gradient,
// and any image-only classifier can be the student.
import Testing
import ZooCore
import ZooNN
import ZooTensor
@testable import BiModalPMA

@Suite("Bi-modal PMA distillation")
struct DistillationTests {
    private let loss = PMADistillationLoss()

    private func value(student: Tensor, teacher: Tensor) throws -> Float {
        try noGrad { try loss.loss(student: Outputs([.logits: student]), teacher: Outputs([.logits: teacher]), batch: Batch()).item }
    }

    @Test("the loss is smallest, and its gradient zero, when the student's logits equal the teacher's")
    func minimisedAtTheTeacher() throws {
        let teacher = Tensor.randomNormal([4, 6], standardDeviation: 2, seed: 1)
        let best = try value(student: teacher, teacher: teacher)
        for seed in UInt64(2)..<12 {
            let nudged = teacher + Tensor.randomNormal([4, 6], standardDeviation: 0.3, seed: seed)
            #expect(try value(student: nudged, teacher: teacher) > best)
        }
        // Shifting every logit of a row by a constant leaves the distribution, hence the loss, unchanged.
        #expect(abs(try value(student: teacher + 5, teacher: teacher) - best) < 1e-5)
        let student = teacher.copy()
        student.requiresGrad = true
        try loss.loss(student: Outputs([.logits: student]), teacher: Outputs([.logits: teacher]), batch: Batch()).backward()
        #expect(student.grad!.scalars.allSatisfy { abs($0) < 1e-6 })
    }

    @Test("it equals −(1/B) Σ P_T log softmax(s), with the entropy of P_T at the minimum")
    func formula() throws {
        let student = Tensor(rows: [[1, 2, 0], [0, 0, 3]]), teacher = Tensor(rows: [[0, 1, 2], [2, 0, 0]])
        let p = teacher.softmax(axis: 1).scalars, logQ = student.logSoftmax(axis: 1).scalars
        let expected = -zip(p, logQ).map { $0 * $1 }.reduce(0, +) / 2
        #expect(abs(try value(student: student, teacher: teacher) - expected) < 1e-6)
        let entropy = -zip(p, teacher.logSoftmax(axis: 1).scalars).map { $0 * $1 }.reduce(0, +) / 2
        #expect(abs(try value(student: teacher, teacher: teacher) - entropy) < 1e-6)
    }

    @Test("the teacher receives no gradient and mismatched classes are refused")
    func teacherIsConstant() throws {
        let teacher = Tensor.randomNormal([3, 5], seed: 3), student = Tensor.randomNormal([3, 5], seed: 4)
        teacher.requiresGrad = true
        student.requiresGrad = true
        try loss.loss(student: Outputs([.logits: student]), teacher: Outputs([.logits: teacher]), batch: Batch()).backward()
        #expect(teacher.grad == nil && student.grad != nil)
        #expect(throws: BiModalPMAInputError.self) {
            try loss.loss(student: Outputs([.logits: Tensor.zeros([3, 4])]), teacher: Outputs([.logits: teacher]), batch: Batch())
        }
    }

    @Test("cnn-small can learn from bimodal-pma: the combination checks out")
    func combination() throws {
        let teacher = try pmaRegistry.createModel("bimodal-pma", tiny: true)
        let student = try pmaRegistry.createModel("cnn-small", tiny: true)
        let combination = Combination(studentName: "cnn-small", student: student, teacherName: "bimodal-pma", teacher: teacher,
                                      losses: [("bimodal-pma-kd", try pmaRegistry.createLoss("bimodal-pma-kd"), 1)], taskWeight: 0)
        #expect(combination.problems().isEmpty)
    }
}
