// Contrastive Representation Distillation.
// Tian, Krishnan, Isola — 2019, arXiv:1910.10699. Code: HobbitLong/RepDistiller crd/criterion.py `Embed`.
// Deviations: none. Like the official `Normalize(2)` (x.div of the plain L2 norm, no epsilon),
// a zero row gives 0/0 here as it does there.
import ZooCore
import ZooNN
import ZooTensor

/// `z = n(W h + b)`: a linear map of the flattened features to d dimensions, L2-normalised per row.
/// - features: `[B, ...]` (flattened to `[B, inputWidth]`). Returns `[B, d]`.
/// - keys: `linear.weight` `[d, inputWidth]`, `linear.bias` `[d]` (under `embed_s` / `embed_t`).
public final class CRDEmbedding: Module {
    @Child(key: "linear") public var linear: Linear

    public init(inputWidth: Int, outputWidth: Int) {
        super.init()
        linear = Linear(inputWidth, outputWidth)
    }

    /// Width of the features it takes.
    public var inputWidth: Int { linear.weight.shape[1] }

    public func callAsFunction(_ features: Tensor) -> Tensor {
        let rows = features.rank > 2 ? features.flattened(from: 1) : features
        return linear(rows).l2Normalized(axis: 1)
    }
}
