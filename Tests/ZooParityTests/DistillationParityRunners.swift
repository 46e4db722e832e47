// Parity runners of the classic distillation losses: Hinton KD (the module's KD_T composed with
// the task cross-entropy, as the trainer composes them) and CRD (two successive calls against
// one memory, the second seeing the first's bank update and frozen Z).
import CRD
import Foundation
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor
import ZooTestSupport

let distillationParityRunners: [String: ParityRunner] = [
    "hinton-kd": { try runHintonKDCase($0, gradInputs: $1) },
    "crd": { try runCRDCase($0, gradInputs: $1) },
]

/// A number of the case's `config`.
private func caseNumber(_ parity: ParityCase, _ key: String) throws -> Double {
    guard let value = parity.config[key] as? Double ?? (parity.config[key] as? Int).map(Double.init) else {
        throw ZooError.invalidConfig(entry: parity.name, key: key, problem: "is missing from case.json's config")
    }
    return value
}

/// `hinton-kd`: loss = ce_weight·CE(s, y) + kd_weight·KD_T(s, t), T and the weights from the case.
func runHintonKDCase(_ parity: ParityCase, gradInputs: [String]) throws -> [String: Tensor] {
    let (temperature, ceWeight, kdWeight) = (try caseNumber(parity, "T"), try caseNumber(parity, "ce_weight"), try caseNumber(parity, "kd_weight"))
    let overrides = try ConfigOverrides(arguments: ["temperature=\(temperature)", "ceWeight=\(ceWeight)", "kdWeight=\(kdWeight)"]).overrides()
    let kd = try parityRegistry.createLoss(parity.name, overrides: overrides)
    try kd.load(state: parity.weights, source: "\(parity.name)/weights.safetensors")
    let student = try parity.inputs.tensor("student_logits")
    student.requiresGrad = true
    let teacher = try parity.inputs.tensor("teacher_logits")
    let labels = try parity.inputs.intTensor("labels")
    let batch = Batch(integers: ["labels": labels], indices: Array(0..<labels.count))
    let distillation = try kd.loss(student: Outputs([.logits: student]), teacher: Outputs([.logits: teacher]), batch: batch)
    let crossEntropy = student.crossEntropy(labels: labels)
    let loss = crossEntropy * Float(ceWeight) + distillation * Float(kdWeight)
    loss.backward()
    return ["loss_ce": crossEntropy, "loss_kd": distillation, "loss": loss,
            "grad.input.student_logits": student.grad ?? Tensor.zeros(student.shape)]
}

/// `crd`: the heads' weights and the initial banks from the case, two calls with the case's
/// explicit contrast indices (`sampling: given`), every intermediate, and ∂(loss_1 + loss_2).
func runCRDCase(_ parity: ParityCase, gradInputs: [String]) throws -> [String: Tensor] {
    let sizes = [("featureDim", "feat_dim"), ("negatives", "nce_k"), ("studentDim", "s_dim"), ("teacherDim", "t_dim"),
                 ("datasetSize", "n_data")]
    var arguments = try sizes.map { key, caseKey in "\(key)=\(Int(try caseNumber(parity, caseKey)))" }
    arguments += ["temperature=\(try caseNumber(parity, "nce_t"))", "momentum=\(try caseNumber(parity, "nce_m"))", "sampling=given"]
    let loss = try parityRegistry.createLoss(parity.name, overrides: try ConfigOverrides(arguments: arguments).overrides())
    guard let crd = loss as? CRDLoss else { throw ZooError.wrongKind(name: parity.name, expected: "CRDLoss", actual: "\(type(of: loss))") }
    var state = crd.state()
    for (key, value) in parity.weights { state[key] = value }
    state["contrast.memory_v1"] = try parity.inputs.tensor("memory_v1")
    state["contrast.memory_v2"] = try parity.inputs.tensor("memory_v2")
    try crd.load(state: state, source: "\(parity.name)/weights.safetensors + inputs.safetensors")

    var produced: [String: Tensor] = [:]
    var inputs: [String: Tensor] = [:]
    var total: Tensor?
    for call in 1...2 {
        let features = try parity.inputs.tensor("f_s_\(call)")
        features.requiresGrad = gradInputs.contains("f_s_\(call)")
        inputs["f_s_\(call)"] = features
        let rows = try parity.inputs.intTensor("y_\(call)").scalars
        let batch = Batch(integers: ["contrast_idx": try parity.inputs.intTensor("idx_\(call)")], indices: rows)
        let terms = try crd.terms(student: Outputs([.features: features]),
                                  teacher: Outputs([.features: try parity.inputs.tensor("f_t_\(call)")]), batch: batch)
        produced["z_s_\(call)"] = terms.studentEmbedding
        produced["z_t_\(call)"] = terms.teacherEmbedding
        produced["out_s_\(call)"] = terms.studentScores
        produced["out_t_\(call)"] = terms.teacherScores
        produced["loss_s_\(call)"] = terms.studentLoss
        produced["loss_t_\(call)"] = terms.teacherLoss
        produced["loss_\(call)"] = terms.loss
        produced["memory_v1_after_\(call)"] = crd.memory!.studentBank.copy()
        produced["memory_v2_after_\(call)"] = crd.memory!.teacherBank.copy()
        total = total.map { $0 + terms.loss } ?? terms.loss
    }
    let normalizers = crd.memory!.normalizers.scalars
    produced["Z_v1"] = Tensor([normalizers[0]])
    produced["Z_v2"] = Tensor([normalizers[1]])
    total!.backward()
    produced["loss"] = total!
    for (key, tensor) in crd.namedParameters() { produced["grad.\(key)"] = tensor.grad ?? Tensor.zeros(tensor.shape) }
    for name in gradInputs { if let input = inputs[name] { produced["grad.input.\(name)"] = input.grad ?? Tensor.zeros(input.shape) } }
    return produced
}
