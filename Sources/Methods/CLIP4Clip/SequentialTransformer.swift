// CLIP4Clip: An Empirical Study of CLIP for End to End Video Clip Retrieval.
// Luo, Ji, Zhong, Chen, Lei, Duan, Li — 2021, arXiv:2104.08860.
// Mirrors ArrowLuo/CLIP4Clip modules/modeling.py `_loose_similarity` with sim_header "seqTransf"
// (`frame_position_embeddings` + `transformerClip`, a module_cross.Transformer).
// Deviations: none in the forward pass; dropout is off, as in the official eval. The official
// code initialises blocks and positions from CLIP's text encoder; built alone, this head starts
// from ZooNN's initialisers (positions N(0, 0.02²)) until a checkpoint is loaded.
import ZooCore
import ZooNN
import ZooTensor

/// CLIP4Clip "seqTransf": `x = f + P[0..<F]`; `f'' = Transformer(x, key mask m) + f`, with pre-LN
/// blocks (LayerNorm eps 1e-12, QuickGELU) and padded frames masked as keys with −1e6.
/// Keys: `frame_position_embeddings.weight` `[maxPositions, D]`, `transformerClip.resblocks.N.*`,
/// `clip.logit_scale`.
public final class SequentialTransformer: LooseSimilarityHead {
    @Parameter(key: "frame_position_embeddings.weight") public var positions: Tensor
    @Child(key: "transformerClip") public var transformer: TransformerStack

    public override init(_ configuration: CLIP4ClipConfiguration) {
        super.init(configuration)
        positions = Tensor.randomNormal([configuration.maxPositions, configuration.width], standardDeviation: 0.02,
                                        using: &GlobalRandom.stream.generator)
        transformer = TransformerStack(width: configuration.width, layers: configuration.layers,
                                       heads: configuration.heads, layerNormEps: configuration.layerNormEps)
    }

    override func temporalFrames(_ frames: Tensor, mask: Tensor) -> Tensor {
        let count = frames.shape[1]
        precondition(count <= positions.shape[0], "seqTransf: \(count) frames but only \(positions.shape[0]) positions")
        let positioned = frames + positions.slice(axis: 0, 0..<count)
        return transformer(positioned, keyMask: mask) + frames
    }
}
