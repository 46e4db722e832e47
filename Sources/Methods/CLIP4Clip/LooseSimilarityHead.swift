// CLIP4Clip: An Empirical Study of CLIP for End to End Video Clip Retrieval.
// Luo, Ji, Zhong, Chen, Lei, Duan, Li — 2021, arXiv:2104.08860.
// Mirrors ArrowLuo/CLIP4Clip modules/modeling.py `_loose_similarity` after the temporal step:
// the masked mean of normalised frames `_mean_pooling_for_similarity_visual`, then scaled cosine.
// Deviation: padded rows are dropped before they are normalised (`l2Normalized(keepingRows:)`), so
// all-zero padding gives 0 instead of the official NaN; real rows are untouched, so the logits are
// the same.
import CLIP
import ZooCore
import ZooNN
import ZooTensor

/// The part meanP, seqLSTM and seqTransf share: `v = n(Σ_f m_f n(f''_f) / max(Σ_f m_f, 1))`,
/// `t̂ = n(t)`, `S = exp(ln s) · t̂ vᵀ`. Subclasses supply f'' through `temporalFrames`.
///
/// The logit scale is stored under the official key `clip.logit_scale` (0-d) so that a head
/// saved alone loads official checkpoints. A composed model (backbone + head) shares the
/// backbone's scale instead with `shareLogitScale(_:)`: the head's own parameter is then
/// removed from its state, so the checkpoint holds `clip.logit_scale` once, in the backbone.
public class LooseSimilarityHead: Module, FactorizedSimilarityHead {
    /// ln s: `clip.logit_scale`, or the backbone's once shared.
    @Child(key: "") public var scaleParameter: HeadLogitScale
    public let configuration: CLIP4ClipConfiguration

    init(_ configuration: CLIP4ClipConfiguration) {
        self.configuration = configuration
        super.init()   // keyed wrappers are assigned after
        scaleParameter = HeadLogitScale(initial: configuration.logitScaleInit)
    }

    /// ln s in use (0-d): the head's own, or the backbone's after `shareLogitScale(_:)`.
    public var logitScale: Tensor { scaleParameter.value }

    public func shareLogitScale(_ backboneScale: Tensor) { scaleParameter.share(backboneScale) }

    /// Nothing to copy from a backbone; seqTransf overrides this with CLIP4Clip's `init_preweight`.
    public func initialize(fromBackbone backboneState: [String: Tensor]) -> Result<[String], HeadInitializationSkipped>? { nil }

    /// f'' `[Bv, F, D]` from frames `[Bv, F, D]` and mask `[Bv, F]`; rows of padded frames are
    /// free (the pooling ignores them). Subclasses override.
    func temporalFrames(_ frames: Tensor, mask: Tensor) -> Tensor { frames }

    public var exposedTaps: Set<Tap> { [.logits, .textEmbedding, .videoEmbedding, .encodedFrames] }

    /// Taps: `logits` `[Bt, Bv]`, `embedding.text` t̂ `[Bt, D]`, `embedding.video` v `[Bv, D]`,
    /// `frames` f''·m `[Bv, F, D]` (the temporal module's output, zero on padded frames).
    public func similarity(text: TextFeatures, video: VideoFeatures) -> Outputs {
        let (videoEmbedding, refined) = pooledVideo(video)
        let textEmbedding = embedText(text)
        let logits = Tensor.matmul(textEmbedding, videoEmbedding, transposeB: true) * logitScale.exp()
        return Outputs([.logits: logits, .textEmbedding: textEmbedding, .videoEmbedding: videoEmbedding,
                        .encodedFrames: refined * video.mask.expandingDimension(at: -1)])
    }

    /// t̂ = n(t): `[Bt, D]`.
    public func embedText(_ text: TextFeatures) -> Tensor { text.sentence.l2Normalized() }

    /// v = n(masked mean of n(f'')): `[Bv, D]`.
    public func embedVideo(_ video: VideoFeatures) -> Tensor { pooledVideo(video).embedding }

    /// v and f'' (`[Bv, F, D]`, padded rows unmasked).
    func pooledVideo(_ video: VideoFeatures) -> (embedding: Tensor, refined: Tensor) {
        let mask = video.mask, keep = video.mask.expandingDimension(at: -1)   // [Bv, F, 1]
        let refined = temporalFrames(video.frames, mask: mask)
        let count = Tensor.maximum(mask.sum(axis: 1, keepingDimensions: true), Tensor(scalar: 1))   // [Bv, 1]
        return ((refined.l2Normalized(keepingRows: keep).sum(axis: 1) / count).l2Normalized(), refined)
    }

    public func exampleFeatures(textCount: Int, videoCount: Int, seed: UInt64) -> (TextFeatures, VideoFeatures) {
        exampleCLIP4ClipFeatures(width: configuration.width, frames: configuration.frames,
                                 textCount: textCount, videoCount: videoCount, seed: seed)
    }
}
