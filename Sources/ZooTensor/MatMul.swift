// Matrix products on the tape: 2-D and batched, either operand transposed, all through GEMM.

extension Tensor {
    /// `op(a) · op(b)` over the last two dimensions.
    ///
    /// - a: `[..., M, K]` (`[..., K, M]` when `transposeA`); b: `[..., K, N]` (`[..., N, K]` when
    ///   `transposeB`). Leading (batch) dimensions must be equal, or one operand may be 2-D and is
    ///   then shared by every batch entry (a weight matrix). Returns `[..., M, N]`.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition(a.rank >= 2 && b.rank >= 2, "matmul: operands need at least 2 dimensions, got \(a.shape) and \(b.shape)")
        let m = transposeA ? a.shape[a.rank - 1] : a.shape[a.rank - 2]
        let ka = transposeA ? a.shape[a.rank - 2] : a.shape[a.rank - 1]
        let kb = transposeB ? b.shape[b.rank - 1] : b.shape[b.rank - 2]
        let n = transposeB ? b.shape[b.rank - 2] : b.shape[b.rank - 1]
        precondition(ka == kb, "matmul: inner dimensions differ: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "") (\(ka) vs \(kb))")
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        precondition(batchA == batchB || batchA.isEmpty || batchB.isEmpty,
                     "matmul: batch dimensions \(batchA) and \(batchB) differ (only a shared 2-D operand broadcasts)")
        let batchShape = batchA.isEmpty ? batchB : batchA
        let batch = batchShape.reduce(1, *)
        let result = Tensor(uninitializedShape: batchShape + [m, n])
        let lda = a.shape[a.rank - 1], ldb = b.shape[b.rank - 1]

        if batchB.isEmpty && !transposeA {
            // A batched input times a weight: one tall GEMM.
            GEMM.multiply(transposeA: false, transposeB: transposeB, m: batch * m, n: n, k: ka,
                          a: a.storage.pointer, lda: lda, b: b.storage.pointer, ldb: ldb,
                          c: result.storage.pointer, ldc: n)
        } else {
            GEMM.batchedMultiply(batch: batch, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: ka,
                                 a: a.storage.pointer, lda: lda, strideA: batchA.isEmpty ? 0 : m * ka,
                                 b: b.storage.pointer, ldb: ldb, strideB: batchB.isEmpty ? 0 : ka * n,
                                 c: result.storage.pointer, ldc: n, strideC: m * n)
        }
        return result.recorded("matmul", [a, b]) { g in
            // C = op(A) op(B): dop(A) = G op(B)ᵀ, dop(B) = op(A)ᵀ G; undo the op for the stored layout.
            var gradA: Tensor? = nil, gradB: Tensor? = nil
            if a.requiresGrad {
                let full = transposeA
                    ? matmul(b, g, transposeA: transposeB, transposeB: true)      // [K, M] = op(B) Gᵀ
                    : matmul(g, b, transposeA: false, transposeB: !transposeB)    // [M, K] = G op(B)ᵀ
                gradA = batchA.isEmpty && !batchB.isEmpty ? full.sum(axes: Array(0..<batchB.count)) : full
            }
            if b.requiresGrad {
                if batchB.isEmpty && !batchA.isEmpty && !transposeA {
                    // A shared weight: the sum over the batch of op(A_i)ᵀ G_i is one GEMM over the
                    // batch's stacked rows (depth batch*M), not `batch` thin products summed
                    // afterwards (depth M: store-bound, and half of a transformer block's backward).
                    gradB = stackedRowsProduct(g, a, rows: batch * m, transposeB: transposeB)
                } else {
                    let full = transposeB
                        ? matmul(g, a, transposeA: true, transposeB: transposeA)      // [N, K] = Gᵀ op(A)
                        : matmul(a, g, transposeA: !transposeA, transposeB: false)    // [K, N] = op(A)ᵀ G
                    gradB = batchB.isEmpty && !batchA.isEmpty ? full.sum(axes: Array(0..<batchA.count)) : full
                }
            }
            return [gradA, gradB]
        }
    }

    /// The gradient of a shared weight `b` in `matmul(a, b)` with a batched, untransposed `a`:
    /// `Gᵀ A` (`[N, K]`, when the product used `bᵀ`) or `Aᵀ G` (`[K, N]`), with G `[..., M, N]` and
    /// A `[..., M, K]` read as `[rows, N]` and `[rows, K]` (both are contiguous). On the tape, so
    /// that higher-order uses still differentiate.
    private static func stackedRowsProduct(_ g: Tensor, _ a: Tensor, rows: Int, transposeB: Bool) -> Tensor {
        let stackedG = g.reshaped([rows, g.shape[g.rank - 1]])
        let stackedA = a.reshaped([rows, a.shape[a.rank - 1]])
        return transposeB
            ? matmul(stackedG, stackedA, transposeA: true)   // [N, K] = Gᵀ A
            : matmul(stackedA, stackedG, transposeA: true)   // [K, N] = Aᵀ G
    }
}
