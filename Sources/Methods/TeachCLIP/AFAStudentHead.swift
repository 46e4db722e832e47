// Holistic Features are almost Sufficient for Text-to-Video Retrieval (TeachCLIP).
// Kaibin Tian, Ruixiang Zhao, Zijie Xin, Bangxiang Lan, Xirong Li — 2024 (CVPR), arXiv:2308.01217.
// Mirrors ruc-aimc-lab/TeachCLIP modules/modeling.py `_loose_similarity` (sim_header "seqTransf")
// with `return_fine=True` (the AFA logits and frame weights the student trains with) and without
// it (`logits_meanP`), and `get_video_output` (the video vector stored for retrieval).
// Deviations: the all-gather across GPUs is dropped (one process sees the whole batch).
// `get_video_output` returns the un-normalised AFA sum; `embedVideo` returns it normalised, which
// ranks identically under the cosine the evaluation uses. As in the official code, the AFA
// softmax ignores `video_mask` (padded frames get pooling weight). A row of f'' that is exactly
// zero normalises to zero instead of the official 0/0 = NaN; no other row changes. The masked
// mean (`logits_meanP`) drops padded rows before normalising them.
import CLIP
import CLIP4Clip
import ZooCore
import ZooNN
import ZooTensor

/// TeachCLIP's student: CLIP4Clip seqTransf followed by Attentional Frame-feature Aggregation.
///
/// `f'' = seqTransf(f)` `[Bv, F, D]`; `a = frameLinear2(ReLU(frameLinear(f'')))` `[Bv, F]`;
/// `v = n(Σ_f softmax_f(a/0.1) n(f''_f))` over **all** F frames; `logits = ls · n(t) vᵀ`.
/// Inference stores only n(t) and v (`FactorizedSimilarityHead`), so it costs what CLIP4Clip costs.
///
/// Keys: `clip.logit_scale`, `frame_position_embeddings.weight` `[maxPositions, D]`,
/// `transformerClip.resblocks.N.*`, `frameLinear.weight` `[D, D]`, `frameLinear.bias` `[D]`,
/// `frameLinear2.weight` `[1, D]`, `frameLinear2.bias` `[1]`. The AFA weights train at 10× the
/// learning rate (`TeachCLIPEntry.afaParameterPattern`).
public final class AFAStudentHead: Module, FactorizedSimilarityHead {
    /// ln s: `clip.logit_scale`, or the backbone's once shared.
    @Child(key: "") public var scaleParameter: HeadLogitScale
    /// The seqTransf temporal module; its keys sit at the head's root.
    @Child(key: "") var temporal: SequentialFrameTransformer
    @Child(key: "frameLinear") public var frameLinear: Linear
    @Child(key: "frameLinear2") public var frameLinear2: Linear
    public let configuration: TeachCLIPConfiguration

    public init(_ configuration: TeachCLIPConfiguration) {
        self.configuration = configuration
        super.init()   // keyed wrappers are assigned after
        scaleParameter = HeadLogitScale(initial: configuration.logitScaleInit)
        temporal = SequentialFrameTransformer(width: configuration.width, layers: configuration.layers, heads: configuration.heads,
                                       maxPositions: configuration.maxPositions, layerNormEps: configuration.layerNormEps)
        frameLinear = Linear(configuration.width, configuration.width)
        frameLinear2 = Linear(configuration.width, 1)
        OfficialInitialization.apply(to: self)   // TeachCLIP modeling.py applies init_weights: AFA's linears N(0, 0.02), zero bias
    }

    /// ln s in use (0-d): the head's own, or the backbone's after `shareLogitScale(_:)`.
    public var logitScale: Tensor { scaleParameter.value }

    public func shareLogitScale(_ backboneScale: Tensor) { scaleParameter.share(backboneScale) }

    public func initialize(fromBackbone backboneState: [String: Tensor]) -> Result<[String], HeadInitializationSkipped>? {
        temporal.initialize(fromBackbone: backboneState)
    }

    /// What one pass over the videos produces.
    struct VideoPass {
        /// f'' `[Bv, F, D]`, every row.
        var refined: Tensor
        /// n(f'') `[Bv, F, D]`.
        var normalised: Tensor
        /// a `[Bv, F]`.
        var scores: Tensor
        /// softmax_f(a / afaTemperature) `[Bv, F]`.
        var poolWeights: Tensor
        /// v = n(Σ_f poolWeights_f n(f''_f)) `[Bv, D]`.
        var embedding: Tensor
    }

    func videoPass(_ video: VideoFeatures) -> VideoPass {
        let (videoCount, frameCount, width) = (video.frames.shape[0], video.frames.shape[1], video.frames.shape[2])
        let refined = temporal(video.frames, mask: video.mask)
        let scores = frameLinear2(frameLinear(refined).relu()).reshaped([videoCount, frameCount])
        let poolWeights = (scores / configuration.afaTemperature).softmax(axis: -1)
        let normalised = refined.l2NormalizedKeepingZeroRows()
        let pooled = Tensor.matmul(poolWeights.reshaped([videoCount, 1, frameCount]), normalised).reshaped([videoCount, width])
        return VideoPass(refined: refined, normalised: normalised, scores: scores, poolWeights: poolWeights,
                         embedding: pooled.l2Normalized())
    }

    /// n(t): `[Bt, D]`.
    public func embedText(_ text: TextFeatures) -> Tensor { text.sentence.l2Normalized() }

    /// The AFA video vector v: `[Bv, D]`.
    public func embedVideo(_ video: VideoFeatures) -> Tensor { videoPass(video).embedding }

    public var exposedTaps: Set<Tap> {
        [.logits, .meanPooledLogits, .frameScores, .frameWeights, .afaPoolWeights, .textEmbedding, .videoEmbedding,
         .encodedFrames, .unmaskedEncodedFrames]
    }

    /// Taps: `logits` (AFA) and `logits_meanP` (masked mean) `[Bt, Bv]`; `frame_scores` a,
    /// `frameWeights` softmax_f(a / frameWeightTemperature), `afa_pool_weight`
    /// softmax_f(a / afaTemperature), all `[Bv, F]`; `embedding.text` `[Bt, D]`;
    /// `embedding.video` v `[Bv, D]`; `visual_out` f'' and `frames.encoded` f''·m `[Bv, F, D]`.
    public func similarity(text: TextFeatures, video: VideoFeatures) -> Outputs {
        let pass = videoPass(video)
        let textEmbedding = embedText(text)
        let scale = logitScale.exp()
        let keep = video.mask.expandingDimension(at: -1)
        let count = Tensor.maximum(video.mask.sum(axis: 1, keepingDimensions: true), Tensor(scalar: 1))
        let meanEmbedding = (pass.refined.l2Normalized(keepingRows: keep).sum(axis: 1) / count).l2Normalized()
        return Outputs([
            .logits: Tensor.matmul(textEmbedding, pass.embedding, transposeB: true) * scale,
            .meanPooledLogits: Tensor.matmul(textEmbedding, meanEmbedding, transposeB: true) * scale,
            .frameScores: pass.scores,
            .frameWeights: (pass.scores / configuration.frameWeightTemperature).softmax(axis: -1),
            .afaPoolWeights: pass.poolWeights,
            .textEmbedding: textEmbedding, .videoEmbedding: pass.embedding,
            .encodedFrames: pass.refined * keep, .unmaskedEncodedFrames: pass.refined,
        ])
    }

    public func exampleFeatures(textCount: Int, videoCount: Int, seed: UInt64) -> (TextFeatures, VideoFeatures) {
        let (width, frames) = (configuration.width, configuration.frames)
        return (TextFeatures(sentence: Tensor.randomNormal([textCount, width], seed: seed)),
                VideoFeatures.example(count: videoCount, frames: frames, width: width, seed: seed &+ 1))
    }
}
