// CLIP4Clip: An Empirical Study of CLIP for End to End Video Clip Retrieval.
// Luo, Ji, Zhong, Chen, Lei, Duan, Li — 2021, arXiv:2104.08860.
// Mirrors ArrowLuo/CLIP4Clip modules/modeling.py `_loose_similarity` with sim_header "seqTransf"
// (`frame_position_embeddings` + `transformerClip`, a module_cross.Transformer).
// Deviations: none in the forward pass; dropout is off, as in the official eval. The official
// code initialises blocks and positions from CLIP's text encoder (`init_preweight`); composed
// with a backbone, this head does the same (`initialize(fromBackbone:)`), but only when CLIP's
// text width equals the embedding width the head works in (true of every OpenAI CLIP; not of
// clip-tiny, whose text is 64 wide and embeddings 32): then it keeps ZooNN's initialisers
// (positions N(0, 0.02²)) and says so.
import ZooCore
import ZooNN
import ZooTensor

/// CLIP4Clip "seqTransf": `x = f + P[0..<F]`; `f'' = Transformer(x, key mask m) + f`, with pre-LN
/// blocks (LayerNorm eps 1e-12, QuickGELU) and padded frames masked as keys with −1e6.
/// Keys: `frame_position_embeddings.weight` `[maxPositions, D]`, `transformerClip.resblocks.N.*`,
/// `clip.logit_scale`.
public final class SequentialTransformer: LooseSimilarityHead, BackboneInitializedHead {
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

    /// CLIP4Clip `init_preweight`: `transformerClip.resblocks.i.*` ← `transformer.resblocks.i.*`
    /// (i < layers) and `frame_position_embeddings.weight` ← `positional_embedding`, both from
    /// the backbone's text encoder.
    public func initialize(fromBackbone backboneState: [String: Tensor]) -> Result<[String], HeadInitializationSkipped> {
        guard let textPositions = backboneState["positional_embedding"] else {
            return .failure(HeadInitializationSkipped("the backbone has no text `positional_embedding`"))
        }
        guard textPositions.shape == positions.shape else {
            return .failure(HeadInitializationSkipped(
                "CLIP's text positions are \(textPositions.shape) but seqTransf's are \(positions.shape) (text width ≠ embedding width); kept fresh initialisation"))
        }
        var copied: [String: Tensor] = ["frame_position_embeddings.weight": textPositions]
        for (key, _, _) in transformer.namedTensors() {
            guard let source = backboneState["transformer." + key] else {
                return .failure(HeadInitializationSkipped("the backbone's text encoder has no `transformer.\(key)`"))
            }
            copied["transformerClip." + key] = source
        }
        var state = self.state()
        for (key, value) in copied {
            guard state[key]?.shape == value.shape else {
                return .failure(HeadInitializationSkipped("`\(key)` is \(state[key]?.shape ?? []) here but \(value.shape) in the backbone"))
            }
            state[key] = value
        }
        do { try load(state: state, source: "the backbone's text encoder") } catch {
            return .failure(HeadInitializationSkipped("\(error)"))
        }
        return .success(copied.keys.sorted())
    }
}
