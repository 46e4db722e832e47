// Bi-Modal Progressive Mask Attention for Fine-Grained Recognition.
// Kaitao Song, Xiu-Shen Wei, Xiangbo Shu, Ren-Jie Song, Jianfeng Lu — IEEE TIP 2020.
// No arXiv id, no official code; formulas and choices: Tests/Fixtures/parity/README.md §2, §3.
//
// The scoring modules of one PMA stage: SAM (Eq. 1) and QRM (Eq. 2), and the 1×1 conv of the
// local visual stream. Choices (README §3):
//   1. QRM returns a scalar: the sum of y ⊙ (W_q x), i.e. the bilinear form zᵀ W_q f.
//   2. SAM and QRM have no biases (the equations have none); the 1×1 conv has one.
//   3. W1 is stored [d/r, d] (PyTorch Linear layout) so that h = W1 x fits; W2 [1, d/r],
//      W_q [d_t, d_local].
//   4. Every stage has its own SAM_v, conv, QRM and SAM_t; only the FC after them is shared.
import ZooCore
import ZooNN
import ZooTensor

/// SAM(x) = W2 δ(W1 x): one score per vector. δ = ReLU for vision, tanh for text.
/// Keys: `fc1.weight` `[d/r, d]`, `fc2.weight` `[1, d/r]` (no biases).
public final class SelfAttentionModule: Module {
    public enum Activation: String, Sendable { case relu, tanh }

    @Child(key: "fc1") public var reduce: Linear
    @Child(key: "fc2") public var score: Linear
    public let activation: Activation

    public init(width: Int, reduction: Int, activation: Activation) {
        self.activation = activation
        super.init()
        reduce = Linear(width, width / reduction, bias: false)
        score = Linear(width / reduction, 1, bias: false)
    }

    /// x: `[..., d]` → scores `[...]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let hidden = reduce(x)
        let activated = activation == .relu ? hidden.relu() : hidden.tanh()
        return score(activated).reshaped(Array(x.shape.dropLast()))
    }
}

/// QRM(f, z_i) = Σ z_i ⊙ (W_q f) = z_iᵀ W_q f: how well phrase z_i answers the part feature f.
/// Key: `wq.weight` `[d_t, d_local]` (no bias).
public final class QueryRelationModule: Module {
    @Child(key: "wq") public var projection: Linear

    public init(keyWidth: Int, queryWidth: Int) {
        super.init()
        projection = Linear(keyWidth, queryWidth, bias: false)
    }

    /// key f: `[B, d_local]`, queries z: `[B, p, d_t]` → scores `[B, p]`.
    public func callAsFunction(key: Tensor, queries: Tensor) -> Tensor {
        let projected = projection(key).expandingDimension(at: -1)            // [B, d_t, 1]
        return Tensor.matmul(queries, projected).reshaped([queries.shape[0], queries.shape[1]])
    }
}

/// The parameters of one stage. Keys under `stages.{s}`: `sam_v.fc1.weight` `[d/r, d]`,
/// `sam_v.fc2.weight` `[1, d/r]`, `local_conv.weight` `[d_local, d, 1, 1]`, `local_conv.bias`,
/// `qrm.wq.weight` `[d_t, d_local]`, `sam_t.fc1.weight` `[d_t/r, d_t]`, `sam_t.fc2.weight`.
public final class PMAStage: Module {
    @Child(key: "sam_v") public var visualSAM: SelfAttentionModule
    @Child(key: "local_conv") public var localConv: Conv2d
    @Child(key: "qrm") public var queryRelation: QueryRelationModule
    @Child(key: "sam_t") public var textSAM: SelfAttentionModule

    public init(mapWidth d: Int, textWidth: Int, localWidth: Int, reduction: Int) {
        super.init()
        visualSAM = SelfAttentionModule(width: d, reduction: reduction, activation: .relu)
        localConv = Conv2d(d, localWidth, kernelSize: 1)
        queryRelation = QueryRelationModule(keyWidth: localWidth, queryWidth: textWidth)
        textSAM = SelfAttentionModule(width: textWidth, reduction: reduction, activation: .tanh)
    }

    /// f^v_local = GAP(Conv1×1(x_max)) for the chosen blocks `[B, 4, d]` → `[B, d_local]`.
    /// A 1×1 conv followed by a mean is W_c·mean(x) + b_c (README §3.10), computed that way.
    public func localFeature(_ chosenBlocks: Tensor) -> Tensor {
        let (out, width) = (localConv.weight.shape[0], localConv.weight.shape[1])
        let projected = Tensor.matmul(chosenBlocks.mean(axis: 1), localConv.weight.reshaped([out, width]), transposeB: true)
        return localConv.bias.map { projected + $0 } ?? projected
    }
}
