// How a model is trained: optimizer, schedule, parameter groups, budget, evaluation cadence.
import ZooNN

/// Everything the trainer needs to know besides the model, the data and the seed. Codable, so
/// an experiment and a checkpoint record the recipe and `--resume` can check it. The defaults
/// are CLIP4Clip's (BertAdam, warmup-cosine 0.1, lr 1e-4, decay 0.2 except biases, clip 1.0);
/// an entry's `training` block in zoo.json changes them (`TrainingRecipe(entry:)`).
public struct TrainingRecipe: Codable, Sendable, Hashable {
    public enum OptimizerKind: String, Codable, Sendable, CaseIterable { case bertAdam, adam, adamW, sgd }

    public var optimizer: OptimizerKind = .bertAdam
    /// Base learning rate (the head, or the whole model).
    public var learningRate: Float = 1e-4
    /// The learning-rate multiplier of a composed head's backbone parameters (CLIP4Clip's
    /// `coef_lr`); 1 leaves them at the base rate.
    public var backboneLearningRateMultiplier: Float = 1
    public var weightDecay: Float = 0.2
    public var beta1: Float = 0.9
    public var beta2: Float = 0.98
    public var eps: Float = 1e-6
    public var momentum: Float = 0.9
    public var schedule: LearningRateSchedule = .warmupCosine(warmup: 0.1)
    /// Gradient-norm limit: joint for SGD/Adam/AdamW; for BertAdam the joint norm and then each
    /// tensor's, as CLIP4Clip's loop and BertAdam's `max_grad_norm` do (both 1.0 officially); 0 disables.
    public var gradientClip: Float = 1.0
    /// Rules applied in order (later ones win), after the backbone's multiplier and before the
    /// method's own rules: lr multipliers, decay, freezing by key glob.
    public var parameterRules: [ParameterGroupRule] = [.biasesWithoutDecay]
    public var batchSize: Int = 32
    /// Training length: whole epochs unless `steps` is set.
    public var epochs: Int = 5
    public var steps: Int? = nil
    /// Evaluate on the validation split every this many steps (and at the end); 0 = only at the end.
    public var evaluateEvery: Int = 0
    /// Captions are tokenized to this many ids (CLIP4Clip: 32; CLIP: 77), at most the text
    /// encoder's context.
    public var contextLength: Int = 32
    /// How a CLIP backbone's weights are stored while a head trains: nil (fp32), or `.float16`,
    /// the official CLIP4Clip/X-CLIP/TeachCLIP behaviour (`convert_weights`; `HalfPrecisionStorage`).
    public var weightPrecision: WeightPrecision? = nil

    /// Storage precision of the backbone's converted weights and their optimizer moments.
    public enum WeightPrecision: String, Codable, Sendable, CaseIterable {
        /// fp16 storage, fp32 arithmetic.
        case float16
    }

    /// CLIP4Clip's `--gradient_accumulation_steps`: each optimizer step backpropagates this many
    /// micro-batches of `batchSize / gradientAccumulation` (rounded down, as there). nil: 1.
    public var gradientAccumulation: Int? = nil

    /// The micro-batches per optimizer step (`gradientAccumulation`, 1 when unset).
    public var accumulationSteps: Int { Swift.max(gradientAccumulation ?? 1, 1) }
    /// Examples per micro-batch: `batchSize / accumulationSteps`, rounded down as the official
    /// `int(batch_size / gradient_accumulation_steps)`.
    public var microBatchSize: Int { batchSize / accumulationSteps }

    public init() {}

    /// How gradients are clipped before each step. Under BertAdam, as in CLIP4Clip's
    /// main_task_retrieval.py (train_epoch: `clip_grad_norm_(model.parameters(), 1.0)` before
    /// `optimizer.step()`) and modules/optimization.py (BertAdam.step clips each tensor to
    /// `max_grad_norm`): the joint norm, then each tensor's. The other optimizers clip the joint norm.
    public var gradientClipping: GradientClipping {
        guard gradientClip > 0 else { return .none }
        return optimizer == .bertAdam ? .jointThenPerTensorNorm(gradientClip) : .jointNorm(gradientClip)
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
    /// The optimizer this recipe describes over the trainable parameters of `modules` with
    /// `rules` (the resolved parameter rules); keys are prefixed (`"loss.crd."`) so rules and
    /// optimizer state can tell the modules apart.
    public func makeOptimizer(for modules: [(prefix: String, module: Module)], rules: [ParameterGroupRule]) -> any Optimizer {
        let parameters = modules.flatMap { prefix, module in
            module.optimizedParameters(weightDecay: weightDecay, rules: rules).map { parameter in
                OptimizedParameter(key: prefix + parameter.key, tensor: parameter.tensor,
                                   learningRateMultiplier: parameter.learningRateMultiplier, weightDecay: parameter.weightDecay)
            }
        }
        switch optimizer {
        case .bertAdam: return BertAdam(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, eps: eps)
        case .adam: return Adam(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, eps: eps)
        case .adamW: return Adam.adamW(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, eps: eps)
        case .sgd: return SGD(parameters: parameters, learningRate: learningRate, momentum: momentum)
        }
    }
}
