// X-CLIP: End-to-End Multi-grained Contrastive Learning for Video-Text Retrieval.
// Yiwei Ma, Guohai Xu, Xiaoshuai Sun, Ming Yan, Ji Zhang, Rongrong Ji — 2022, arXiv:2207.07285.
// Code: xuguohai/X-CLIP (modules/modeling_xclip.py).
// The registry entry, the configuration read from zoo.json, and the taps X-CLIP adds. The head
// is in XCLIPHead.swift, its four scores in MultiGrainedScores.swift.
// Deviations: `tau` is a setting (default 0.01, the official constant); zoo.json's config is
// flat (`layers`, `heads`, … as CLIP4Clip's entries) rather than nested under `temporal`.
import CLIP4Clip
import ZooCore
import ZooNN
import ZooTensor

/// Registers the X-CLIP head under its zoo.json name.
public enum XCLIPEntry: MethodEntry {
    public static func register(in registry: inout Registry) throws {
        try registry.add(head: "xclip", configuration: XCLIPConfiguration.self) { XCLIPHead($0) }
        try registry.add(parameterRules: "xclip") { config in
            FrozenCLIPLayers.rules(freezeLayers: try config.decode(XCLIPConfiguration.self).freezeLayers)
        }
    }
}

/// The sizes an X-CLIP head is built with: the official defaults, overridden by zoo.json's
/// `config` and `--set`.
///
/// Keys: `embedDim` (D, 512), `frames` (F, 12) and `words` (T, 32) — the learnable matrices are
/// F×F and T×T, so every input must have exactly F frames and T token positions —, `layers` (4),
/// `heads` (8), `maxPositions` (77), `layerNormEps` (1e-12) and `keyMaskBias` (−1e6) of the
/// seqTransf temporal transformer, `tau` (0.01), `pairsPerBlock` (text–video pairs scored at
/// once, 16384), `logitScaleInit` (ln(1/0.07)).
public struct XCLIPConfiguration: MethodConfiguration, Equatable {
    public var width: Int = 512
    public var frames: Int = 12
    public var words: Int = 32
    public var layers: Int = 4
    public var heads: Int = 8
    public var maxPositions: Int = 77
    public var layerNormEps: Float = 1e-12
    public var keyMaskBias: Float = -1e6
    public var tau: Float = 0.01
    public var pairsPerBlock: Int = 16_384
    /// ln s at initialisation: CLIP's ln(1/0.07); a checkpoint or a shared backbone scale replaces it.
    public var logitScaleInit: Float = CLIP4ClipConfiguration.clipInitialLogitScale
    /// CLIP4Clip's `--freeze_layer_num`, which X-CLIP's scripts keep (0; see `FrozenCLIPLayers`).
    public var freezeLayers: Int = 0

    enum CodingKeys: String, CodingKey {
        case width = "embedDim", frames, words, layers, heads, maxPositions, layerNormEps, keyMaskBias, tau, pairsPerBlock, logitScaleInit
        case freezeLayers
    }

    public init() {}

    public init(width: Int, frames: Int = 12, words: Int = 32, layers: Int = 4, heads: Int = 8, maxPositions: Int = 77,
                layerNormEps: Float = 1e-12, tau: Float = 0.01, pairsPerBlock: Int = 16_384,
                logitScaleInit: Float = CLIP4ClipConfiguration.clipInitialLogitScale) {
        (self.width, self.frames, self.words, self.layers, self.heads) = (width, frames, words, layers, heads)
        (self.maxPositions, self.layerNormEps, self.tau) = (maxPositions, layerNormEps, tau)
        (self.pairsPerBlock, self.logitScaleInit) = (pairsPerBlock, logitScaleInit)
    }

    public func validate(entry: String) throws {
        try SequentialFrameTransformer.validate(entry: entry, width: width, heads: heads, keyMaskBias: keyMaskBias)
        try FrozenCLIPLayers.validate(freezeLayers, entry: entry)
        try ZooError.requirePositive([("embedDim", width), ("frames", frames), ("words", words), ("layers", layers), ("maxPositions", maxPositions), ("pairsPerBlock", pairsPerBlock)], entry: entry)
        try SequentialFrameTransformer.requireWeightsFit(entry: entry, width: width, layers: layers, maxPositions: maxPositions)
        // The multi-grained head's square matrices: three words x words, three frames x frames, two width x width.
        typealias M = MemoryBudget
        try M.require(values: M.sum([M.product(3, words, words), M.product(3, frames, frames), M.product(2, width, width)]),
                      for: "X-CLIP's word, frame and feature matrices", entry: entry)
        guard frames <= maxPositions else {
            throw ZooError.invalidConfig(entry: entry, key: "frames", problem: "must be at most maxPositions (\(maxPositions)), got \(frames)")
        }
        guard tau > 0 else {
            throw ZooError.invalidConfig(entry: entry, key: "tau", problem: "must be positive (the official value is 0.01), got \(tau)")
        }
    }
}

extension Tap {
    /// `[Bt, Bv]` X-CLIP's video–sentence score `s · (s_t G) · v_vᵀ` (scaled).
    public static let videoSentenceLogits: Tap = "logits_video_sentence"
    /// `[Bt, Bv]` X-CLIP's video–word score, attention over words (scaled).
    public static let videoWordLogits: Tap = "logits_video_word"
    /// `[Bt, Bv]` X-CLIP's sentence–frame score, attention over frames (scaled).
    public static let sentenceFrameLogits: Tap = "logits_sentence_frame"
    /// `[Bt, Bv]` X-CLIP's frame–word score, attention over the fine-grained matrix (scaled).
    public static let frameWordLogits: Tap = "logits_frame_word"
}

/// Random X-CLIP inputs: `sentence` `[Bt, D]`, `tokens` `[Bt, T, D]` with prefix masks of 2…T
/// real tokens, `frames` `[Bv, F, D]` with prefix masks of 1…F valid frames.
func exampleXCLIPFeatures(_ configuration: XCLIPConfiguration, textCount: Int, videoCount: Int,
                          seed: UInt64) -> (TextFeatures, VideoFeatures) {
    let (width, words, frames) = (configuration.width, configuration.words, configuration.frames)
    var generator = RandomGenerator(seed: seed &+ 3)
    func prefixMask(rows: Int, length: Int, minimum: Int) -> Tensor {
        var mask = [Float]()
        for _ in 0..<rows {
            let valid = Swift.min(length, minimum + generator.nextInt(below: Swift.max(length - minimum + 1, 1)))
            mask += (0..<length).map { $0 < valid ? 1 : 0 }
        }
        return Tensor(mask, shape: [rows, length])
    }
    let text = TextFeatures(sentence: Tensor.randomNormal([textCount, width], seed: seed),
                            tokens: Tensor.randomNormal([textCount, words, width], seed: seed &+ 1),
                            mask: prefixMask(rows: textCount, length: words, minimum: Swift.min(2, words)))
    let video = VideoFeatures(frames: Tensor.randomNormal([videoCount, frames, width], seed: seed &+ 2),
                              mask: prefixMask(rows: videoCount, length: frames, minimum: 1))
    return (text, video)
}
