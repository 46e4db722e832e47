// Learning-rate schedules as multipliers of the base rate.
import Foundation

/// A learning-rate multiplier as a function of the step (0-based) and the planned total.
public enum LearningRateSchedule: Sendable, Hashable, Codable {
    case constant
    /// Multiply by `gamma` every `stepSize` steps.
    case step(stepSize: Int, gamma: Float)
    /// CLIP4Clip's `warmup_cosine`: x = step/total; `x/warmup` while x < warmup, then
    /// `0.5(1 + cos(πx))` (not re-based after the warm-up, as in the official code).
    case warmupCosine(warmup: Float)
    /// Linear warm-up over `warmup` of the run, then constant.
    case warmupConstant(warmup: Float)

    public func multiplier(step: Int, totalSteps: Int) -> Float {
        switch self {
        case .constant:
            return 1
        case let .step(stepSize, gamma):
            return Foundation.pow(gamma, Float(step / Swift.max(stepSize, 1)))
        case let .warmupCosine(warmup):
            let x = Float(step) / Float(Swift.max(totalSteps, 1))
            return x < warmup ? x / warmup : 0.5 * (1 + Foundation.cos(Float.pi * x))
        case let .warmupConstant(warmup):
            let x = Float(step) / Float(Swift.max(totalSteps, 1))
            return x < warmup ? x / warmup : 1
        }
    }
}
