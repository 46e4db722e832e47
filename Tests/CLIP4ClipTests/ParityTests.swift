// Every case directory under Tests/Fixtures/parity runs here: the suite knows how to run the
// CLIP4Clip heads and the symmetric cross-entropy, compares every stored output and every stored
// gradient, and fails on a directory it finds but cannot run. Dropping a case directory into
// parity/ is therefore enough to test it (cases of methods not built yet wait in parity-planned/).
import Foundation
import Testing
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor
import ZooTestSupport
@testable import CLIP4Clip

/// The registry restricted to CLIP4Clip's zoo.json entries (this test target sees no other method).
let clip4clipRegistry: Registry = {
    let url = fixturesDirectory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("zoo.json")
    let manifest = try! Manifest.parse(String(contentsOf: url, encoding: .utf8))
    let own = Manifest(version: manifest.version, entries: manifest.entries.filter { $0.target == "CLIP4Clip" })
    return try! Registry(manifest: own, entries: [CLIP4ClipEntry.self])
}()

/// The case directories found under Tests/Fixtures/parity, by folder name.
let parityCaseDirectories: [String] = {
    let root = fixturesDirectory.appendingPathComponent("parity")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
    return names.filter { name in
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &isDirectory) && isDirectory.boolValue
    }.sorted()
}()

/// Fixture output names of the head cases → the taps that produce them.
let tapsByOutputName: [String: Tap] = [
    "logits": .logits, "text_embedding": .textEmbedding, "video_embedding": .videoEmbedding,
    "visual_out": .encodedFrames, "pooled": .pooledPairs,
]

/// Runs one case and returns everything it produced, named as in outputs.safetensors.
typealias ParityRunner = @Sendable (ParityCase, _ gradInputs: [String]) throws -> [String: Tensor]

let parityRunners: [String: ParityRunner] = [
    "clip4clip-meanp": runHeadCase, "clip4clip-seqlstm": runHeadCase,
    "clip4clip-seqtransf": runHeadCase, "clip4clip-tighttransf": runHeadCase,
    "symmetric-ce": runSymmetricCrossEntropyCase,
]

/// `--set` style overrides for the sizes a case's `config` fixes, limited to the keys the entry has.
func parityOverrides(_ parity: ParityCase) throws -> [String] {
    let entryConfig = try clip4clipRegistry.entry(parity.name).config
    let sizes: [(String, String)] = [("embedDim", "D"), ("frames", "F"), ("layers", "layers"), ("heads", "heads")]
    return sizes.compactMap { key, caseKey in
        guard entryConfig[key] != nil, let value = parity.config[caseKey] as? Int else { return nil }
        return "\(key)=\(value)"
    }
}

/// Builds the case's head from the registry, loads its weights strictly, runs it on the inputs
/// and back-propagates ½[CrossEn(S) + CrossEn(Sᵀ)].
func runHeadCase(_ parity: ParityCase, gradInputs: [String]) throws -> [String: Tensor] {
    let overrides = try ConfigOverrides(arguments: try parityOverrides(parity)).overrides()
    let head = try clip4clipRegistry.createHead(parity.name, overrides: overrides)
    head.eval()
    try head.load(state: parity.weights, source: "\(parity.name)/weights.safetensors")
    let text = try parity.inputs.tensor("text"), frames = try parity.inputs.tensor("frames")
    for (name, input) in [("text", text), ("frames", frames)] where gradInputs.contains(name) { input.requiresGrad = true }
    let outputs = head.similarity(text: TextFeatures(sentence: text),
                                  video: VideoFeatures(frames: frames, mask: try parity.inputs.tensor("video_mask")))
    var produced: [String: Tensor] = [:]
    for (name, tap) in tapsByOutputName { produced[name] = outputs[tap] }
    let loss = try outputs.require(.logits, from: parity.name).symmetricCrossEntropy()
    loss.backward()
    produced["loss"] = loss
    for (key, tensor, _) in head.namedTensors() {
        // A parameter the loss does not reach (and a buffer) has gradient zero, as the fixtures store it.
        produced["grad.\(key)"] = tensor.grad ?? Tensor.zeros(tensor.shape)
    }
    for (name, input) in [("text", text), ("frames", frames)] where gradInputs.contains(name) {
        produced["grad.input.\(name)"] = input.grad ?? Tensor.zeros(input.shape)
    }
    return produced
}

/// `symmetric-ce`: the row and column cross-entropies, their mean, and ∂loss/∂logits.
func runSymmetricCrossEntropyCase(_ parity: ParityCase, gradInputs: [String]) throws -> [String: Tensor] {
    let logits = try parity.inputs.tensor("logits")
    logits.requiresGrad = true
    let labels = IntTensor(Array(0..<Swift.min(logits.shape[0], logits.shape[1])))
    let rows = noGrad { logits.crossEntropy(labels: labels) }
    let columns = noGrad { logits.transposed().crossEntropy(labels: labels) }
    let loss = logits.symmetricCrossEntropy()
    loss.backward()
    return ["loss_rows": rows, "loss_cols": columns, "loss": loss, "grad.input.logits": logits.grad ?? Tensor.zeros(logits.shape)]
}

/// `case.json`'s `grad_inputs`: the inputs whose gradients the case stores.
func gradientInputs(of parity: ParityCase) throws -> [String] {
    let data = try Data(contentsOf: parity.directory.appendingPathComponent("case.json"))
    return ((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["grad_inputs"] as? [String]) ?? []
}

@Suite("Parity with the PyTorch fixtures in Tests/Fixtures/parity")
struct ParityTests {
    @Test("the parity folder holds the CLIP4Clip and symmetric-ce cases")
    func folderHoldsTheKnownCases() {
        for name in parityRunners.keys.sorted() {
            #expect(parityCaseDirectories.contains(name), "Tests/Fixtures/parity/\(name) is missing")
        }
    }

    @Test("every case directory reproduces every stored output and gradient", arguments: parityCaseDirectories)
    func caseReproducesOutputsAndGradients(directory: String) throws {
        let parity = try ParityCase(directory: fixturesDirectory.appendingPathComponent("parity").appendingPathComponent(directory))
        guard let run = parityRunners[parity.name] else {
            Issue.record("""
                parity/\(directory) holds case '\(parity.name)', which no test knows how to run. Teach \
                Tests/CLIP4ClipTests/ParityTests.swift (or the method's own suite) its case name, or keep it \
                in Tests/Fixtures/parity-planned/ until its method lands.
                """)
            return
        }
        let produced = try run(parity, try gradientInputs(of: parity))
        #expect(!parity.outputs.isEmpty)
        for (name, expected) in parity.outputs.sorted(by: { $0.key < $1.key }) {
            guard let actual = produced[name] else {
                Issue.record("\(parity.name): produced no '\(name)' (it produced \(produced.keys.sorted().joined(separator: ", ")))")
                continue
            }
            let sameShape = actual.shape == expected.shape || (actual.count == 1 && expected.count == 1)
            #expect(sameShape, "\(parity.name): '\(name)' has shape \(actual.shape), expected \(expected.shape)")
            guard sameShape else { continue }
            expectClose(actual.scalars, expected.scalars, absolute: parity.absoluteTolerance(for: name), relative: 1e-4,
                        "\(parity.name): \(name)")
        }
    }
}
