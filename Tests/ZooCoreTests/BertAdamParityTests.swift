// One step of CLIP4Clip's training loop under the zoo's default recipe (BertAdam, clip 1.0), equal
// to the same step in PyTorch (Tests/Fixtures/optimizers/bertadam-joint-clip.json, written by
// scripts/make-optimizer-fixture.py): the joint gradient norm (3.07) is clipped to 1 before
// BertAdam's own per-tensor clip, as main_task_retrieval.py's train_epoch does.
import Foundation
import Testing
import ZooCore
import ZooNN
import ZooTensor
import ZooTestSupport

@Suite("BertAdam with CLIP4Clip's gradient clipping")
struct BertAdamParityTests {
    @Test("the default recipe's clip and one BertAdam step equal PyTorch's, moments and weights")
    func oneStepMatchesPyTorch() throws {
        let url = fixturesDirectory.appendingPathComponent("optimizers/bertadam-joint-clip.json")
        let fixture = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let specs = try #require(fixture["parameters"] as? [String: [String: Any]])
        func floats(_ spec: [String: Any], _ key: String) -> [Float] { (spec[key] as! [Double]).map(Float.init) }
        let names = specs.keys.sorted()
        let parameters = names.map { name -> OptimizedParameter in
            let spec = specs[name]!
            let tensor = Tensor(floats(spec, "start"), shape: spec["shape"] as! [Int], requiresGrad: true)
            tensor.grad = Tensor(floats(spec, "grad"), shape: spec["shape"] as! [Int])
            return OptimizedParameter(key: name, tensor: tensor, learningRateMultiplier: 1, weightDecay: Float(spec["weight_decay"] as! Double))
        }
        let recipe = TrainingRecipe()   // BertAdam, clip 1.0, betas 0.9/0.98, eps 1e-6
        #expect(recipe.gradientClipping == .jointThenPerTensorNorm(1))
        let optimizer = BertAdam(parameters: parameters, learningRate: Float(fixture["learning_rate"] as! Double),
                                 beta1: recipe.beta1, beta2: recipe.beta2, eps: recipe.eps)
        recipe.gradientClipping.apply(to: optimizer.parameters)
        optimizer.step(scheduleMultiplier: 1)
        let state = optimizer.state()
        for (name, parameter) in zip(names, parameters) {
            let spec = specs[name]!
            expectClose(parameter.tensor.grad!.scalars, floats(spec, "clipped_grad"), absolute: 1e-6, relative: 1e-4, "\(name) clipped gradient")
            expectClose(state["\(name).next_m"]!.scalars, floats(spec, "next_m"), absolute: 1e-7, relative: 1e-4, "\(name) next_m")
            expectClose(state["\(name).next_v"]!.scalars, floats(spec, "next_v"), absolute: 1e-9, relative: 1e-4, "\(name) next_v")
            expectClose(parameter.tensor.scalars, floats(spec, "after"), absolute: 1e-6, relative: 1e-4, "\(name) after the step")
        }
    }
}

@Suite("fp16 weight storage")
struct HalfPrecisionStorageTests {
    @Test("three steps with converted weights and their moments stored at fp16 equal the PyTorch emulation")
    func threeStepsMatchPyTorch() throws {
        let url = fixturesDirectory.appendingPathComponent("optimizers/bertadam-fp16-storage.json")
        let fixture = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let specs = try #require(fixture["parameters"] as? [String: [String: Any]])
        let converted = Set(try #require(fixture["converted"] as? [String]))
        func floats(_ spec: [String: Any], _ key: String) -> [Float] { (spec[key] as! [Double]).map(Float.init) }
        let names = specs.keys.sorted()
        let parameters = names.map { name -> OptimizedParameter in
            let spec = specs[name]!
            let tensor = Tensor(floats(spec, "start"), shape: spec["shape"] as! [Int], requiresGrad: true)
            return OptimizedParameter(key: name, tensor: tensor, learningRateMultiplier: 1, weightDecay: Float(spec["weight_decay"] as! Double))
        }
        let storage = HalfPrecisionStorage(keys: converted)
        for parameter in parameters where converted.contains(parameter.key) { HalfPrecisionStorage.round(parameter.tensor) }
        let recipe = TrainingRecipe()
        let optimizer = BertAdam(parameters: parameters, learningRate: Float(fixture["learning_rate"] as! Double),
                                 beta1: recipe.beta1, beta2: recipe.beta2, eps: recipe.eps)
        for _ in 0..<3 {
            for (name, parameter) in zip(names, parameters) {   // ∂/∂p of 0.5·c·(p − t)²
                let spec = specs[name]!, c = Float(spec["scale"] as! Double), target = floats(spec, "target")
                parameter.tensor.grad = Tensor(zip(parameter.tensor.scalars, target).map { c * ($0 - $1) }, shape: parameter.tensor.shape)
            }
            recipe.gradientClipping.apply(to: optimizer.parameters)
            optimizer.step(scheduleMultiplier: 1)
            storage.apply(to: optimizer.parameters, optimizerState: optimizer.state())
        }
        let state = optimizer.state()
        for (name, parameter) in zip(names, parameters) {
            let spec = specs[name]!
            expectClose(parameter.tensor.scalars, floats(spec, "after"), absolute: 1e-6, relative: 1e-4, "\(name) after three steps")
            expectClose(state["\(name).next_m"]!.scalars, floats(spec, "next_m"), absolute: 1e-7, relative: 1e-4, "\(name) next_m")
            expectClose(state["\(name).next_v"]!.scalars, floats(spec, "next_v"), absolute: 1e-9, relative: 1e-4, "\(name) next_v")
            if converted.contains(name) {
                #expect(parameter.tensor.scalars.allSatisfy { Float(Float16($0)) == $0 }, "\(name) is not at fp16 resolution")
            }
        }
    }

    @Test("an update below half an fp16 step is lost, as in fp16 storage")
    func smallUpdatesAreLost() {
        let tensor = Tensor([1, 1])
        tensor.withUnsafeMutableBufferPointer { $0[0] += 1e-4; $0[1] += 6e-4 }   // fp16's step at 1 is 2^-10 ≈ 9.8e-4
        HalfPrecisionStorage.round(tensor)
        #expect(tensor.scalars == [1, Float(1) + Float(1) / 1024])
    }
}
