// Registry-driven checks, as timm and open_clip run them over their model lists: every entry
// that is built gets a seeded forward pass (finite outputs), a backward pass (every trainable
// parameter receives a gradient) and a safetensors round trip (identical outputs after reload).
import Foundation
import Testing
import ZooCatalog
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor

/// Every registry the tests know: the real catalog and the toy methods.
let registries: [Registry] = [
    try! Registry(manifest: try! Manifest.parse(ZooCatalog.manifestJSON), entries: ZooCatalog.methodEntries),
    try! Registry(manifest: toyManifest, entries: [ToyEntry.self]),
]

/// (registry index, name) for every built entry, so each gets its own test case.
let builtEntries: [RegistryCase] = registries.enumerated().flatMap { index, registry in
    registry.registeredNames.map { RegistryCase(registry: index, name: $0) }
}

struct RegistryCase: Sendable, CustomTestStringConvertible {
    let registry: Int
    let name: String
    var testDescription: String { name }
}

/// Runs the module's own example through it and returns (scalar to differentiate, outputs).
private func exercise(_ module: Module, seed: UInt64) throws -> (Tensor, [Tensor]) {
    switch module {
    case let model as any ZooModel:
        let batch = model.exampleBatch(size: 3, seed: seed)
        let outputs = try model.forward(batch)
        return (try model.taskLoss(outputs, batch: batch), outputs.taps.sorted { $0.key < $1.key }.map(\.value))
    case let head as any SimilarityHead:
        let (text, video) = head.exampleFeatures(textCount: 3, videoCount: 2, seed: seed)
        let outputs = head.similarity(text: text, video: video)
        let logits = try outputs.require(.logits, from: "head")
        return ((logits * logits).mean(), outputs.taps.sorted { $0.key < $1.key }.map(\.value))
    case let loss as any DistillationLoss:
        let (student, teacher, batch) = loss.exampleInputs(size: 3, seed: seed)
        let value = try loss.loss(student: student, teacher: teacher, batch: batch)
        return (value, [value])
    default:
        Issue.record("\(type(of: module)) is neither a model, a head nor a loss")
        return (Tensor(scalar: 0), [])
    }
}

@Suite("Every built registry entry")
struct RegistryDrivenTests {
    @Test("its tiny config runs forward with finite outputs", arguments: builtEntries)
    func forward(entry: RegistryCase) throws {
        let module = try GlobalRandom.withSeed(1) { try registries[entry.registry].create(entry.name, tiny: true) }
        module.eval()
        let (scalar, outputs) = try exercise(module, seed: 2)
        let finite = { (tensor: Tensor) in tensor.scalars.allSatisfy { $0.isFinite } }
        #expect(finite(scalar))
        #expect(outputs.allSatisfy(finite))
    }

    @Test("backward reaches every trainable parameter", arguments: builtEntries)
    func backward(entry: RegistryCase) throws {
        let module = try GlobalRandom.withSeed(1) { try registries[entry.registry].create(entry.name, tiny: true) }
        let (scalar, _) = try exercise(module, seed: 3)
        scalar.backward()
        for (key, tensor) in module.namedParameters() where tensor.requiresGrad {
            #expect(tensor.grad != nil, "\(entry.name): \(key) received no gradient")
        }
    }

    @Test("state survives a safetensors round trip with identical outputs", arguments: builtEntries)
    func stateRoundTrip(entry: RegistryCase) throws {
        let registry = registries[entry.registry]
        let original = try GlobalRandom.withSeed(1) { try registry.create(entry.name, tiny: true) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(entry.name)-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try original.saveSafetensors(url)
        let reloaded = try GlobalRandom.withSeed(99) { try registry.create(entry.name, tiny: true) }
        try reloaded.loadSafetensors(url)
        original.eval(); reloaded.eval()
        let before = try noGrad { try exercise(original, seed: 4).1 }, after = try noGrad { try exercise(reloaded, seed: 4).1 }
        #expect(before.map(\.scalars) == after.map(\.scalars))
    }
}
