// Contrastive Representation Distillation.
// Tian, Krishnan, Isola — 2019, arXiv:1910.10699. Code: HobbitLong/RepDistiller crd/criterion.py `ContrastLoss`.
// The NCE loss of Eq. 18 with a uniform noise distribution Pn = 1/N and m = K noise samples:
//   L = −(1/B) Σ_b [ log(x_b0 / (x_b0 + m·Pn + ε)) + Σ_{k≥1} log(m·Pn / (x_bk + m·Pn + ε)) ].
// Deviations: returns a 0-d tensor where the official one returns shape [1]. m·Pn + ε is formed in
// double precision and rounded once to float32, as PyTorch does when it adds the Python float.
import ZooTensor

/// CRD's NCE loss of normalised scores `x` `[B, K+1]` (column 0 the positive, the rest the K
/// negatives), for a memory of `memoryRows` (N) rows. Returns a 0-d tensor.
public func contrastLoss(_ x: Tensor, memoryRows: Int, eps: Float) -> Tensor {
    precondition(x.rank == 2 && x.shape[1] >= 2, "contrastLoss: scores must be [B, K+1] with K ≥ 1, got \(x.shape)")
    let (batch, columns) = (x.shape[0], x.shape[1])
    let noise = Double(columns - 1) / Double(memoryRows)         // m·Pn
    let shifted = Float(noise + Double(eps))                      // m·Pn + ε
    let positives = x.slice(axis: 1, 0..<1)
    let negatives = x.slice(axis: 1, 1..<columns)
    let logPositive = (positives / (positives + shifted)).log()
    let logNegative = (Float(noise) / (negatives + shifted)).log()
    return -(logPositive.sum() + logNegative.sum()) * (1 / Float(Swift.max(batch, 1)))
}
