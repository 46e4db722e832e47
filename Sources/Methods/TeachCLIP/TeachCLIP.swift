// Holistic Features are almost Sufficient for Text-to-Video Retrieval (TeachCLIP).
// Kaibin Tian, Ruixiang Zhao, Zijie Xin, Bangxiang Lan, Xirong Li — 2024 (CVPR), arXiv:2308.01217
// (the earlier preprint is "TeachCLIP: Multi-Grained Teaching for Efficient Text-to-Video
// Retrieval"). Code: ruc-aimc-lab/TeachCLIP (modules/modeling.py, train.py).
// The registry entry: the AFA student head (AFAStudentHead.swift) and the two teaching losses
// (CoarseTeaching.swift, FineTeaching.swift); the configuration, the taps and the AFA
// learning-rate rule.
// Deviations: the official `train.py` sums the losses over teachers and divides by their
// number inside one step; here each loss is one teacher's term and the trainer averages the
// calls (one per teacher), which is the same value and gradient.
import CLIP4Clip
import ZooCore
import ZooNN
import ZooTensor

/// Registers TeachCLIP's student head and its coarse and fine teaching losses.
public enum TeachCLIPEntry: MethodEntry {
    public static func register(in registry: inout Registry) throws {
        try registry.add(head: "teachclip") { config in AFAStudentHead(try TeachCLIPConfiguration(config: config)) }
        try registry.add(parameterRules: "teachclip") { config in
            config.has("afaLRMultiplier") ? [afaLearningRateRule(multiplier: try config.float("afaLRMultiplier"))] : []
        }
        try registry.add(loss: "teachclip-coarse") { config in try CoarseTeachingLoss(config: config) }
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

/// The student's sizes, read from zoo.json's `config` (with `--set` overrides).
///
/// Keys: `embedDim` (D), `frames` (F, used by `exampleFeatures`: the head takes any F up to
/// `maxPositions`), `layers`, `heads`, `maxPositions` (77), `layerNormEps` (1e-12) and
/// `keyMaskBias` (−1e6) of the seqTransf transformer, `afaTemperature` (0.1, the pooling
/// softmax), `frameWeightTemperature` (1, the fine-loss weights), `logitScaleInit` (ln(1/0.07)).
public struct TeachCLIPConfiguration: Sendable, Equatable {
    public var width: Int
    public var frames: Int
    public var layers: Int
    public var heads: Int
    public var maxPositions: Int
    public var layerNormEps: Float
    public var afaTemperature: Float
    public var frameWeightTemperature: Float
    public var logitScaleInit: Float

    public init(width: Int, frames: Int = 12, layers: Int = 4, heads: Int = 8, maxPositions: Int = 77,
                layerNormEps: Float = 1e-12, afaTemperature: Float = 0.1, frameWeightTemperature: Float = 1,
                logitScaleInit: Float = 2.659260036932778) {
        (self.width, self.frames, self.layers, self.heads, self.maxPositions) = (width, frames, layers, heads, maxPositions)
        (self.layerNormEps, self.afaTemperature, self.frameWeightTemperature) = (layerNormEps, afaTemperature, frameWeightTemperature)
        self.logitScaleInit = logitScaleInit
    }

    public init(config: ModelConfig) throws {
        self.init(width: try config.positiveInt("embedDim"), frames: try config.positiveInt("frames", default: 12),
                  layers: try config.positiveInt("layers", default: 4), heads: try config.positiveInt("heads", default: 8),
                  maxPositions: try config.positiveInt("maxPositions", default: 77),
                  layerNormEps: try config.float("layerNormEps", default: 1e-12),
                  afaTemperature: try config.float("afaTemperature", default: 0.1),
                  frameWeightTemperature: try config.float("frameWeightTemperature", default: 1),
                  logitScaleInit: try config.float("logitScaleInit", default: 2.659260036932778))
        try SequentialFrameTransformer.validate(config, width: width, heads: heads)
        guard frames <= maxPositions else {
            throw ZooError.invalidConfig(entry: config.entry, key: "frames", problem: "must be at most maxPositions (\(maxPositions)), got \(frames)")
        }
        for (key, value) in [("afaTemperature", afaTemperature), ("frameWeightTemperature", frameWeightTemperature)] where !(value > 0) {
            throw ZooError.invalidConfig(entry: config.entry, key: key, problem: "must be positive, got \(value)")
        }
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
