import Foundation
import Testing
import ZooNN
import ZooTensor
import ZooTestSupport

/// A module with a keyed parameter, an optional one, a buffer, a keyed child and an array.
final class ToyModel: Module {
    @Parameter(key: "frame_position_embeddings.weight") var positions: Tensor
    @OptionalParameter var scale: Tensor?
    @Buffer var memory: Tensor
    @Child(key: "head.proj") var projection: Linear
    @Child var layers: [LayerNorm]
    var cache: Tensor? = nil

    init(withScale: Bool) {
        super.init()
        positions = Tensor.zeros([4, 3])
        scale = withScale ? Tensor.ones([1]) : nil
        memory = Tensor.zeros([2, 3])
        projection = Linear(3, 2, bias: false)
        layers = [LayerNorm(3), LayerNorm(3)]
    }
}

@Suite("Modules")
struct ModuleTests {
    @Test("reflection finds parameters, buffers and children under their checkpoint keys")
    func dottedKeys() {
        let keys = ToyModel(withScale: true).namedTensors().map(\.key).sorted()
        #expect(keys == ["frame_position_embeddings.weight", "head.proj.weight", "layers.0.bias", "layers.0.weight",
                         "layers.1.bias", "layers.1.weight", "memory", "scale"])
        #expect(!ToyModel(withScale: false).state().keys.contains("scale"))
        let model = ToyModel(withScale: true)
        #expect(model.namedParameters().count == 7)           // the buffer is not trained
        #expect(model.parameterCount == 12 + 1 + 6 + 4 * 3)
    }

    @Test("strict loading reports missing, unused and mis-shaped keys and writes nothing")
    func strictLoading() throws {
        let model = ToyModel(withScale: false)
        var state = model.state().mapValues { Tensor(repeating: 5, shape: $0.shape) }
        state["memory"] = nil
        state["extra.weight"] = Tensor.zeros([1])
        state["head.proj.weight"] = Tensor.zeros([3, 3])
        #expect(throws: StateLoadError.self) { try model.load(state: state) }
        #expect(model.positions.scalars.allSatisfy { $0 == 0 })
        let report = try model.load(state: state, strict: false)
        #expect(report.missing == ["memory"] && report.unused == ["extra.weight"])
        #expect(report.mismatched == [.init(key: "head.proj.weight", expected: [2, 3], found: [3, 3])])
        #expect(model.positions.scalars.allSatisfy { $0 == 5 })
    }

    @Test("the load error names the keys and the fix")
    func loadErrorMessage() {
        let model = ToyModel(withScale: false)
        do {
            try model.load(state: [:], source: "ckpt.safetensors")
            Issue.record("loading an empty state should fail")
        } catch {
            let text = String(describing: error)
            #expect(text.contains("ckpt.safetensors") && text.contains("missing") && text.contains("zoo info"))
        }
    }

    @Test("weights holding NaN or infinity are refused with the tensor's name, and nothing is written")
    func nonFiniteWeightsRefused() throws {
        let model = ToyModel(withScale: false)
        var state = model.state().mapValues { Tensor(repeating: 5, shape: $0.shape) }
        var bad = state["layers.1.weight"]!.scalars
        bad[0] = .nan
        bad[1] = .infinity
        state["layers.1.weight"] = Tensor(bad, shape: state["layers.1.weight"]!.shape)
        #expect(throws: StateLoadError.nonFinite(key: "layers.1.weight", count: 2, total: bad.count, source: "w.safetensors")) {
            try model.load(state: state, source: "w.safetensors")
        }
        #expect(model.positions.scalars.allSatisfy { $0 == 0 })
        try model.load(state: state, allowNonFinite: true)
        #expect(model.positions.scalars.allSatisfy { $0 == 5 })
    }

    @Test("--allow-nonfinite's task-local policy is what a load accepts by default")
    func nonFinitePolicyIsTheDefault() throws {
        let model = ToyModel(withScale: false)
        let state = model.state().mapValues { Tensor(repeating: .infinity, shape: $0.shape) }
        #expect(throws: StateLoadError.self) { try model.load(state: state) }
        try NonFiniteValues.$accepted.withValue(true) { try model.load(state: state) }
        #expect(model.positions.scalars.allSatisfy { $0 == .infinity })
    }

    @Test("state round-trips through safetensors with identical values")
    func safetensorsRoundTrip() throws {
        let model = GlobalRandom.withSeed(1) { ToyModel(withScale: true) }
        model.memory.assign(Tensor.randomNormal([2, 3], seed: 4))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("toy-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.saveSafetensors(url)
        let copy = GlobalRandom.withSeed(2) { ToyModel(withScale: true) }
        try copy.loadSafetensors(url)
        for (key, tensor) in model.state() { #expect(copy.state()[key]!.scalars == tensor.scalars, "\(key)") }
    }

    @Test("freezing by glob stops gradients of the matching parameters only")
    func freezing() {
        let model = ToyModel(withScale: true)
        #expect(model.freeze(matching: "layers.*") == 4)
        #expect(model.namedParameters().filter { $0.tensor.requiresGrad }.map(\.key).sorted()
                == ["frame_position_embeddings.weight", "head.proj.weight", "scale"])
        #expect(KeyPattern("clip.*").matches("clip.visual.proj") && !KeyPattern("clip.*").matches("head.clip"))
    }

    @Test("train and eval switch every sub-module")
    func modes() {
        let model = ToyModel(withScale: true)
        model.eval()
        #expect(model.namedModules().allSatisfy { !$0.module.isTraining })
        model.train()
        #expect(model.layers[1].isTraining)
    }

    @Test("the same seed builds the same weights")
    func seededInitialisation() {
        let a = GlobalRandom.withSeed(9) { Linear(8, 4) }, b = GlobalRandom.withSeed(9) { Linear(8, 4) }
        #expect(a.weight.scalars == b.weight.scalars && a.bias!.scalars == b.bias!.scalars)
    }
}
