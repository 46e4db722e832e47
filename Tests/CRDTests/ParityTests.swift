// Parity of CRD with RepDistiller: two successive calls against one memory, the second seeing
// the first's bank update and frozen Z.
import Foundation
import Testing
@testable import CRD
import ZooCatalog
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor
import ZooTestSupport

/// The registry of every built method, as `zoo` builds it.
private let parityRegistry = try! ZooCatalog.registry()

private let parityRunners: [String: ParityRunner] = ["crd": { try runCRDCase($0, gradInputs: $1) }]

/// `crd`: the heads' weights and the initial banks from the case, two calls with the case's
/// explicit contrast indices (`sampling: given`), every intermediate, and ∂(loss_1 + loss_2).
private func runCRDCase(_ parity: ParityCase, gradInputs: [String]) throws -> [String: Tensor] {
    let sizes = [("featureDim", "feat_dim"), ("negatives", "nce_k"), ("studentDim", "s_dim"), ("teacherDim", "t_dim"),
                 ("datasetSize", "n_data")]
    var arguments = try sizes.map { key, caseKey in "\(key)=\(Int(try ParityFixtures.number(parity, caseKey)))" }
    arguments += ["temperature=\(try ParityFixtures.number(parity, "nce_t"))", "momentum=\(try ParityFixtures.number(parity, "nce_m"))", "sampling=given"]
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

@Suite("CRD parity with the PyTorch fixtures")
struct CRDParityTests {
    /// The cases under Tests/Fixtures/parity named after CRD's entries.
    static let cases = ParityFixtures.directories(ownedBy: "CRD", in: parityRegistry.manifest)

    @Test("every CRD case in Tests/Fixtures/parity reproduces every stored output and gradient", arguments: cases)
    func reproduces(directory: String) throws {
        try ParityFixtures.check(directory, runners: parityRunners, testFolder: "Tests/CRDTests")
    }

    @Test("every runner here has its case in Tests/Fixtures/parity")
    func runnersHaveCases() throws { try ParityFixtures.expectCases(for: parityRunners, among: Self.cases) }
}
