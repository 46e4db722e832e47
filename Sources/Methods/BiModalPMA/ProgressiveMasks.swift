// Bi-Modal Progressive Mask Attention for Fine-Grained Recognition.
// Kaitao Song, Xiu-Shen Wei, Xiangbo Shu, Ren-Jie Song, Jianfeng Lu — IEEE TIP 2020.
// No arXiv id, no official code; formulas and choices: Tests/Fixtures/parity/README.md §2, §3.
//
// The progressive masks m^v and m^t ∈ {0, −∞}, kept as flags: they are decisions, so gradients
// never flow through them (the argmax block and the top-3 phrases are constants; the values
// they select carry the gradient). Choices (README §3):
//   6. The text mask is updated after the stage's local stream and before its global stream;
//      the visual mask at the end of the stage. Both carry over to later stages.
//   7. 1/p uses p = the sample's number of real phrases, not the number still unmasked; top-3 is
//      taken among the current local weights, so an already masked phrase (weight 0) never
//      passes the `> 1/p` test.
//   8. Padded phrases are masked from the start, in both text softmaxes.
//   9. Guard (ours): an update that would mask every phrase of a sample is skipped for it.
import ZooTensor

/// The visual and textual masks of one batch, reset for every forward pass.
public struct ProgressiveMasks: Sendable, Equatable {
    public let batch: Int, blocks: Int, phrases: Int
    /// `[B · n]`, true where block i of sample b is masked (−∞).
    public private(set) var visual: [Bool]
    /// `[B · p]`, true where phrase i of sample b is masked (−∞); padding starts masked.
    public private(set) var text: [Bool]
    /// p_b: the number of real phrases of each sample.
    public let realPhrases: [Int]

    /// Fresh masks: no block masked, only padded phrases masked.
    /// - phraseMask: `[B, p]`, 1 for real phrases, 0 for padding.
    public init(blocks: Int, phraseMask: Tensor) {
        precondition(phraseMask.rank == 2, "ProgressiveMasks: phraseMask must be [B, p], got \(phraseMask.shape)")
        (batch, phrases, self.blocks) = (phraseMask.shape[0], phraseMask.shape[1], blocks)
        let (b, p) = (phraseMask.shape[0], phraseMask.shape[1])
        let padding = phraseMask.withUnsafeBufferPointer { $0.map { $0 == 0 } }
        visual = [Bool](repeating: false, count: b * blocks)
        text = padding
        realPhrases = (0..<b).map { row in padding[(row * p)..<((row + 1) * p)].filter { !$0 }.count }
    }

    /// m^v as a 0/1 tensor `[B, n]` (1 = masked).
    public var visualTensor: Tensor { Tensor(visual.map { $0 ? 1 : 0 }, shape: [batch, blocks]) }
    /// m^t as a 0/1 tensor `[B, p]` (1 = masked).
    public var textTensor: Tensor { Tensor(text.map { $0 ? 1 : 0 }, shape: [batch, phrases]) }
    /// Whether each sample still has an unmasked phrase (false only for samples without phrases).
    public var hasPhrases: [Bool] { realPhrases.map { $0 > 0 } }

    /// k_b = argmax_i a^v_{b,i} among the unmasked blocks (the first on ties).
    /// - attention: `[B, n]`.
    public func mostAttendedBlocks(_ attention: Tensor) -> [Int] {
        precondition(attention.shape == [batch, blocks], "mostAttendedBlocks: attention \(attention.shape) is not [\(batch), \(blocks)]")
        return attention.withUnsafeBufferPointer { a in
            visual.withUnsafeBufferPointer { masked in
                (0..<batch).map { b in
                    var best = -1, bestValue = -Float.infinity
                    for i in 0..<blocks where !masked[b * blocks + i] && (best < 0 || a[b * blocks + i] > bestValue) {
                        (best, bestValue) = (i, a[b * blocks + i])
                    }
                    precondition(best >= 0, "mostAttendedBlocks: sample \(b) has every block masked; PMA needs n ≥ stages")
                    return best
                }
            }
        }
    }

    /// m^v_{b, k_b} ← −∞ (end of a stage).
    public mutating func maskBlocks(_ selected: [Int]) {
        precondition(selected.count == batch && selected.allSatisfy { (0..<blocks).contains($0) }, "maskBlocks: \(selected) is not one block per sample")
        for (b, k) in selected.enumerated() { visual[b * blocks + k] = true }
    }

    /// Masks, per sample, the phrases among the `topK` largest local weights a^t whose weight
    /// exceeds 1/p_b (README §3.7), unless that would leave the sample with no phrase (§3.9).
    /// Returns, per sample, whether that guard fired (as the reference reports it: also for a
    /// sample that has no real phrase at all).
    /// - attention: a^t `[B, p]`.
    @discardableResult
    public mutating func maskKeyPhrases(_ attention: Tensor, topK: Int) -> [Bool] {
        precondition(attention.shape == [batch, phrases], "maskKeyPhrases: attention \(attention.shape) is not [\(batch), \(phrases)]")
        let (p, k) = (phrases, Swift.min(topK, phrases))
        var fired = [Bool](repeating: false, count: batch)
        attention.withUnsafeBufferPointer { a in
            text.withUnsafeMutableBufferPointer { masked in
                for b in 0..<batch {
                    let row = b * p
                    // The k largest weights of the row (ties: lower index first).
                    let top = (0..<p).sorted { a[row + $0] > a[row + $1] || (a[row + $0] == a[row + $1] && $0 < $1) }.prefix(k)
                    let threshold = realPhrases[b] > 0 ? 1 / Float(realPhrases[b]) : Float.infinity
                    let chosen = top.filter { !masked[row + $0] && a[row + $0] > threshold }
                    let remaining = (0..<p).filter { !masked[row + $0] }.count - chosen.count
                    if remaining == 0 { fired[b] = true; continue }
                    for i in chosen { masked[row + i] = true }
                }
            }
        }
        return fired
    }
}
