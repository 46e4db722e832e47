// Per-parameter optimisation settings chosen by key patterns (a backbone's lr multiplier, no
// weight decay on biases, a method's own rules), and gradient clipping.
import ZooTensor

/// A rule that applies to the parameters whose keys match `pattern`. Later rules override
/// earlier ones for the fields they set.
public struct ParameterGroupRule: Sendable, Hashable {
    public var pattern: String
    public var learningRateMultiplier: Float?
    public var weightDecay: Float?
    public var frozen: Bool?

    public init(_ pattern: String, learningRateMultiplier: Float? = nil, weightDecay: Float? = nil, frozen: Bool? = nil) {
        self.pattern = pattern
        self.learningRateMultiplier = learningRateMultiplier
        self.weightDecay = weightDecay
        self.frozen = frozen
    }

    /// No decay for any key containing `bias`: the zoo's default, from CLIP4Clip's `no_decay` list
    /// (`bias`, `LayerNorm.bias`, `LayerNorm.weight`). LayerNorm keys follow the checkpoints'
    /// names (`ln_1.weight`…), which that code does decay, since its test is on the substring
    /// `LayerNorm`; this mirrors it exactly.
    public static let biasesWithoutDecay = ParameterGroupRule("*bias*", weightDecay: 0)
}

/// One trainable tensor with its resolved settings.
public struct OptimizedParameter {
    public let key: String
    public let tensor: Tensor
    public var learningRateMultiplier: Float
    public var weightDecay: Float

    public init(key: String, tensor: Tensor, learningRateMultiplier: Float = 1, weightDecay: Float = 0) {
        (self.key, self.tensor, self.learningRateMultiplier, self.weightDecay) = (key, tensor, learningRateMultiplier, weightDecay)
    }
}

extension Module {
    /// Trainable parameters with settings resolved from `rules` over a default weight decay.
    /// Rules with `frozen: true` exclude the matching parameters (and stop their gradients).
    public func optimizedParameters(weightDecay: Float, rules: [ParameterGroupRule] = []) -> [OptimizedParameter] {
        var result: [OptimizedParameter] = []
        for (key, tensor) in namedParameters() {
            var parameter = OptimizedParameter(key: key, tensor: tensor, learningRateMultiplier: 1, weightDecay: weightDecay)
            var frozen = !tensor.requiresGrad
            for rule in rules where KeyPattern(rule.pattern).matches(key) {
                if let multiplier = rule.learningRateMultiplier { parameter.learningRateMultiplier = multiplier }
                if let decay = rule.weightDecay { parameter.weightDecay = decay }
                if let rule = rule.frozen { frozen = rule }
            }
            tensor.requiresGrad = !frozen
            if !frozen { result.append(parameter) }
        }
        return result
    }
}

/// How gradients are limited before an optimizer step.
public enum GradientClipping: Sendable, Equatable {
    case none
    /// The joint L2 norm of all gradients at most `maxNorm` (`torch.nn.utils.clip_grad_norm_`).
    case jointNorm(Float)
    /// Each tensor's gradient norm at most `maxNorm` on its own (BertAdam's `max_grad_norm`).
    case perTensorNorm(Float)
    /// The joint norm clipped first, then each tensor's (CLIP4Clip's loop: `clip_grad_norm_` over
    /// the model, then BertAdam clips every tensor again inside its step).
    case jointThenPerTensorNorm(Float)

    /// Clips the gradients of `parameters` in place.
    public func apply(to parameters: [OptimizedParameter]) {
        switch self {
        case .none: break
        case let .jointNorm(limit): clipGradientNorm(parameters.map(\.tensor), maxNorm: limit)
        case let .perTensorNorm(limit): for parameter in parameters { clipGradientNorm([parameter.tensor], maxNorm: limit) }
        case let .jointThenPerTensorNorm(limit):
            clipGradientNorm(parameters.map(\.tensor), maxNorm: limit)
            for parameter in parameters { clipGradientNorm([parameter.tensor], maxNorm: limit) }
        }
    }
}

/// Scales gradients so that their joint L2 norm is at most `maxNorm` (`clip_grad_norm_`).
/// Returns the norm before clipping. Parameters without a gradient are skipped.
@discardableResult
public func clipGradientNorm(_ tensors: [Tensor], maxNorm: Float) -> Float {
    var squares: Double = 0
    for tensor in tensors { if let grad = tensor.grad { grad.withUnsafeBufferPointer { for v in $0 { squares += Double(v) * Double(v) } } } }
    let norm = Float(squares.squareRoot())
    let scale = maxNorm / (norm + 1e-6)   // PyTorch's clip coefficient, applied only when < 1
    if scale < 1 {
        for tensor in tensors { tensor.grad?.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] *= scale } } }
    }
    return norm
}
