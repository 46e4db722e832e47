// Multi-head attention with PyTorch's packed projection, and CLIP's pre-LN residual block.
import ZooTensor

/// Self-attention with PyTorch's `nn.MultiheadAttention` parameters: `in_proj_weight` `[3D, D]`
/// (rows q, then k, then v), `in_proj_bias` `[3D]`, `out_proj.weight`/`bias`.
public final class MultiheadAttention: Module {
    @Parameter(key: "in_proj_weight") public var inputProjectionWeight: Tensor
    @Parameter(key: "in_proj_bias") public var inputProjectionBias: Tensor
    @Child(key: "out_proj") public var outputProjection: Linear
    public let heads: Int

    public init(width: Int, heads: Int) {
        precondition(width % heads == 0, "MultiheadAttention: width \(width) is not divisible by \(heads) heads")
        self.heads = heads
        super.init()   // wrappers exist before init; keyed ones are assigned after
        let bound = (6 / Float(4 * width)).squareRoot()   // xavier_uniform on [3D, D], as PyTorch
        inputProjectionWeight = Tensor.randomUniform([3 * width, width], low: -bound, high: bound, using: &GlobalRandom.stream.generator)
        inputProjectionBias = Tensor.zeros([3 * width])
        outputProjection = Linear(width, width)
        outputProjection.bias?.assign(Tensor.zeros([width]))
    }

    /// x: `[B, L, D]`; keyBias: `[B, L]` added to the scores of every query; causal: query i
    /// sees keys ≤ i. Returns `[B, L, D]`.
    public func callAsFunction(_ x: Tensor, keyBias: Tensor? = nil, causal: Bool = false) -> Tensor {
        let (batch, length, width) = (x.shape[0], x.shape[1], x.shape[2])
        let headWidth = width / heads
        let packed = Tensor.matmul(x, inputProjectionWeight, transposeB: true) + inputProjectionBias   // [B, L, 3D]
        // [B, L, 3, H, dh] → [3, B, H, L, dh]
        let split = packed.reshaped([batch, length, 3, heads, headWidth]).permuted([2, 0, 3, 1, 4])
        let q = split.select(axis: 0, index: 0), k = split.select(axis: 0, index: 1), v = split.select(axis: 0, index: 2)
        let attended = Tensor.scaledDotProductAttention(query: q, key: k, value: v, additiveKeyBias: keyBias, causal: causal)
        let merged = attended.permuted([0, 2, 1, 3]).reshaped([batch, length, width])
        return outputProjection(merged)
    }
}

/// CLIP's residual attention block (pre-LN): `x += attn(ln_1(x))`; `x += c_proj(QuickGELU(c_fc(ln_2(x))))`.
/// Keys: `attn.*`, `ln_1.*`, `mlp.c_fc.*`, `mlp.c_proj.*`, `ln_2.*`.
public final class ResidualAttentionBlock: Module {
    @Child(key: "attn") public var attention: MultiheadAttention
    @Child(key: "ln_1") public var attentionNorm: LayerNorm
    @Child(key: "mlp.c_fc") public var expand: Linear
    @Child(key: "mlp.c_proj") public var project: Linear
    @Child(key: "ln_2") public var mlpNorm: LayerNorm

    /// eps: 1e-5 for CLIP's own blocks; 1e-12 for the CLIP4Clip-family temporal blocks.
    public init(width: Int, heads: Int, mlpWidth: Int? = nil, layerNormEps: Float = 1e-5) {
        super.init()   // wrappers exist before init; keyed ones are assigned after
        attention = MultiheadAttention(width: width, heads: heads)
        attentionNorm = LayerNorm(width, eps: layerNormEps)
        expand = Linear(width, mlpWidth ?? 4 * width)
        project = Linear(mlpWidth ?? 4 * width, width)
        mlpNorm = LayerNorm(width, eps: layerNormEps)
    }

    /// x: `[B, L, D]` → `[B, L, D]`.
    public func callAsFunction(_ x: Tensor, keyBias: Tensor? = nil, causal: Bool = false) -> Tensor {
        let attended = x + attention(attentionNorm(x), keyBias: keyBias, causal: causal)
        return attended + project(expand(mlpNorm(attended)).quickGELU())
    }
}

/// A stack of residual attention blocks under the key `resblocks` (CLIP's `Transformer`).
public final class TransformerStack: Module {
    @Child(key: "resblocks") public var blocks: [ResidualAttentionBlock]

    public init(width: Int, layers: Int, heads: Int, mlpWidth: Int? = nil, layerNormEps: Float = 1e-5) {
        super.init()   // wrappers exist before init; keyed ones are assigned after
        blocks = (0..<layers).map { _ in
            ResidualAttentionBlock(width: width, heads: heads, mlpWidth: mlpWidth, layerNormEps: layerNormEps)
        }
    }

    /// x: `[B, L, D]`; keyMask: `[B, L]` with 1 for real positions, turned into the official
    /// additive bias `(1 − mask)·(−1e6)`; causal as in CLIP's text encoder.
    public func callAsFunction(_ x: Tensor, keyMask: Tensor? = nil, causal: Bool = false) -> Tensor {
        let keyBias = keyMask.map { (1 - $0) * -1_000_000 }
        return blocks.reduce(x) { $1($0, keyBias: keyBias, causal: causal) }
    }
}
