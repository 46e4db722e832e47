// CLIP4Clip: An Empirical Study of CLIP for End to End Video Clip Retrieval.
// Luo, Ji, Zhong, Chen, Lei, Duan, Li — 2021, arXiv:2104.08860.
// Mirrors ArrowLuo/CLIP4Clip modules/modeling.py `_loose_similarity` with sim_header "seqTransf"
// (`frame_position_embeddings` + `transformerClip`, a module_cross.Transformer).
// Deviations: none in the forward pass; dropout is off, as in the official eval. The temporal
// module is `SequentialFrameTransformer`, which X-CLIP and TeachCLIP share; composed with a
// backbone it copies CLIP's text blocks and positions as `init_preweight` does, when the widths allow.
import ZooCore
import ZooNN
import ZooTensor

/// CLIP4Clip "seqTransf": `x = f + P[0..<F]`; `f'' = Transformer(x, key mask m) + f`, with pre-LN
/// blocks (LayerNorm eps 1e-12, QuickGELU) and padded frames masked as keys with −1e6.
/// Keys: `frame_position_embeddings.weight` `[maxPositions, D]`, `transformerClip.resblocks.N.*`,
/// `clip.logit_scale`.
public final class SequentialTransformer: LooseSimilarityHead {
    /// The temporal module; its keys sit at the head's root.
    @Child(key: "") public var temporal: SequentialFrameTransformer

    public override init(_ configuration: CLIP4ClipConfiguration) {
        super.init(configuration)
        temporal = SequentialFrameTransformer(width: configuration.width, layers: configuration.layers, heads: configuration.heads,
                                              maxPositions: configuration.maxPositions, layerNormEps: configuration.layerNormEps)
        OfficialInitialization.apply(to: self)
    }

    override func temporalFrames(_ frames: Tensor, mask: Tensor) -> Tensor { temporal(frames, mask: mask) }

    /// CLIP4Clip `init_preweight` (see `SequentialFrameTransformer.initialize(fromBackbone:)`).
    public override func initialize(fromBackbone backboneState: [String: Tensor]) -> Result<[String], HeadInitializationSkipped>? {
        temporal.initialize(fromBackbone: backboneState)
    }
}
