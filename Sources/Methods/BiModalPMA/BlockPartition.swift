// Bi-Modal Progressive Mask Attention for Fine-Grained Recognition.
// Kaitao Song, Xiu-Shen Wei, Xiangbo Shu, Ren-Jie Song, Jianfeng Lu — IEEE TIP 2020.
// No arXiv id, no official code; formulas and choices: Tests/Fixtures/parity/README.md §2, §3.
//
// The visual "parts" PMA attends to: the feature map cut into non-overlapping 2×2 blocks, each
// max-pooled into one vector x̃_i (the paper's candidate regions). Choices: blocks are numbered
// row-major over the (h/2, w/2) grid and the four positions inside a block in the order (0,0),
// (0,1), (1,0), (1,1) (README §2); x_max of the local stream is the un-pooled block (§3.10);
// f_object is GAP over the full map (§3.11). The max-pool winner is a constant for gradients: the
// gradient goes to the winning position (the first on an exact tie, where PyTorch's amax would
// split it; the fixtures are drawn with no ties).
import ZooTensor

/// The 2×2 block view of a channels-last feature map.
public enum BlockPartition {
    /// X `[B, h, w, d]` (h, w even) → blocks `[B, n, 4, d]`, n = (h/2)(w/2), row-major.
    public static func blocks(_ map: Tensor) -> Tensor {
        let (b, h, w, d) = (map.shape[0], map.shape[1], map.shape[2], map.shape[3])
        precondition(h % 2 == 0 && w % 2 == 0, "BlockPartition: h and w must be even, got \(map.shape)")
        return map.reshaped([b, h / 2, 2, w / 2, 2, d]).permuted([0, 1, 3, 2, 4, 5]).reshaped([b, (h / 2) * (w / 2), 4, d])
    }

    /// x̃_i = max over the 4 positions of block i, per channel: blocks `[B, n, 4, d]` → `[B, n, d]`.
    public static func maxPooled(_ blocks: Tensor) -> Tensor { blocks.max(axis: 2) }

    /// x_max: the un-pooled block `selected[b]` of each sample, `[B, n, 4, d]` → `[B, 4, d]`.
    /// Gradients reach only the selected blocks.
    public static func select(_ blocks: Tensor, _ selected: [Int]) -> Tensor {
        let (b, n) = (blocks.shape[0], blocks.shape[1])
        precondition(selected.count == b, "BlockPartition.select: \(selected.count) indices for \(b) samples")
        let rows = IntTensor(selected.enumerated().map { $0.offset * n + $0.element })
        return blocks.reshaped([b * n] + Array(blocks.shape[2...])).indexSelect(axis: 0, indices: rows)
    }
}

extension Tensor {
    /// softmax along axis 1 of `[B, k]` scores with entries where `mask` (`[B, k]`, 1 = masked)
    /// set to −∞, and exactly 0 there (ZooTensor's exp flushes −∞ to about 1e-38, not 0). Rows
    /// flagged false in `rowHasEntries` (a sample with no phrase at all) give all-zero weights
    /// instead of a softmax over nothing, and no gradient.
    func maskedSoftmax(_ mask: Tensor, rowHasEntries: [Bool]? = nil) -> Tensor {
        var fill = mask
        if let rowHasEntries, rowHasEntries.contains(false) {
            fill = mask * Tensor(rowHasEntries.map { $0 ? 1 : 0 }, shape: [shape[0], 1])   // empty rows: nothing filled ...
        }
        return maskedFill(fill, with: -.infinity).softmax(axis: 1) * (1 - mask)           // ... and every weight zeroed
    }

    /// Σ_i a_i v_i: weights `[B, k]`, values `[B, k, D]` → `[B, D]`.
    func weightedSum(_ values: Tensor) -> Tensor {
        Tensor.matmul(expandingDimension(at: 1), values).reshaped([values.shape[0], values.shape[2]])
    }
}
