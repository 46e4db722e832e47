// Contrastive Representation Distillation.
// Tian, Krishnan, Isola — 2019, arXiv:1910.10699. Code: HobbitLong/RepDistiller crd/criterion.py `Embed`.
// Deviations: the official head normalises with F.normalize, which clamps the norm at 1e-12;
// this one divides by the plain norm, as the parity README states (only a zero vector differs).
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
