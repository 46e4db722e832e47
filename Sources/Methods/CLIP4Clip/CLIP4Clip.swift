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
        try registry.add(head: "clip4clip-meanp") { config in MeanPooling(try CLIP4ClipConfiguration(config: config)) }
        try registry.add(head: "clip4clip-seqlstm") { config in SequentialLSTM(try CLIP4ClipConfiguration(config: config)) }
        try registry.add(head: "clip4clip-seqtransf") { config in SequentialTransformer(try CLIP4ClipConfiguration(config: config)) }
        try registry.add(head: "clip4clip-tighttransf") { config in TightTransformer(try CLIP4ClipConfiguration(config: config)) }
    }
}

/// The sizes a CLIP4Clip head is built with, read from zoo.json's `config` (with `--set` overrides).
///
/// Keys: `embedDim` (D), `frames` (F, used only by `exampleFeatures`: the heads take any F up
/// to `maxPositions`), `layers` and `heads` (the temporal or cross transformer), `maxPositions`
/// (rows of the position table, 77 in the official code), `layerNormEps` (1e-12),
/// `keyMaskBias` (−1e6), `lstmLayers` (1).
public struct CLIP4ClipConfiguration: Sendable, Equatable {
    public var width: Int
    public var frames: Int
    public var layers: Int
    public var heads: Int
    public var maxPositions: Int
    public var layerNormEps: Float
    /// ln s at initialisation: CLIP's ln(1/0.07); a checkpoint or a shared backbone scale replaces it.
    public var logitScaleInit: Float

    public init(width: Int, frames: Int = 12, layers: Int = 4, heads: Int = 8, maxPositions: Int = 77,
                layerNormEps: Float = 1e-12, logitScaleInit: Float = 2.659260036932778) {
        (self.width, self.frames, self.layers, self.heads) = (width, frames, layers, heads)
        (self.maxPositions, self.layerNormEps, self.logitScaleInit) = (maxPositions, layerNormEps, logitScaleInit)
    }

    public init(config: ModelConfig) throws {
        self.init(width: try config.positiveInt("embedDim"), frames: try config.positiveInt("frames", default: 12),
                  layers: try config.positiveInt("layers", default: 4), heads: try config.positiveInt("heads", default: 8),
                  maxPositions: try config.positiveInt("maxPositions", default: 77),
                  layerNormEps: try config.float("layerNormEps", default: 1e-12),
                  logitScaleInit: try config.float("logitScaleInit", default: 2.659260036932778))
        try SequentialFrameTransformer.validate(config, width: width, heads: heads)
        guard frames + 1 <= maxPositions else {
            throw ZooError.invalidConfig(entry: config.entry, key: "frames", problem: "must be below maxPositions (\(maxPositions)), got \(frames)")
        }
        let lstmLayers = try config.positiveInt("lstmLayers", default: 1)
        guard lstmLayers == 1 else {
            throw ZooError.invalidConfig(entry: config.entry, key: "lstmLayers", problem: "must be 1 (the official seqLSTM), got \(lstmLayers)")
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
