// Parity runners of the TeachCLIP cases, through the registry: the student head
// (`teachclip-student`, trained with the full TeachCLIP objective against constant teacher
// inputs) and the two teaching losses with K teachers (`teachclip-losses`). The trainer calls each
// teaching loss once per teacher and averages; these runners do the same.
import Foundation
import Testing
import ZooCatalog
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor
import ZooTestSupport

/// The registry of every built method, as `zoo` builds it.
private let parityRegistry = try! ZooCatalog.registry()

private let parityRunners: [String: ParityRunner] = [
    "teachclip-student": { try runTeachCLIPStudentCase($0, gradInputs: $1) },
    "teachclip-losses": { try runTeachCLIPLossesCase($0, gradInputs: $1) },
]

/// TeachCLIP's weights of the ground-truth, coarse and fine terms (`train.py`, β = 1).
private let teachCLIPWeights: (gt: Float, coarse: Float, fine: Float) = (0.2, 1.0, 2.0)

/// The three TeachCLIP terms over K teachers: `teachers[k]` holds teacher k's taps.
private func teachCLIPTerms(student: Outputs, teachers: [Outputs]) throws -> (gt: Tensor, coarse: Tensor, fine: Tensor) {
    let coarse = try parityRegistry.createLoss("teachclip-coarse"), fine = try parityRegistry.createLoss("teachclip-fine")
    let batch = Batch()
    let gt = try student.require(.logits, from: "the student").symmetricCrossEntropy()
    let coarseTerms = try teachers.map { try coarse.loss(student: student, teacher: $0, batch: batch) }
    let fineTerms = try teachers.map { try fine.loss(student: student, teacher: $0, batch: batch) }
    let count = Float(teachers.count)
    return (gt, coarseTerms.dropFirst().reduce(coarseTerms[0], +) / count, fineTerms.dropFirst().reduce(fineTerms[0], +) / count)
}

/// `teachclip-student`: the AFA head on `text`, `frames`, `video_mask`; the loss uses the K
/// teachers' `teacher_logits` `[K, B, B]` and `teacher_relevance` `[K, B, F]` as given.
func runTeachCLIPStudentCase(_ parity: ParityCase, gradInputs: [String]) throws -> [String: Tensor] {
    let head = try parityRegistry.createHead("teachclip", overrides: try teachCLIPOverrides(parity))
    head.eval()
    try head.load(state: parity.weights, source: "\(parity.name)/weights.safetensors")
    let text = try parity.inputs.tensor("text"), frames = try parity.inputs.tensor("frames")
    for (name, input) in [("text", text), ("frames", frames)] where gradInputs.contains(name) { input.requiresGrad = true }
    let outputs = head.similarity(text: TextFeatures(sentence: text),
                                  video: VideoFeatures(frames: frames, mask: try parity.inputs.tensor("video_mask")))
    let teacherLogits = try parity.inputs.tensor("teacher_logits"), relevance = try parity.inputs.tensor("teacher_relevance")
    let teachers = (0..<teacherLogits.shape[0]).map { k in
        Outputs([.logits: teacherLogits.select(axis: 0, index: k), .frameRelevance: relevance.select(axis: 0, index: k)])
    }
    let terms = try teachCLIPTerms(student: outputs, teachers: teachers)
    let loss = terms.gt * teachCLIPWeights.gt + terms.coarse * teachCLIPWeights.coarse + terms.fine * teachCLIPWeights.fine
    loss.backward()
    var produced: [String: Tensor] = ["loss_gt": terms.gt, "loss_coarse": terms.coarse, "loss_fine": terms.fine, "loss": loss]
    let taps: [String: Tap] = ["logits": .logits, "frame_weight": .frameWeights, "video_embedding": .videoEmbedding]
    for name in parity.outputs.keys where produced[name] == nil { produced[name] = outputs[taps[name] ?? Tap(name)] }
    for (key, tensor, _) in head.namedTensors() { produced["grad.\(key)"] = tensor.grad ?? Tensor.zeros(tensor.shape) }
    produced["grad.input.text"] = text.grad ?? Tensor.zeros(text.shape)
    produced["grad.input.frames"] = frames.grad ?? Tensor.zeros(frames.shape)
    return produced
}

/// Sizes of the student case for the `teachclip` entry.
private func teachCLIPOverrides(_ parity: ParityCase) throws -> JSONNode? {
    let entryConfig = try parityRegistry.config(for: "teachclip")
    let arguments: [String] = [("embedDim", "D"), ("frames", "F"), ("layers", "layers"), ("heads", "heads")].compactMap { key, caseKey in
        guard entryConfig.has(key), let value = parity.config[caseKey] as? Int else { return nil }
        return "\(key)=\(value)"
    }
    return try ConfigOverrides(arguments: arguments).overrides()
}

/// `teachclip-losses`: the coarse and fine losses of `student_logits` `[B, B]` and
/// `student_frame_scores` `[B, F]` against K teachers (`teacher_logits`, `teacher_text`,
/// `teacher_frames`), their TeachCLIP total, and the gradients of both student inputs.
func runTeachCLIPLossesCase(_ parity: ParityCase, gradInputs: [String]) throws -> [String: Tensor] {
    let logits = try parity.inputs.tensor("student_logits"), scores = try parity.inputs.tensor("student_frame_scores")
    logits.requiresGrad = true
    scores.requiresGrad = true
    let teacherLogits = try parity.inputs.tensor("teacher_logits")
    let teacherText = try parity.inputs.tensor("teacher_text"), teacherFrames = try parity.inputs.tensor("teacher_frames")
    let teachers = (0..<teacherLogits.shape[0]).map { k in
        Outputs([.logits: teacherLogits.select(axis: 0, index: k), .sentenceFeatures: teacherText.select(axis: 0, index: k),
                 .frameFeatures: teacherFrames.select(axis: 0, index: k)])
    }
    let terms = try teachCLIPTerms(student: Outputs([.logits: logits, .frameScores: scores]), teachers: teachers)
    let loss = terms.gt * teachCLIPWeights.gt + terms.coarse * teachCLIPWeights.coarse + terms.fine * teachCLIPWeights.fine
    loss.backward()
    // Diagnostics the losses compute internally, recomputed from their definitions:
    // r_k = softmax_f(n(s_k,i)·n(f_k,i,f)) and softmax_f(a).
    let relevance = noGrad {
        let (k, b, f, d) = (teacherFrames.shape[0], teacherFrames.shape[1], teacherFrames.shape[2], teacherFrames.shape[3])
        let cosines = Tensor.matmul(teacherFrames.l2Normalized().reshaped([k * b, f, d]),
                                    teacherText.l2Normalized().reshaped([k * b, d, 1]))
        return cosines.reshaped([k, b, f]).softmax(axis: -1)
    }
    return ["teacher_relevance": relevance, "student_frame_weight": noGrad { scores.softmax(axis: -1) },
            "loss_gt": terms.gt, "loss_coarse": terms.coarse, "loss_fine": terms.fine, "loss": loss,
            "grad.input.student_logits": logits.grad ?? Tensor.zeros(logits.shape),
            "grad.input.student_frame_scores": scores.grad ?? Tensor.zeros(scores.shape)]
}

extension Tap {
    /// `[B, F]` the student's AFA scores a (TeachCLIP's tap `frame_scores`).
    fileprivate static let frameScores: Tap = "frame_scores"
}

@Suite("TeachCLIP parity with the PyTorch fixtures")
struct TeachCLIPParityTests {
    /// The cases under Tests/Fixtures/parity named after TeachCLIP's entries.
    static let cases = ParityFixtures.directories(ownedBy: "TeachCLIP", in: parityRegistry.manifest)

    @Test("every TeachCLIP case in Tests/Fixtures/parity reproduces every stored output and gradient", arguments: cases)
    func reproduces(directory: String) throws {
        try ParityFixtures.check(directory, runners: parityRunners, testFolder: "Tests/TeachCLIPTests")
    }

    @Test("every runner here has its case in Tests/Fixtures/parity")
    func runnersHaveCases() throws { try ParityFixtures.expectCases(for: parityRunners, among: Self.cases) }
}
