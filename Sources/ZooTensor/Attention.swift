// Scaled dot-product attention and dropout: compositions of the fused ops above, so their
// gradients come from the tape.

extension Tensor {
    /// Attention over `[B, H, Lq, dh]` queries and `[B, H, Lk, dh]` keys/values.
    ///
    /// - additiveKeyBias: `[B, Lk]`, added to every query row's scores (e.g. `(1 − mask)·(−1e6)` in
    ///   CLIP4Clip, or −∞ for padding).
    /// - causal: when true, query i sees keys 0...i only (CLIP's text encoder).
    /// Returns `[B, H, Lq, dh]`.
    public static func scaledDotProductAttention(
        query: Tensor, key: Tensor, value: Tensor, additiveKeyBias: Tensor? = nil, causal: Bool = false
    ) -> Tensor {
        precondition(query.rank == 4 && key.rank == 4 && value.rank == 4 && key.shape == value.shape
                     && query.shape[0] == key.shape[0] && query.shape[1] == key.shape[1] && query.shape[3] == key.shape[3],
                     "attention: query \(query.shape), key \(key.shape), value \(value.shape) must be [B, H, L, dh] with matching B, H, dh")
        let (batch, lq, lk, dh) = (query.shape[0], query.shape[2], key.shape[2], query.shape[3])
        var scores = matmul(query, key, transposeB: true) * (1 / Float(dh).squareRoot())   // [B, H, Lq, Lk]
        if let additiveKeyBias {
            precondition(additiveKeyBias.shape == [batch, lk], "attention: key bias \(additiveKeyBias.shape) must be [\(batch), \(lk)]")
            scores = scores + additiveKeyBias.reshaped([batch, 1, 1, lk])
        }
        if causal {
            var mask = [Float](repeating: 0, count: lq * lk)
            for i in 0..<lq { for j in (i + 1)..<Swift.max(lk, i + 1) { mask[i * lk + j] = 1 } }
            scores = scores.maskedFill(Tensor(mask, shape: [lq, lk]), with: -.infinity)
        }
        return matmul(scores.softmax(axis: -1), value)
    }

    /// Inverted dropout: zeroes each element with probability `p` and scales the rest by 1/(1−p).
    /// Identity when `training` is false or p is 0. Draws from `generator`.
    public func dropout(_ p: Float, training: Bool, using generator: inout RandomGenerator) -> Tensor {
        guard training && p > 0 else { return self }
        precondition(p < 1, "dropout: p must be below 1, got \(p)")
        var mask = [Float](repeating: 0, count: count)
        let scale = 1 / (1 - p)
        for i in 0..<count where generator.nextUniform() >= p { mask[i] = scale }
        return self * Tensor(mask, shape: shape)
    }

    /// Dropout drawing from `GlobalRandom.generator` (seeded once per run by the trainer).
    public func dropout(_ p: Float, training: Bool) -> Tensor {
        dropout(p, training: training, using: &GlobalRandom.stream.generator)
    }
}
