// CLIP's text encoder. Mirrors openai/CLIP clip/model.py `CLIP.encode_text`.
// Deviations: none. Like OpenAI's code, the sentence feature is the row at the largest id
// (EOT); padding after it cannot influence it through the causal mask.
import ZooCore
import ZooNN
import ZooTensor

/// Token embedding + positions → causal pre-LN blocks → `ln_final` → `@ text_projection`.
/// Keys as in OpenAI's state dict (top level: `token_embedding.weight`, `positional_embedding`,
/// `transformer.resblocks.N.*`, `ln_final.*`, `text_projection`).
public final class TextTransformer: Module {
    @Child(key: "token_embedding") public var tokenEmbedding: Embedding
    @Parameter(key: "positional_embedding") public var positions: Tensor   // [context, W]
    @Child(key: "transformer") public var transformer: TransformerStack
    @Child(key: "ln_final") public var finalNorm: LayerNorm
    @Parameter(key: "text_projection") public var projection: Tensor       // [W, E]
    public let configuration: CLIPConfiguration

    public init(_ c: CLIPConfiguration) {
        configuration = c
        super.init()
        tokenEmbedding = Embedding(c.vocabSize, c.textWidth, standardDeviation: 0.02)
        positions = Tensor.randomNormal([c.contextLength, c.textWidth], standardDeviation: 0.01, using: &GlobalRandom.stream.generator)
        transformer = TransformerStack(width: c.textWidth, layers: c.textLayers, heads: c.textHeads,
                                       mlpWidth: c.textMLPWidth, layerNormEps: c.layerNormEps)
        finalNorm = LayerNorm(c.textWidth, eps: c.layerNormEps)
        projection = Tensor.randomNormal([c.textWidth, c.embedDim], standardDeviation: 1 / Float(c.textWidth).squareRoot(),
                                         using: &GlobalRandom.stream.generator)
        reinitialiseBlocks()
    }

    /// OpenAI's `initialize_parameters` for the text blocks (std scaled by width and depth).
    private func reinitialiseBlocks() {
        let c = configuration
        let width = Float(c.textWidth)
        let projectionStd = 1 / width.squareRoot() / Float(2 * c.textLayers).squareRoot()
        let attentionStd = 1 / width.squareRoot(), mlpStd = 1 / (2 * width).squareRoot()
        func normal(_ tensor: Tensor, _ std: Float) {
            tensor.assign(Tensor.randomNormal(tensor.shape, standardDeviation: std, using: &GlobalRandom.stream.generator))
        }
        for block in transformer.blocks {
            normal(block.attention.inputProjectionWeight, attentionStd)
            normal(block.attention.outputProjection.weight, projectionStd)
            normal(block.expand.weight, mlpStd)
            normal(block.project.weight, projectionStd)
        }
    }

    /// ids: `[B, T]` (T ≤ context) → (sentence `[B, E]` at the EOT position, tokens `[B, T, E]`).
    public func callAsFunction(_ ids: IntTensor) -> (sentence: Tensor, tokens: Tensor) {
        let c = configuration
        precondition(ids.rank == 2 && ids.shape[1] <= c.contextLength,
                     "CLIP text: ids must be [B, T] with T ≤ \(c.contextLength), got \(ids.shape)")
        precondition(ids.scalars.allSatisfy { $0 >= 0 && $0 < c.vocabSize }, "CLIP text: an id is outside 0..<\(c.vocabSize)")
        let (batch, length) = (ids.shape[0], ids.shape[1])
        let x = tokenEmbedding(ids) + positions.slice(axis: 0, 0..<length)
        let hidden = finalNorm(transformer(x, causal: true))                 // [B, T, W]
        let tokens = Tensor.matmul(hidden, projection)                        // [B, T, E]
        // Row of each caption's end token in the flattened [B·T] rows: the first largest id.
        let endRows = (0..<batch).map { row -> Int in
            var best = row * length
            for i in (row * length)..<((row + 1) * length) where ids.scalars[i] > ids.scalars[best] { best = i }
            return best
        }
        let sentence = Tensor.matmul(hidden.reshaped([batch * length, c.textWidth]).indexSelect(axis: 0, indices: IntTensor(endRows)),
                                     projection)
        return (sentence, tokens)
    }
}
