// Holistic Features are almost Sufficient for Text-to-Video Retrieval (TeachCLIP).
// Kaibin Tian, Ruixiang Zhao, Zijie Xin, Bangxiang Lan, Xirong Li — 2024 (CVPR), arXiv:2308.01217
// (the earlier preprint is "TeachCLIP: Multi-Grained Teaching for Efficient Text-to-Video
// Retrieval"). Code: ruc-aimc-lab/TeachCLIP (modules/modeling.py, train.py).
// The registry entry: the AFA student head (AFAStudentHead.swift) and the two teaching losses
// (CoarseTeaching.swift, FineTeaching.swift); the configuration, the taps and the AFA
// learning-rate rule.
// Deviations: the official `train.py` sums the losses over teachers and divides by their
// number inside one step; here each loss is one teacher's term and the trainer averages the
// calls (one per teacher), which is the same value and gradient. train.py divides the student's
// similarities by β before its ground-truth cross-entropy too (`sim_matrix / beta_param`); here
// the task loss sees S and only `teachclip-coarse` takes β. The two agree for β = 1, the value
// of every official config (configs/*.yaml `distillation.beta`); a β ≠ 1 given to
// teachclip-coarse scales that term alone. The student starts as TeachCLIP's modeling.py starts
// it (`init_weights`: AFA's linears N(0, 0.02), zero biases), and CLIP trains under
// `freezeLayers` 0 (configs/*.yaml `freeze_layer_num: 0`).
import CLIP4Clip
import ZooCore
import ZooNN
import ZooTensor

/// Registers TeachCLIP's student head and its coarse and fine teaching losses.
public enum TeachCLIPEntry: MethodEntry {
    public static func register(in registry: inout Registry) throws {
        try registry.add(head: "teachclip", configuration: TeachCLIPConfiguration.self) { AFAStudentHead($0) }
        try registry.add(parameterRules: "teachclip") { config in
            let configuration = try config.decode(TeachCLIPConfiguration.self)
            return [afaLearningRateRule(multiplier: configuration.afaLRMultiplier)] + FrozenCLIPLayers.rules(freezeLayers: configuration.freezeLayers)
        }
        try registry.add(loss: "teachclip-coarse", configuration: CoarseTeachingConfiguration.self) { CoarseTeachingLoss(beta: $0.beta) }
        try registry.add(loss: "teachclip-fine") { _ in FineTeachingLoss() }
    }

    /// AFA's parameters (`frameLinear.*`, `frameLinear2.*`), which the official optimiser trains
    /// at 10× the head learning rate (zoo.json `afaLRMultiplier`).
    public static let afaParameterPattern = "frameLinear*"

    /// The rule for the recipe: `afaParameterPattern` at `multiplier`× the learning rate.
    public static func afaLearningRateRule(multiplier: Float = 10) -> ParameterGroupRule {
        ParameterGroupRule(afaParameterPattern, learningRateMultiplier: multiplier)
    }
}

/// The student's sizes: the official defaults, overridden by zoo.json's `config` and `--set`.
///
/// Keys: `embedDim` (D, 512), `frames` (F, 12, used by `exampleFeatures`: the head takes any F up
/// to `maxPositions`), `words` (32), `layers` (4), `heads` (8), `maxPositions` (77),
/// `layerNormEps` (1e-12) and `keyMaskBias` (−1e6) of the seqTransf transformer,
/// `afaTemperature` (0.1, the pooling softmax), `frameWeightTemperature` (1, the fine-loss
/// weights), `afaLRMultiplier` (10: AFA's layers train at 10× the learning rate),
/// `logitScaleInit` (ln(1/0.07)).
public struct TeachCLIPConfiguration: MethodConfiguration, Equatable {
    public var width: Int = 512
    public var frames: Int = 12
    public var words: Int = 32
    public var layers: Int = 4
    public var heads: Int = 8
    public var maxPositions: Int = 77
    public var layerNormEps: Float = 1e-12
    public var keyMaskBias: Float = -1e6
    public var afaTemperature: Float = 0.1
    public var frameWeightTemperature: Float = 1
    public var afaLRMultiplier: Float = 10
    public var logitScaleInit: Float = CLIP4ClipConfiguration.clipInitialLogitScale
    /// CLIP4Clip's `--freeze_layer_num`, which TeachCLIP's scripts keep (0; see `FrozenCLIPLayers`).
    public var freezeLayers: Int = 0

    enum CodingKeys: String, CodingKey {
        case width = "embedDim", frames, words, layers, heads, maxPositions, layerNormEps, keyMaskBias, afaTemperature
        case frameWeightTemperature, afaLRMultiplier, logitScaleInit, freezeLayers
    }

    public init() {}

    public init(width: Int, frames: Int = 12, layers: Int = 4, heads: Int = 8, maxPositions: Int = 77,
                layerNormEps: Float = 1e-12, afaTemperature: Float = 0.1, frameWeightTemperature: Float = 1,
                logitScaleInit: Float = CLIP4ClipConfiguration.clipInitialLogitScale) {
        (self.width, self.frames, self.layers, self.heads, self.maxPositions) = (width, frames, layers, heads, maxPositions)
        (self.layerNormEps, self.afaTemperature, self.frameWeightTemperature) = (layerNormEps, afaTemperature, frameWeightTemperature)
        self.logitScaleInit = logitScaleInit
    }

    public func validate(entry: String) throws {
        try SequentialFrameTransformer.validate(entry: entry, width: width, heads: heads, keyMaskBias: keyMaskBias)
        try FrozenCLIPLayers.validate(freezeLayers, entry: entry)
        try ZooError.requirePositive([("embedDim", width), ("frames", frames), ("words", words), ("layers", layers), ("maxPositions", maxPositions)], entry: entry)
        try SequentialFrameTransformer.requireWeightsFit(entry: entry, width: width, layers: layers, maxPositions: maxPositions)
        guard frames <= maxPositions else {
            throw ZooError.invalidConfig(entry: entry, key: "frames", problem: "must be at most maxPositions (\(maxPositions)), got \(frames)")
        }
        for (key, value) in [("afaTemperature", afaTemperature), ("frameWeightTemperature", frameWeightTemperature),
                             ("afaLRMultiplier", afaLRMultiplier)] where !(value > 0) {
            throw ZooError.invalidConfig(entry: entry, key: key, problem: "must be positive, got \(value)")
        }
    }
}

/// TeachCLIP's coarse teaching: `beta` (the similarity temperature β, 1 in every official config).
public struct CoarseTeachingConfiguration: MethodConfiguration {
    public var beta: Float = 1

    public init() {}

    public func validate(entry: String) throws {
        guard beta > 0 else { throw ZooError.invalidConfig(entry: entry, key: "beta", problem: "must be positive, got \(beta)") }
    }
}

extension Tap {
    /// `[Bv, F]` TeachCLIP's AFA scores a = frameLinear2(ReLU(frameLinear(f''))), before any
    /// softmax: what the fine teaching loss reads from the student.
    public static let frameScores: Tap = "frame_scores"
    /// `[Bv, F]` TeachCLIP's pooling weights softmax_f(a / 0.1) (every frame, mask ignored).
    public static let afaPoolWeights: Tap = "afa_pool_weight"
    /// `[Bt, Bv]` CLIP4Clip's masked-mean logits from the student's f'' (the official path
    /// without `return_fine`).
    public static let meanPooledLogits: Tap = "logits_meanP"
    /// `[Bv, F, D]` the student's f'' on every row, padded ones included (AFA reads them);
    /// `frames.encoded` holds f''·m.
    public static let unmaskedEncodedFrames: Tap = "visual_out"
}
