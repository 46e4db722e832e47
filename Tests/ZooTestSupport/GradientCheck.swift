// Finite-difference checking of the tape's gradients, shared by the op tests.
import Testing
import ZooTensor

/// Random inputs that require gradients, seeded.
public func trainable(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
    let t = Tensor.randomUniform(shape, low: low, high: high, seed: seed)
    t.requiresGrad = true
    return t
}

/// Checks every input's autograd gradient of `L = Σ f(inputs) ⊙ R` (R fixed random weights, so
/// every output element matters with a different weight) against central differences.
/// Float32 differences are noisy, so the tolerance is loose: a wrong formula misses by O(1).
public func expectGradientsMatch(
    _ inputs: [Tensor], step: Float = 2e-3, tolerance: Float = 2e-2,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ function: ([Tensor]) -> Tensor
) {
    let probe = function(inputs)
    let weights = Tensor.randomUniform(probe.shape, low: -1, high: 1, seed: 99)
    func loss() -> Double {
        let out = noGrad { function(inputs) }
        var total: Double = 0
        for (a, b) in zip(out.scalars, weights.scalars) { total += Double(a) * Double(b) }
        return total
    }
    for input in inputs { input.grad = nil }
    (function(inputs) * weights).sum().backward()
    for (index, input) in inputs.enumerated() where input.requiresGrad {
        let analytic = input.grad?.scalars ?? [Float](repeating: 0, count: input.count)
        for i in 0..<input.count {
            let original = input.storage.pointer[i]
            input.storage.pointer[i] = original + step
            let plus = loss()
            input.storage.pointer[i] = original - step
            let minus = loss()
            input.storage.pointer[i] = original
            let numeric = Float((plus - minus) / Double(2 * step))
            let error = Swift.abs(numeric - analytic[i])
            #expect(error <= tolerance * Swift.max(1, Swift.abs(numeric)),
                    "input \(index) element \(i): autograd \(analytic[i]) vs finite difference \(numeric)",
                    sourceLocation: sourceLocation)
        }
    }
}

/// Element-wise closeness with `|a − b| ≤ absolute + relative·|b|`.
public func expectClose(_ actual: [Float], _ expected: [Float], absolute: Float = 1e-5, relative: Float = 1e-5,
                 _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(what): \(actual.count) values vs \(expected.count)", sourceLocation: sourceLocation)
    var worst: (Int, Float, Float)? = nil
    for (i, (a, b)) in zip(actual, expected).enumerated() where !(Swift.abs(a - b) <= absolute + relative * Swift.abs(b)) {
        if worst == nil { worst = (i, a, b) }
    }
    if let (i, a, b) = worst {
        Issue.record("\(what): element \(i) is \(a), expected \(b)", sourceLocation: sourceLocation)
    }
}
