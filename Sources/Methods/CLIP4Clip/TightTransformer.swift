// CLIP4Clip: An Empirical Study of CLIP for End to End Video Clip Retrieval.
// Luo, Ji, Zhong, Chen, Lei, Duan, Li — 2021, arXiv:2104.08860.
// Mirrors ArrowLuo/CLIP4Clip modules/modeling.py `_cross_similarity` with module_cross.CrossModel
// (sim_header "tightTransf"): embeddings without token types or embedding LayerNorm (both are
// commented out there), a 77-row position table, the cross transformer, CrossPooler, and
// `similarity_dense`.
// It starts as the official model does: `init_weights` (OfficialInitialization: linears N(0, 0.02),
// zero biases), then, when CLIP's text width equals the embedding width, CLIP's text blocks
// 0…layers−1 and its positional embedding copied into the cross encoder (from_pretrained).
// Deviations: pairs are encoded in chunks of `pairsPerChunk` rather than as one [Bt·Bv, 1+F, D]
// batch, so evaluation memory stays bounded (same values); the cross encoder's dropout (p 0.1 in
// training officially) is not applied, in training either.
import ZooCore
import ZooNN
import ZooTensor

/// The pair encoder of tightTransf, under the official prefix `cross.`:
/// `embeddings.position_embeddings.weight` `[maxPositions, D]`, `transformer.resblocks.N.*`,
/// `pooler.ln_pool.*` (eps 1e-12), `pooler.dense.*`.
public final class CrossEncoder: Module {
    @Parameter(key: "embeddings.position_embeddings.weight") public var positions: Tensor
    @Child(key: "transformer") public var transformer: TransformerStack
    @Child(key: "pooler.ln_pool") public var poolNorm: LayerNorm
    @Child(key: "pooler.dense") public var poolDense: Linear

    public init(_ configuration: CLIP4ClipConfiguration) {
        super.init()   // keyed wrappers are assigned after
        let width = configuration.width
        positions = Tensor.randomNormal([configuration.maxPositions, width], standardDeviation: 0.02,
                                        using: &GlobalRandom.stream.generator)
        transformer = TransformerStack(width: width, layers: configuration.layers, heads: configuration.heads,
                                       layerNormEps: configuration.layerNormEps)
        poolNorm = LayerNorm(width, eps: configuration.layerNormEps)
        poolDense = Linear(width, width)
    }

    /// CLIP4Clip `from_pretrained`'s copy for tightTransf: `cross.transformer.resblocks.i.*` ←
    /// CLIP's text `transformer.resblocks.i.*` (i < layers) and
    /// `cross.embeddings.position_embeddings.weight` ← `positional_embedding`. Returns the keys
    /// set (without the `cross.` prefix), or why nothing was copied (a text width other than the
    /// embedding width, as in clip-tiny; then the official init_weights draw stays).
    public func initialize(fromBackbone backboneState: [String: Tensor]) -> Result<[String], HeadInitializationSkipped> {
        copyCLIPTextEncoder(from: backboneState, positions: positions, positionsKey: "embeddings.position_embeddings.weight",
                            transformer: transformer, transformerKey: "transformer", what: "cross encoder")
    }

    /// tokens: `[N, L, D]` (text row first, then frames); mask `[N, L]`. Returns `[N, D]`:
    /// `QuickGELU(dense(LN(H)[:, 0]))`.
    public func callAsFunction(_ tokens: Tensor, mask: Tensor) -> Tensor {
        let length = tokens.shape[1]
        precondition(length <= positions.shape[0], "tightTransf: \(length) tokens but only \(positions.shape[0]) positions")
        let hidden = transformer(tokens + positions.slice(axis: 0, 0..<length), keyMask: mask)
        // LayerNorm is per token, so normalising only token 0 equals the official LN-then-select.
        return poolDense(poolNorm(hidden.select(axis: 1, index: 0))).quickGELU()
    }
}

/// CLIP4Clip "tightTransf": for every (text i, video j), `[t_i ; f_j1 … f_jF]` + positions goes
/// through the cross encoder with key mask `[1 ; m_j]`, and `S_ij = similarity_dense(p_ij)`.
/// Raw (un-normalised) features, no logit scale. Costs Bt·Bv encoder passes.
/// Keys: `cross.*` (see `CrossEncoder`), `similarity_dense.weight` `[1, D]`, `similarity_dense.bias` `[1]`.
public final class TightTransformer: Module, SimilarityHead {
    @Child(key: "cross") public var cross: CrossEncoder
    @Child(key: "similarity_dense") public var similarityDense: Linear
    public let configuration: CLIP4ClipConfiguration
    /// Pairs encoded per chunk: bounds the activations alive at once when gradients are off.
    public var pairsPerChunk = 256

    public init(_ configuration: CLIP4ClipConfiguration) {
        self.configuration = configuration
        super.init()   // keyed wrappers are assigned after
        cross = CrossEncoder(configuration)
        similarityDense = Linear(configuration.width, 1)
        OfficialInitialization.apply(to: self)
    }

    public var exposedTaps: Set<Tap> { [.logits, .pooledPairs] }

    /// CLIP4Clip's tightTransf start (see `CrossEncoder.initialize(fromBackbone:)`).
    public func initialize(fromBackbone backboneState: [String: Tensor]) -> Result<[String], HeadInitializationSkipped>? {
        cross.initialize(fromBackbone: backboneState).map { keys in keys.map { "cross." + $0 } }
    }

    /// Taps: `logits` `[Bt, Bv]` and `pooled` `[Bt, Bv, D]` (the pooled pair representations).
    public func similarity(text: TextFeatures, video: VideoFeatures) -> Outputs {
        let (textCount, videoCount) = (text.sentence.shape[0], video.frames.shape[0])
        let width = text.sentence.shape[1]
        let pairCount = textCount * videoCount
        var pooledChunks: [Tensor] = []
        for start in stride(from: 0, to: pairCount, by: Swift.max(pairsPerChunk, 1)) {
            let pairs = start..<Swift.min(start + Swift.max(pairsPerChunk, 1), pairCount)   // pair k = i·Bv + j
            let textIndices = IntTensor(pairs.map { $0 / videoCount }), videoIndices = IntTensor(pairs.map { $0 % videoCount })
            let texts = text.sentence.indexSelect(axis: 0, indices: textIndices).expandingDimension(at: 1)   // [N, 1, D]
            let frames = video.frames.indexSelect(axis: 0, indices: videoIndices)                            // [N, F, D]
            let frameMask = video.mask.indexSelect(axis: 0, indices: videoIndices)                            // [N, F]
            let tokens = Tensor.concatenate([texts, frames], axis: 1)
            let mask = Tensor.concatenate([Tensor.ones([pairs.count, 1]), frameMask], axis: 1)
            pooledChunks.append(cross(tokens, mask: mask))
        }
        let pooled = pooledChunks.count == 1 ? pooledChunks[0] : Tensor.concatenate(pooledChunks, axis: 0)   // [Bt·Bv, D]
        let logits = similarityDense(pooled).reshaped([textCount, videoCount])
        return Outputs([.logits: logits, .pooledPairs: pooled.reshaped([textCount, videoCount, width])])
    }

    public func exampleFeatures(textCount: Int, videoCount: Int, seed: UInt64) -> (TextFeatures, VideoFeatures) {
        exampleCLIP4ClipFeatures(width: configuration.width, frames: configuration.frames,
                                 textCount: textCount, videoCount: videoCount, seed: seed)
    }
}

extension TightTransformer: EvaluationMemoryDescribing {
    /// Activations of one chunk: per token and layer about 12·D floats (q, k, v, attention output,
    /// residual and the 4·D MLP hidden), for `pairsPerChunk`·(1+F) tokens; gradients off.
    public func evaluationMemoryNote(textCount: Int, videoCount: Int) -> String {
        let tokens = Swift.max(pairsPerChunk, 1) * (1 + configuration.frames)
        let bytes = Double(tokens * configuration.width * 12 * 4)
        return String(format: "scores %d×%d = %d pairs through the cross encoder %d pairs at a time: about %.0f MB of activations per chunk whatever the test set's size (plus the [Bt, Bv] score matrix)",
                      textCount, videoCount, textCount * videoCount, Swift.max(pairsPerChunk, 1), bytes / 1e6)
    }
}
