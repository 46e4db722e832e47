// How a model is trained: optimizer, schedule, parameter groups, budget, evaluation cadence.
// CLIP4Clip's official recipe is the default for retrieval models.
import ZooNN

/// Everything the trainer needs to know besides the model and the data. Codable, so a
/// checkpoint records the recipe it was trained with and `--resume` can check it.
public struct TrainingRecipe: Codable, Sendable, Equatable {
    public enum OptimizerKind: String, Codable, Sendable { case bertAdam, adam, adamW, sgd }

    public var optimizer: OptimizerKind = .bertAdam
    /// Base learning rate (new heads); `clipLearningRateMultiplier` scales parameters under `clip.`.
    public var learningRate: Float = 1e-4
    public var weightDecay: Float = 0.2
    public var beta1: Float = 0.9
    public var beta2: Float = 0.98
    public var eps: Float = 1e-6
    public var momentum: Float = 0.9
    public var schedule: LearningRateSchedule = .warmupCosine(warmup: 0.1)
    /// Joint (SGD/Adam/AdamW) or per-parameter (BertAdam) gradient-norm limit; 0 disables.
    public var gradientClip: Float = 1.0
    /// Rules applied in order (later ones win): lr multipliers, decay, freezing by key glob.
    public var parameterRules: [ParameterGroupRule] = [.clip4clipNoDecay]
    public var batchSize: Int = 32
    /// Training length: whole epochs unless `steps` is set.
    public var epochs: Int = 5
    public var steps: Int? = nil
    /// Evaluate on the validation split every this many steps (and at the end); 0 = only at the end.
    public var evaluateEvery: Int = 0
    public var seed: UInt64 = 0
    /// Captions are tokenized to this many ids (CLIP4Clip: 32; CLIP: 77).
    public var contextLength: Int = 32
    /// Clamp CLIP's logit scale to [0, ln 100] after each step (CLIP4Clip does).
    public var clampLogitScale: Bool = true

    public init() {}

    /// CLIP4Clip's recipe (SPEC.md): BertAdam, warmup-cosine (0.1), lr 1e-4, decay 0.2 except
    /// biases, clip 1.0, parameters under `clip.` at lr × 1e-3.
    public static var clip4clip: TrainingRecipe {
        var recipe = TrainingRecipe()
        recipe.parameterRules = [ParameterGroupRule("clip.*", learningRateMultiplier: 1e-3), .clip4clipNoDecay]
        return recipe
    }
}

extension ParameterGroupRule: Codable {
    enum CodingKeys: String, CodingKey { case pattern, learningRateMultiplier, weightDecay, frozen }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(try c.decode(String.self, forKey: .pattern),
                  learningRateMultiplier: try c.decodeIfPresent(Float.self, forKey: .learningRateMultiplier),
                  weightDecay: try c.decodeIfPresent(Float.self, forKey: .weightDecay),
                  frozen: try c.decodeIfPresent(Bool.self, forKey: .frozen))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(pattern, forKey: .pattern)
        try c.encodeIfPresent(learningRateMultiplier, forKey: .learningRateMultiplier)
        try c.encodeIfPresent(weightDecay, forKey: .weightDecay)
        try c.encodeIfPresent(frozen, forKey: .frozen)
    }
}

extension TrainingRecipe {
    /// The optimizer this recipe describes over the trainable parameters of `modules`; keys are
    /// prefixed (`"loss.crd."`) so rules and optimizer state can tell the modules apart.
    public func makeOptimizer(for modules: [(prefix: String, module: Module)], totalSteps: Int) -> any Optimizer {
        let parameters = modules.flatMap { prefix, module in
            module.optimizedParameters(weightDecay: weightDecay, rules: parameterRules).map { parameter in
                OptimizedParameter(key: prefix + parameter.key, tensor: parameter.tensor,
                                   learningRateMultiplier: parameter.learningRateMultiplier, weightDecay: parameter.weightDecay)
            }
        }
        switch optimizer {
        case .bertAdam:
            return BertAdam(parameters: parameters, learningRate: learningRate, schedule: schedule, totalSteps: totalSteps,
                            beta1: beta1, beta2: beta2, eps: eps, maxGradNorm: gradientClip)
        case .adam: return Adam(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, eps: eps)
        case .adamW: return Adam.adamW(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, eps: eps)
        case .sgd: return SGD(parameters: parameters, learningRate: learningRate, momentum: momentum)
        }
    }

    /// Whether the optimizer applies the schedule itself (BertAdam) or the trainer must.
    public var optimizerSchedulesItself: Bool { optimizer == .bertAdam }
}
