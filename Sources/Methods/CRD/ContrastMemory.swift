// Contrastive Representation Distillation.
// Tian, Krishnan, Isola — 2019, arXiv:1910.10699. Code: HobbitLong/RepDistiller crd/memory.py `ContrastMemory`.
// Two memory banks of d-dimensional rows, one per training example, initialised U(−a, a) with
// a = 1/√(d/3) (not normalised, as in the official code); scores exp(M[idx]·z/τ); the partition
// constants Z estimated on the first call and then frozen; the momentum update of the rows seen.
// Deviations:
// - The official `params` buffer [K, T, Z_v1, Z_v2, momentum] is split: K, T and the momentum
//   come from the configuration, and only what changes during training is state: `Z` [2]
//   (= [Z_v1, Z_v2], −1 while unset, as in the official code) and `draws` [1], the number of
//   calls so far, from which the negatives of the next call are drawn (so that a resumed run
//   draws the same negatives; the official sampler is an unseeded global stream).
// - Scores are computed as z·Mᵀ over the whole bank and then gathered at the contrast indices,
//   instead of gathering K+1 rows per example first: the same numbers, with memory O(B·N)
//   instead of O(B·K·d).
// - The update writes a new bank tensor rather than editing the old one in place, so a graph
//   that scored against the old bank still back-propagates through the values it saw.
import ZooCore
import ZooNN
import ZooTensor

/// CRD's memory: the student bank `memory_v1` (M_s) and the teacher bank `memory_v2` (M_t),
/// both `[N, d]`, with the frozen partition constants `Z` `[2]` and the call counter `draws` `[1]`.
/// The official buffer names, under `contrast.` in a CRD loss's state.
public final class ContrastMemory: Module {
    /// M_s `[N, d]`: the student's embeddings of every training example (official `memory_v1`).
    @Buffer(key: "memory_v1") public var studentBank: Tensor
    /// M_t `[N, d]`: the teacher's embeddings (official `memory_v2`).
    @Buffer(key: "memory_v2") public var teacherBank: Tensor
    /// `[Z_s, Z_t]` (official Z_v1, Z_v2); negative until the first call sets them.
    @Buffer(key: "Z") public var normalizers: Tensor
    /// `[1]`: how many times the loss has been evaluated (exact up to 2^24 calls).
    @Buffer(key: "draws") public var draws: Tensor

    /// N rows of width d, drawn U(−a, a), a = 1/√(d/3), from `GlobalRandom`.
    public init(rows: Int, width: Int) {
        super.init()
        let bound = 1 / (Float(width) / 3).squareRoot()
        studentBank = Tensor.randomUniform([rows, width], low: -bound, high: bound, using: &GlobalRandom.stream.generator)
        teacherBank = Tensor.randomUniform([rows, width], low: -bound, high: bound, using: &GlobalRandom.stream.generator)
        normalizers = Tensor([-1, -1])
        draws = Tensor([0])
    }

    /// N, the number of memory rows.
    public var rows: Int { studentBank.shape[0] }
    /// d, the width of a row.
    public var width: Int { studentBank.shape[1] }
    /// Calls so far.
    public var callCount: Int { Int(draws.scalars[0]) }

    /// Whether Z has been set by a first call.
    public var hasNormalizers: Bool { normalizers.scalars.allSatisfy { $0 >= 0 } }

    /// `exp(bank[idx_bk] · anchor_b / τ)`: anchor `[B, d]`, `indices` `[B, K+1]` → `[B, K+1]`.
    /// Gradients reach the anchor only; the bank is a constant.
    public func exponentiatedScores(anchor: Tensor, bank: Tensor, indices: IntTensor, temperature: Float) -> Tensor {
        let all = Tensor.matmul(anchor, bank, transposeB: true)                    // [B, N]
        return (all.gather(axis: 1, index: indices) / Tensor(scalar: temperature)).exp()
    }

    /// Z for branch `slot` (0: student, 1: teacher): on the first call, `float32(mean(scores) · N)`
    /// is stored; afterwards the stored value is returned unchanged.
    public func normalizer(_ slot: Int, firstScores scores: Tensor) -> Float {
        let stored = normalizers.scalars[slot]
        if stored >= 0 { return stored }
        let mean = scores.withUnsafeBufferPointer { values in values.reduce(0.0) { $0 + Double($1) } / Double(Swift.max(values.count, 1)) }
        let z = Float(mean * Double(rows))
        var updated = normalizers.scalars
        updated[slot] = z
        normalizers = Tensor(updated)
        return z
    }

    /// `M[y] ← n(m·M[y] + (1 − m)·z)` for both banks, without gradient. Every new row is computed
    /// from the bank as it was before this update; a row listed twice takes the last value (as
    /// `index_copy_` does). `studentEmbeddings`, `teacherEmbeddings`: `[B, d]`.
    public func update(rows: [Int], studentEmbeddings: Tensor, teacherEmbeddings: Tensor, momentum: Float) {
        studentBank = Self.updated(studentBank, rows: rows, embeddings: studentEmbeddings, momentum: momentum)
        teacherBank = Self.updated(teacherBank, rows: rows, embeddings: teacherEmbeddings, momentum: momentum)
    }

    /// Counts one more call.
    public func countCall() { draws = Tensor([draws.scalars[0] + 1]) }

    private static func updated(_ bank: Tensor, rows: [Int], embeddings: Tensor, momentum: Float) -> Tensor {
        let width = bank.shape[1]
        let result = bank.copy()
        let keep = momentum, take = 1 - momentum
        var row = [Float](repeating: 0, count: width)
        bank.withUnsafeBufferPointer { old in
            embeddings.withUnsafeBufferPointer { z in
                result.withUnsafeMutableBufferPointer { new in
                    for (b, index) in rows.enumerated() {
                        var squares: Float = 0
                        for k in 0..<width {
                            row[k] = old[index * width + k] * keep + z[b * width + k] * take
                            squares += row[k] * row[k]
                        }
                        let norm = squares.squareRoot()
                        for k in 0..<width { new[index * width + k] = row[k] / norm }
                    }
                }
            }
        }
        return result
    }
}
