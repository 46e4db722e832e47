// Fused cross-entropy losses: softmax and the negative log-likelihood in one pass each way.
import Foundation

extension Tensor {
    /// Mean cross-entropy of logits `[N, C]` against class indices `labels` `[N]`:
    /// `mean_n −log softmax(x_n)[y_n]`.
    public func crossEntropy(labels: IntTensor) -> Tensor {
        precondition(rank == 2, "crossEntropy: logits must be [N, C], got \(shape)")
        let (rows, classes) = (shape[0], shape[1])
        precondition(labels.shape == [rows], "crossEntropy: labels \(labels.shape) must be [\(rows)] for logits \(shape)")
        precondition(labels.scalars.allSatisfy { $0 >= 0 && $0 < classes },
                     "crossEntropy: a label is outside 0..<\(classes)")
        let logProbabilities = normalizedExponentials(axis: 1, logarithm: true)
        let lp = logProbabilities.storage.pointer
        var total: Double = 0
        for r in 0..<rows { total -= Double(lp[r * classes + labels.scalars[r]]) }
        let loss = Tensor(scalar: Float(total / Double(Swift.max(rows, 1))))
        return loss.recorded("crossEntropy", [self]) { g in
            // d/dx = (softmax − onehot) · g / N
            let scale = g.item / Float(Swift.max(rows, 1))
            let dx = Tensor(uninitializedShape: self.shape)
            let d = dx.storage.pointer, lp = logProbabilities.storage.pointer   // retained by the closure
            FastMath.exp(lp, d, count: rows * classes)                // softmax = exp(log-softmax), eight lanes at a time
            for i in 0..<(rows * classes) { d[i] *= scale }
            for r in 0..<rows { d[r * classes + labels.scalars[r]] -= scale }
            return [dx]
        }
    }

    /// Mean soft-target cross-entropy along `axis`: `mean over other positions of −Σ_c p_c log softmax(x)_c`.
    /// `targets` has the shape of the logits (e.g. a teacher's probabilities); it receives a
    /// gradient too when it requires one.
    public func crossEntropy(softTargets targets: Tensor, axis: Int = -1) -> Tensor {
        precondition(targets.shape == shape, "crossEntropy(softTargets:): targets \(targets.shape) must match logits \(shape)")
        let axis = normalizedAxis(axis, op: "crossEntropy")
        let positions = Float(count / Swift.max(shape[axis], 1))
        return -((targets * logSoftmax(axis: axis)).sum() * (1 / positions))
    }

    /// Symmetric InfoNCE of a similarity matrix `[Bt, Bv]` with matches on the diagonal:
    /// `½[CE(S) + CE(Sᵀ)]`, each over the leading square block (the official `CrossEn`'s torch.diag).
    public func symmetricCrossEntropy() -> Tensor {
        precondition(rank == 2, "symmetricCrossEntropy: logits must be [Bt, Bv], got \(shape)")
        let n = Swift.min(shape[0], shape[1])
        let rows = logSoftmax(axis: 1), columns = logSoftmax(axis: 0)
        let diagonal = IntTensor((0..<n).map { $0 * shape[1] + $0 })
        let rowLoss = -rows.reshaped([-1]).gather(indices: diagonal).mean()
        let columnLoss = -columns.reshaped([-1]).gather(indices: diagonal).mean()
        return (rowLoss + columnLoss) * 0.5
    }
}
