// Parity of Hinton KD with the reference: the module's KD_T composed with the task cross-entropy,
// as the trainer composes them.
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

private let parityRunners: [String: ParityRunner] = ["hinton-kd": { try runHintonKDCase($0, gradInputs: $1) }]

/// `hinton-kd`: loss = ce_weight·CE(s, y) + kd_weight·KD_T(s, t), T and the weights from the case.
private func runHintonKDCase(_ parity: ParityCase, gradInputs: [String]) throws -> [String: Tensor] {
    let (temperature, ceWeight, kdWeight) = (try ParityFixtures.number(parity, "T"), try ParityFixtures.number(parity, "ce_weight"), try ParityFixtures.number(parity, "kd_weight"))
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


@Suite("HintonKD parity with the PyTorch fixtures")
struct HintonKDParityTests {
    /// The cases under Tests/Fixtures/parity named after HintonKD's entries.
    static let cases = ParityFixtures.directories(ownedBy: "HintonKD", in: parityRegistry.manifest)

    @Test("every HintonKD case in Tests/Fixtures/parity reproduces every stored output and gradient", arguments: cases)
    func reproduces(directory: String) throws {
        try ParityFixtures.check(directory, runners: parityRunners, testFolder: "Tests/HintonKDTests")
    }

    @Test("every runner here has its case in Tests/Fixtures/parity")
    func runnersHaveCases() throws { try ParityFixtures.expectCases(for: parityRunners, among: Self.cases) }
}
