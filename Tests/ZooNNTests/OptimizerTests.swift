import Foundation
import Testing
import ZooNN
import ZooTensor

/// One parameter p = [1, -2] with gradient g = [0.5, 0.25] and the given settings.
private func parameter(decay: Float = 0, multiplier: Float = 1) -> OptimizedParameter {
    let tensor = Tensor([1, -2], shape: [2], requiresGrad: true)
    tensor.grad = Tensor([0.5, 0.25])
    return OptimizedParameter(key: "p", tensor: tensor, learningRateMultiplier: multiplier, weightDecay: decay)
}

@Suite("Optimizers and schedules")
struct OptimizerTests {
    @Test("SGD with momentum and weight decay follows torch.optim.SGD")
    func sgd() {
        let p = parameter(decay: 0.1)
        let sgd = SGD(parameters: [p], learningRate: 0.1, momentum: 0.9)
        sgd.step()   // buffer = g + wd·p = [0.6, 0.05]; p -= 0.1·buffer
        #expect(p.tensor.scalars == [Float(1) - 0.1 * 0.6, Float(-2) - 0.1 * 0.05])
        sgd.step()   // buffer = 0.9·buffer + (g + wd·p)
        let d0 = Float(0.5) + 0.1 * (Float(1) - 0.06), d1 = Float(0.25) + 0.1 * (Float(-2) - 0.005)
        let expected = [Float(1) - 0.06 - 0.1 * (0.9 * 0.6 + d0), Float(-2) - 0.005 - 0.1 * (0.9 * 0.05 + d1)]
        #expect(zip(p.tensor.scalars, expected).allSatisfy { Swift.abs($0 - $1) < 1e-6 })
    }

    @Test("Adam's first step moves every coordinate by lr against the gradient sign")
    func adamFirstStep() {
        let p = parameter(multiplier: 2)
        Adam(parameters: [p], learningRate: 0.01).step()
        #expect(zip(p.tensor.scalars, [Float(1) - 0.02, -2 - 0.02]).allSatisfy { Swift.abs($0 - $1) < 1e-6 })
    }

    @Test("AdamW decays weights directly, Adam through the gradient")
    func decoupledDecay() {
        let coupled = parameter(decay: 0.5), decoupled = parameter(decay: 0.5)
        Adam(parameters: [coupled], learningRate: 0.1).step()
        Adam.adamW(parameters: [decoupled], learningRate: 0.1).step()
        #expect(Swift.abs(decoupled.tensor.scalars[0] - (1 * (1 - 0.05) - 0.1)) < 1e-6)
        #expect(Swift.abs(coupled.tensor.scalars[0] - (1 - 0.1)) < 1e-6)
    }

    @Test("BertAdam has no bias correction and decays in the update; its clipping limits each parameter's gradient")
    func bertAdam() {
        let p = parameter(decay: 0.2)
        p.tensor.grad = Tensor([3, 4])   // norm 5, clipped to 1 → [0.6, 0.8]
        let optimizer = BertAdam(parameters: [p], learningRate: 0.1, beta1: 0.9, beta2: 0.98)
        GradientClipping.perTensorNorm(1).apply(to: optimizer.parameters)
        optimizer.step()
        // m = 0.1·g, v = 0.02·g², update = m/(√v + ε) + wd·p
        let g: [Float] = [0.6, 0.8], start: [Float] = [1, -2]
        for i in 0..<2 {
            let update = 0.1 * g[i] / ((0.02 * g[i] * g[i]).squareRoot() + 1e-6) + 0.2 * start[i]
            #expect(Swift.abs(p.tensor.scalars[i] - (start[i] - 0.1 * update)) < 2e-6)
        }
        #expect(Swift.abs(p.tensor.grad!.scalars[0] - 0.6) < 1e-5)
    }

    @Test("warmup-cosine is CLIP4Clip's: linear to 1 over the warm-up, then 0.5(1+cos πx) without re-basing")
    func warmupCosine() {
        let schedule = LearningRateSchedule.warmupCosine(warmup: 0.1)
        #expect(schedule.multiplier(step: 0, totalSteps: 100) == 0)
        #expect(Swift.abs(schedule.multiplier(step: 5, totalSteps: 100) - 0.5) < 1e-6)
        #expect(Swift.abs(schedule.multiplier(step: 10, totalSteps: 100) - 0.5 * (1 + Foundation.cos(Float.pi * 0.1))) < 1e-6)
        #expect(Swift.abs(schedule.multiplier(step: 50, totalSteps: 100) - 0.5) < 1e-6)
        #expect(LearningRateSchedule.step(stepSize: 10, gamma: 0.1).multiplier(step: 25, totalSteps: 0) == Foundation.pow(0.1, 2))
    }

    @Test("gradient clipping scales the joint norm down to the limit and leaves small gradients alone")
    func clipping() {
        let a = Tensor([0, 0], shape: [2]), b = Tensor([0], shape: [1])
        a.grad = Tensor([3, 0]); b.grad = Tensor([4])
        #expect(clipGradientNorm([a, b], maxNorm: 1) == 5)
        #expect(Swift.abs(a.grad!.scalars[0] - 0.6) < 1e-5 && Swift.abs(b.grad!.scalars[0] - 0.8) < 1e-5)
        #expect(clipGradientNorm([a, b], maxNorm: 10) < 1.0001 && Swift.abs(b.grad!.scalars[0] - 0.8) < 1e-5)
    }

    @Test("parameter-group rules set lr multipliers and decay by glob, later rules winning")
    func parameterGroups() {
        let model = Linear(2, 2)
        let resolved = model.optimizedParameters(weightDecay: 0.2, rules: [
            ParameterGroupRule("*", learningRateMultiplier: 0.001), .biasesWithoutDecay,
            ParameterGroupRule("weight", learningRateMultiplier: 10),
        ])
        let byKey = Dictionary(uniqueKeysWithValues: resolved.map { ($0.key, $0) })
        #expect(byKey["weight"]?.learningRateMultiplier == 10 && byKey["weight"]?.weightDecay == 0.2)
        #expect(byKey["bias"]?.learningRateMultiplier == 0.001 && byKey["bias"]?.weightDecay == 0)
        #expect(model.optimizedParameters(weightDecay: 0, rules: [ParameterGroupRule("bias", frozen: true)]).map(\.key) == ["weight"])
    }

    @Test("optimizer state round-trips, so a restored optimizer continues identically")
    func stateRoundTrip() throws {
        let a = parameter(), b = parameter()
        let first = Adam(parameters: [a], learningRate: 0.1), second = Adam(parameters: [b], learningRate: 0.1)
        first.step()
        b.tensor.assign(a.tensor)
        try second.load(state: first.state())
        a.tensor.grad = Tensor([0.1, -0.3]); b.tensor.grad = Tensor([0.1, -0.3])
        first.step(); second.step()
        #expect(a.tensor.scalars == b.tensor.scalars)
    }
}
