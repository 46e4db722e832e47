// Optimizers with PyTorch's update rules, plus CLIP4Clip's BertAdam. Their state (moments,
// step counts) round-trips through checkpoints so a resumed run continues exactly.
import Foundation
import ZooTensor

/// Updates parameters from their gradients. `learningRate` is the base rate; the schedule's
/// multiplier (given to each step by the trainer, which also clips the gradients: one place for
/// every optimizer) and each parameter's group multiplier are applied on top.
public protocol Optimizer: AnyObject {
    var parameters: [OptimizedParameter] { get }
    var learningRate: Float { get set }
    /// Applies one update using the current gradients at `learningRate × scheduleMultiplier`;
    /// parameters without gradients are skipped.
    func step(scheduleMultiplier: Float)
    /// Moment buffers etc. by `"<parameter key>.<slot>"`, for checkpoints.
    func state() -> [String: Tensor]
    func load(state: [String: Tensor]) throws
}

extension Optimizer {
    public func zeroGrad() { parameters.forEach { $0.tensor.zeroGrad() } }

    /// One update at the base learning rate.
    public func step() { step(scheduleMultiplier: 1) }
}

/// Why an optimizer state could not be restored.
public struct OptimizerStateError: Error, CustomStringConvertible {
    public let key: String
    public var description: String {
        "the optimizer state lacks or mis-shapes '\(key)': the checkpoint was written for other parameters; resume with the same model and recipe, or start without --resume"
    }
}

/// Base for optimizers that keep named per-parameter slots.
public class SlottedOptimizer {
    public let parameters: [OptimizedParameter]
    public var learningRate: Float
    var slots: [String: [Tensor]] = [:]
    let slotNames: [String]
    public internal(set) var stepCount = 0

    init(parameters: [OptimizedParameter], learningRate: Float, slotNames: [String]) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.slotNames = slotNames
        for parameter in parameters { slots[parameter.key] = slotNames.map { _ in Tensor.zeros(parameter.tensor.shape) } }
    }

    public func state() -> [String: Tensor] {
        var result: [String: Tensor] = ["step": Tensor(scalar: Float(stepCount))]
        for (key, tensors) in slots { for (name, tensor) in zip(slotNames, tensors) { result["\(key).\(name)"] = tensor } }
        return result
    }

    public func load(state: [String: Tensor]) throws {
        for (key, tensors) in slots {
            for (name, tensor) in zip(slotNames, tensors) {
                guard let saved = state["\(key).\(name)"], saved.shape == tensor.shape else {
                    throw OptimizerStateError(key: "\(key).\(name)")
                }
                tensor.assign(saved)
            }
        }
        stepCount = Int(state["step"]?.item ?? 0)
    }

    /// Runs `update(value, gradient, slots, count, lr, weightDecay)` for every parameter with a
    /// gradient, lr being `(learningRate × schedule) × group multiplier` (the order the zoo's
    /// SGD and Adam runs have always used, so their numbers reproduce bit for bit).
    func forEachParameter(scheduleMultiplier: Float,
                          _ update: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, [UnsafeMutablePointer<Float>], Int, Float, Float) -> Void) {
        let scheduled = learningRate * scheduleMultiplier
        for parameter in parameters {
            guard let grad = parameter.tensor.grad, let buffers = slots[parameter.key] else { continue }
            update(parameter.tensor.storage.pointer, grad.storage.pointer, buffers.map { $0.storage.pointer },
                   parameter.tensor.count, scheduled * parameter.learningRateMultiplier, parameter.weightDecay)
        }
    }
}

/// SGD with momentum and L2 weight decay, as `torch.optim.SGD` (dampening 0).
public final class SGD: SlottedOptimizer, Optimizer {
    public let momentum: Float
    public let nesterov: Bool

    public init(parameters: [OptimizedParameter], learningRate: Float, momentum: Float = 0, nesterov: Bool = false) {
        self.momentum = momentum
        self.nesterov = nesterov
        super.init(parameters: parameters, learningRate: learningRate, slotNames: ["momentum_buffer"])
    }

    public func step(scheduleMultiplier: Float) {
        let first = stepCount == 0
        forEachParameter(scheduleMultiplier: scheduleMultiplier) { p, g, slots, n, lr, decay in
            let buffer = slots[0]
            for i in 0..<n {
                var d = g[i] + decay * p[i]
                if momentum != 0 {
                    buffer[i] = first ? d : momentum * buffer[i] + d
                    d = nesterov ? d + momentum * buffer[i] : buffer[i]
                }
                p[i] -= lr * d
            }
        }
        stepCount += 1
    }
}

/// Adam (`torch.optim.Adam`, L2 decay added to the gradient) or AdamW (decoupled decay), with
/// bias correction.
public final class Adam: SlottedOptimizer, Optimizer {
    public let beta1: Float, beta2: Float, eps: Float
    public let decoupledWeightDecay: Bool

    public init(parameters: [OptimizedParameter], learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999,
                eps: Float = 1e-8, decoupledWeightDecay: Bool = false) {
        (self.beta1, self.beta2, self.eps, self.decoupledWeightDecay) = (beta1, beta2, eps, decoupledWeightDecay)
        super.init(parameters: parameters, learningRate: learningRate, slotNames: ["exp_avg", "exp_avg_sq"])
    }

    /// AdamW: `torch.optim.AdamW` (weight decay 1e-2 by default there; pass it per group).
    public static func adamW(parameters: [OptimizedParameter], learningRate: Float, beta1: Float = 0.9,
                             beta2: Float = 0.999, eps: Float = 1e-8) -> Adam {
        Adam(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, eps: eps, decoupledWeightDecay: true)
    }

    public func step(scheduleMultiplier: Float) {
        stepCount += 1
        let correction1 = 1 - Foundation.pow(beta1, Float(stepCount))
        let correction2 = 1 - Foundation.pow(beta2, Float(stepCount))
        forEachParameter(scheduleMultiplier: scheduleMultiplier) { p, g, slots, n, lr, decay in
            let m = slots[0], v = slots[1]
            if decoupledWeightDecay { for i in 0..<n { p[i] *= 1 - lr * decay } }
            let stepSize = lr / correction1
            let root2 = correction2.squareRoot()
            for i in 0..<n {
                let grad = decoupledWeightDecay ? g[i] : g[i] + decay * p[i]
                m[i] = beta1 * m[i] + (1 - beta1) * grad
                v[i] = beta2 * v[i] + (1 - beta2) * grad * grad
                p[i] -= stepSize * m[i] / (v[i].squareRoot() / root2 + eps)
            }
        }
    }
}

/// BertAdam as CLIP4Clip's `modules/optimization.py` has it: no bias correction, decay added
/// to the update (`m/(√v+ε) + wd·p`), the schedule applied after the group multiplier
/// (`(lr × group) × schedule`, as its param groups do). Its per-parameter gradient clipping, and
/// the joint clip the official loop applies before it, are `GradientClipping.jointThenPerTensorNorm`,
/// applied by the trainer before the step; the trainer also evaluates the schedule at the step
/// count *before* this step, as the official code does.
public final class BertAdam: SlottedOptimizer, Optimizer {
    public let beta1: Float, beta2: Float, eps: Float

    public init(parameters: [OptimizedParameter], learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.98, eps: Float = 1e-6) {
        (self.beta1, self.beta2, self.eps) = (beta1, beta2, eps)
        super.init(parameters: parameters, learningRate: learningRate, slotNames: ["next_m", "next_v"])
    }

    public func step(scheduleMultiplier: Float) {
        for parameter in parameters {
            guard let grad = parameter.tensor.grad, let buffers = slots[parameter.key] else { continue }
            let (p, g) = (parameter.tensor.storage.pointer, grad.storage.pointer)
            let (m, v) = (buffers[0].storage.pointer, buffers[1].storage.pointer)
            let scheduled = learningRate * parameter.learningRateMultiplier * scheduleMultiplier
            let decay = parameter.weightDecay
            for i in 0..<parameter.tensor.count {
                m[i] = beta1 * m[i] + (1 - beta1) * g[i]
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
                let update = m[i] / (v[i].squareRoot() + eps) + decay * p[i]
                p[i] -= scheduled * update
            }
        }
        stepCount += 1
    }
}
