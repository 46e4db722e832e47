// CLIP4Clip's temporal transformer ("seqTransf"), shared by the methods built on it: X-CLIP and
// TeachCLIP run it over the frames before their own aggregation. Mirrors the sim_header
// "seqTransf" branch of ArrowLuo/CLIP4Clip modules/modeling.py `_loose_similarity` (repeated in
// xuguohai/X-CLIP modeling_xclip.py and ruc-aimc-lab/TeachCLIP modeling.py) and the
// `init_preweight` step that copies CLIP's text blocks into it. The seqTransf head uses it, and
// X-CLIP and TeachCLIP import it from here (zoo.json `dependsOn`).
// Deviations: none in the forward pass; dropout is off, as in the official eval. The official
// code initialises blocks and positions from CLIP's text encoder; this does the same, but only
// when CLIP's text width equals the embedding width (true of every OpenAI CLIP; not of clip-tiny,
// whose text is 64 wide and embeddings 32): then it keeps the official `init_weights` draw
// (OfficialInitialization) and says so.
import ZooCore
import ZooNN
import ZooTensor

/// `f'' = Transformer(f + P[0..<F], key mask m) + f`: pre-LN blocks (LayerNorm eps 1e-12,
/// QuickGELU), padded frames masked as keys with −1e6 (they are still computed as queries).
/// Keys, relative to the head's root: `frame_position_embeddings.weight` `[maxPositions, D]`,
/// `transformerClip.resblocks.N.*`.
public final class SequentialFrameTransformer: Module {
    @Parameter(key: "frame_position_embeddings.weight") public var positions: Tensor
    @Child(key: "transformerClip") public var transformer: TransformerStack

    public init(width: Int, layers: Int, heads: Int, maxPositions: Int, layerNormEps: Float) {
        super.init()   // keyed wrappers are assigned after
        positions = Tensor.randomNormal([maxPositions, width], standardDeviation: 0.02, using: &GlobalRandom.stream.generator)
        transformer = TransformerStack(width: width, layers: layers, heads: heads, layerNormEps: layerNormEps)
    }

    /// frames: `[B, F, D]`; mask: `[B, F]` (1 = real frame). Returns f'' `[B, F, D]` (every row).
    public func callAsFunction(_ frames: Tensor, mask: Tensor) -> Tensor {
        let count = frames.shape[1]
        precondition(count <= positions.shape[0], "seqTransf: \(count) frames but only \(positions.shape[0]) positions")
        return transformer(frames + positions.slice(axis: 0, 0..<count), keyMask: mask) + frames
    }

    /// CLIP4Clip `init_preweight`: `transformerClip.resblocks.i.*` ← `transformer.resblocks.i.*`
    /// (i < layers) and `frame_position_embeddings.weight` ← `positional_embedding`, both from the
    /// backbone's text encoder. Returns the keys set, or why nothing was copied (a text width other
    /// than the embedding width, as in clip-tiny).
    public func initialize(fromBackbone backboneState: [String: Tensor]) -> Result<[String], HeadInitializationSkipped> {
        copyCLIPTextEncoder(from: backboneState, positions: positions, positionsKey: "frame_position_embeddings.weight",
                            transformer: transformer, transformerKey: "transformerClip", what: "temporal transformer")
    }
}

extension SequentialFrameTransformer {
    /// The configuration checks of every head built on this module (CLIP4Clip, X-CLIP, TeachCLIP):
    /// `heads` divides `embedDim` (`width`), and `keyMaskBias` is the official −1e6, the only
    /// value `TransformerStack` applies ((1 − m)·(−1e6)); another would be silently ignored.
    public static func validate(entry: String, width: Int, heads: Int, keyMaskBias: Float) throws {
        guard heads >= 1, width % heads == 0 else {
            throw ZooError.invalidConfig(entry: entry, key: "heads", problem: "must divide embedDim (\(width)), got \(heads)")
        }
        guard keyMaskBias == -1e6 else {
            throw ZooError.invalidConfig(entry: entry, key: "keyMaskBias", problem: "must be -1e6 (the official value), got \(keyMaskBias)")
        }
    }

    /// Refuses head sizes whose weights would not fit in memory (saturating arithmetic, so 10^12
    /// is an error with a number, never an overflow). The count is an upper bound for every head
    /// built on these sizes: `layers` transformer blocks (12·W² + 16·W each), an LSTM or a pair of
    /// projections (8·W²) and `maxPositions` position embeddings.
    public static func requireWeightsFit(entry: String, width: Int, layers: Int, maxPositions: Int) throws {
        typealias M = MemoryBudget
        let count = M.sum([M.product(layers, M.sum([M.product(12, width, width), M.product(16, width)])),
                           M.product(8, width, width), M.product(maxPositions, width)])
        try MemoryBudget.require(values: count, for: "the head's weights", entry: entry)
    }
}
