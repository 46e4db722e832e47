// Parity runners of the Bi-modal PMA cases. The fixtures start from the feature map X and the
// phrase embeddings Z, so `bimodal-pma` is built with `precomputedInputs` (no CNN, no LSTM: its
// keys are exactly the fixture's `stages.*`, `fc.*`, `classifier.*`) and fed X and Z through
// the batch keys `features.map` and `phrases.embedded`. The KD case's student is `cnn-small`
// with `precomputedInputs`: classifier(GAP(X_student)), keys `classifier.*` under `student.`.
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
    "bimodal-pma": { try runBiModalPMACase($0, gradInputs: $1) },
    "bimodal-pma-kd": { try runBiModalPMADistillationCase($0, gradInputs: $1) },
]

/// An integer of the case's `config`.
private func size(_ parity: ParityCase, _ key: String) throws -> Int {
    guard let value = parity.config[key] as? Int else { throw ParityConfigError(key: key, name: parity.name) }
    return value
}

struct ParityConfigError: Error, CustomStringConvertible {
    let key: String, name: String
    var description: String { "\(name)/case.json: config has no integer '\(key)'" }
}

/// `bimodal-pma` with precomputed inputs, sized like the case (d, d_t, d_local, d_final, C).
func pmaParityModel(_ parity: ParityCase) throws -> any ZooModel {
    let arguments = ["precomputedInputs=true", "backboneChannels=[\(try size(parity, "d"))]", "textWidth=\(try size(parity, "d_t"))",
                     "localWidth=\(try size(parity, "d_local"))", "finalWidth=\(try size(parity, "d_final"))",
                     "classes=\(try size(parity, "C"))", "stages=\(try size(parity, "stages"))", "reduction=\(try size(parity, "r"))"]
    return try parityRegistry.createModel("bimodal-pma", overrides: try ConfigOverrides(arguments: arguments).overrides())
}

/// The teacher's batch: X, Z and the phrase mask (and labels when the case has them).
func pmaParityBatch(_ parity: ParityCase, map: Tensor, phrases: Tensor) throws -> Batch {
    var integers: [String: IntTensor] = [:]
    if parity.inputs.entry("labels") != nil { integers["labels"] = try parity.inputs.intTensor("labels") }
    return Batch(tensors: ["features.map": map, "phrases.embedded": phrases, "phrases.mask": try parity.inputs.tensor("phrase_mask")],
                 integers: integers, indices: Array(0..<map.shape[0]))
}

/// `bimodal-pma`: every head output and trace, the cross-entropy and every gradient.
func runBiModalPMACase(_ parity: ParityCase, gradInputs: [String]) throws -> [String: Tensor] {
    let model = try pmaParityModel(parity)
    model.eval()
    try model.load(state: parity.weights, source: "\(parity.name)/weights.safetensors")
    let inputs = ["X": try parity.inputs.tensor("X"), "Z": try parity.inputs.tensor("Z")]
    for (name, tensor) in inputs { tensor.requiresGrad = gradInputs.contains(name) }
    let batch = try pmaParityBatch(parity, map: inputs["X"]!, phrases: inputs["Z"]!)
    let outputs = try model.forward(batch)
    let loss = try model.taskLoss(outputs, batch: batch)
    loss.backward()
    var produced: [String: Tensor] = ["loss": loss, "feature": try outputs.require(.features, from: parity.name)]
    for name in parity.outputs.keys where produced[name] == nil { produced[name] = outputs[Tap(name)] }
    for (key, tensor, _) in model.namedTensors() { produced["grad.\(key)"] = tensor.grad ?? Tensor.zeros(tensor.shape) }
    for name in gradInputs { if let input = inputs[name] { produced["grad.input.\(name)"] = input.grad ?? Tensor.zeros(input.shape) } }
    return produced
}

/// `bimodal-pma-kd`: the frozen teacher's logits and probabilities, the student's logits, the
/// soft cross-entropy and the student's gradients (parameters and X_student).
func runBiModalPMADistillationCase(_ parity: ParityCase, gradInputs: [String]) throws -> [String: Tensor] {
    let teacher = try pmaParityModel(parity)
    teacher.eval()
    try teacher.load(state: parity.weights(under: "teacher."), source: "\(parity.name)/weights.safetensors (teacher.*)")
    teacher.freeze()
    let studentArguments = ["precomputedInputs=true", "channels=[\(try size(parity, "d_s"))]", "classes=\(try size(parity, "C"))"]
    let student = try parityRegistry.createModel("cnn-small", overrides: try ConfigOverrides(arguments: studentArguments).overrides())
    try student.load(state: parity.weights(under: "student."), source: "\(parity.name)/weights.safetensors (student.*)")
    let studentMap = try parity.inputs.tensor("X_student")
    studentMap.requiresGrad = gradInputs.contains("X_student")

    let teacherBatch = try pmaParityBatch(parity, map: try parity.inputs.tensor("X"), phrases: try parity.inputs.tensor("Z"))
    let teacherOutputs = try noGrad { try teacher.forward(teacherBatch) }
    let studentBatch = Batch(tensors: ["features.map": studentMap], indices: teacherBatch.indices)
    let studentOutputs = try student.forward(studentBatch)
    let loss = try parityRegistry.createLoss("bimodal-pma-kd").loss(student: studentOutputs, teacher: teacherOutputs, batch: studentBatch)
    loss.backward()

    let teacherLogits = try teacherOutputs.require(.logits, from: "the teacher")
    var produced: [String: Tensor] = [
        "teacher_logits": teacherLogits, "teacher_probs": teacherLogits.softmax(axis: 1),
        "student_logits": try studentOutputs.require(.logits, from: "the student"), "loss": loss,
    ]
    for (key, tensor, _) in student.namedTensors() { produced["grad.student.\(key)"] = tensor.grad ?? Tensor.zeros(tensor.shape) }
    if gradInputs.contains("X_student") { produced["grad.input.X_student"] = studentMap.grad ?? Tensor.zeros(studentMap.shape) }
    return produced
}

@Suite("BiModalPMA parity with the PyTorch fixtures")
struct BiModalPMAParityTests {
    /// The cases under Tests/Fixtures/parity named after BiModalPMA's entries.
    static let cases = ParityFixtures.directories(ownedBy: "BiModalPMA", in: parityRegistry.manifest)

    @Test("every BiModalPMA case in Tests/Fixtures/parity reproduces every stored output and gradient", arguments: cases)
    func reproduces(directory: String) throws {
        try ParityFixtures.check(directory, runners: parityRunners, testFolder: "Tests/BiModalPMATests")
    }

    @Test("every runner here has its case in Tests/Fixtures/parity")
    func runnersHaveCases() throws { try ParityFixtures.expectCases(for: parityRunners, among: Self.cases) }
}
