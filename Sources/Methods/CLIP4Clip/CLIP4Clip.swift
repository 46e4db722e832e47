// CLIP4Clip: An Empirical Study of CLIP for End to End Video Clip Retrieval.
// Luo, Ji, Zhong, Chen, Lei, Duan, Li — 2021, arXiv:2104.08860. Code: ArrowLuo/CLIP4Clip
// (modules/modeling.py, modules/module_cross.py).
// The registry entry and the configuration the four similarity calculators share. Each head
// lives in its own file; `LooseSimilarityHead` holds what the three "loose" ones have in common.
import ZooCore
import ZooNN
import ZooTensor

/// Registers CLIP4Clip's four similarity calculators under their zoo.json names.
public enum CLIP4ClipEntry: MethodEntry {
    public static func register(in registry: inout Registry) throws {
        try registry.add(head: "clip4clip-meanp", configuration: CLIP4ClipConfiguration.self) { MeanPooling($0) }
        try registry.add(head: "clip4clip-seqlstm", configuration: CLIP4ClipConfiguration.self) { SequentialLSTM($0) }
        try registry.add(head: "clip4clip-seqtransf", configuration: CLIP4ClipConfiguration.self) { SequentialTransformer($0) }
        try registry.add(head: "clip4clip-tighttransf", configuration: CLIP4ClipConfiguration.self) { TightTransformer($0) }
        for head in ["clip4clip-meanp", "clip4clip-seqlstm", "clip4clip-seqtransf", "clip4clip-tighttransf"] {
            try registry.add(parameterRules: head) { config in
                FrozenCLIPLayers.rules(freezeLayers: try config.decode(CLIP4ClipConfiguration.self).freezeLayers)
            }
        }
    }
}

/// The sizes a CLIP4Clip head is built with: the official defaults (`main_task_retrieval.py`
/// and `modules/cross-base/cross_config.json`), overridden by zoo.json's `config` and `--set`.
///
/// Keys: `embedDim` (D, 512; composition sets the backbone's), `frames` (F, 12: `max_frames`;
/// the heads take any F up to `maxPositions`, this sizes `exampleFeatures`), `words` (32:
/// `max_words`), `layers` (4) and `heads` (8) of the temporal or cross transformer,
/// `maxPositions` (77, rows of the position table), `layerNormEps` (1e-12), `keyMaskBias` (−1e6,
/// the only value the transformer applies), `lstmLayers` (1, the official seqLSTM),
/// `logitScaleInit` (CLIP's ln(1/0.07)), `freezeLayers` (0: `--freeze_layer_num`, see
/// `FrozenCLIPLayers`; it shapes training only).
public struct CLIP4ClipConfiguration: MethodConfiguration, Equatable {
    public var width: Int = 512
    public var frames: Int = 12
    public var words: Int = 32
    public var layers: Int = 4
    public var heads: Int = 8
    public var maxPositions: Int = 77
    public var layerNormEps: Float = 1e-12
    public var keyMaskBias: Float = -1e6
    public var lstmLayers: Int = 1
    /// CLIP's ln(1/0.07), where every CLIP-initialised head's logit scale starts (X-CLIP and
    /// TeachCLIP read it from here, so the number is written once for the heads).
    public static let clipInitialLogitScale: Float = 2.659260036932778
    /// ln s at initialisation: CLIP's ln(1/0.07); a checkpoint or a shared backbone scale replaces it.
    public var logitScaleInit: Float = clipInitialLogitScale
    /// CLIP blocks below this number (and CLIP's embeddings) do not train; −1 trains all of CLIP.
    public var freezeLayers: Int = 0

    enum CodingKeys: String, CodingKey {
        case width = "embedDim", frames, words, layers, heads, maxPositions, layerNormEps, keyMaskBias, lstmLayers, logitScaleInit
        case freezeLayers
    }

    public init() {}

    public init(width: Int, frames: Int = 12, layers: Int = 4, heads: Int = 8, maxPositions: Int = 77,
                layerNormEps: Float = 1e-12, logitScaleInit: Float = clipInitialLogitScale) {
        (self.width, self.frames, self.layers, self.heads) = (width, frames, layers, heads)
        (self.maxPositions, self.layerNormEps, self.logitScaleInit) = (maxPositions, layerNormEps, logitScaleInit)
    }

    public func validate(entry: String) throws {
        try SequentialFrameTransformer.validate(entry: entry, width: width, heads: heads, keyMaskBias: keyMaskBias)
        try FrozenCLIPLayers.validate(freezeLayers, entry: entry)
        try ZooError.requirePositive([("embedDim", width), ("frames", frames), ("words", words), ("layers", layers), ("maxPositions", maxPositions)], entry: entry)
        try SequentialFrameTransformer.requireWeightsFit(entry: entry, width: width, layers: layers, maxPositions: maxPositions)
        guard frames < maxPositions else {   // frames + 1 <= maxPositions, without overflowing at Int.max
            throw ZooError.invalidConfig(entry: entry, key: "frames", problem: "must be below maxPositions (\(maxPositions)), got \(frames)")
        }
        guard lstmLayers == 1 else {
            throw ZooError.invalidConfig(entry: entry, key: "lstmLayers", problem: "must be 1 (the official seqLSTM), got \(lstmLayers)")
        }
    }
}

extension Tap {
    /// `[Bt, Bv, D]` tightTransf's pooled pair representation `QuickGELU(dense(LN(H)[0]))`.
    public static let pooledPairs: Tap = "pooled"
}

/// Random head inputs: `text` `[Bt, D]`, `frames` `[Bv, F, D]` and prefix masks with 1…F valid frames.
func exampleCLIP4ClipFeatures(width: Int, frames: Int, textCount: Int, videoCount: Int, seed: UInt64) -> (TextFeatures, VideoFeatures) {
    (TextFeatures(sentence: Tensor.randomNormal([textCount, width], seed: seed)),
     VideoFeatures.example(count: videoCount, frames: frames, width: width, seed: seed &+ 1))
}
