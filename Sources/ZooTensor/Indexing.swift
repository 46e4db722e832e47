// Lookups by integer index: embeddings, index-select along an axis, flat gathers, masks.

extension Tensor {
    /// Rows of `self` (`[V, D]`, an embedding table) for each id: returns `ids.shape + [D]`.
    /// The backward pass scatters gradients back into the rows (repeated ids accumulate).
    public func embeddingLookup(_ ids: IntTensor) -> Tensor {
        precondition(rank == 2, "embeddingLookup: the table must be [V, D], got \(shape)")
        return indexSelect(axis: 0, indices: IntTensor(ids.scalars)).reshaped(ids.shape + [shape[1]])
    }

    /// Entries `indices` along `axis` (repeats allowed): the axis becomes `indices.count` long.
    public func indexSelect(axis: Int, indices: IntTensor) -> Tensor {
        let axis = normalizedAxis(axis, op: "indexSelect")
        let (outer, length, inner) = splitSizes(around: axis)
        precondition(indices.scalars.allSatisfy { $0 >= 0 && $0 < length },
                     "indexSelect: an index is outside 0..<\(length) (axis \(axis) of \(shape))")
        var newShape = shape
        newShape[axis] = indices.count
        let result = Tensor(uninitializedShape: newShape)
        let source = storage.pointer, destination = result.storage.pointer
        let selected = indices.count
        for o in 0..<outer {
            for (j, index) in indices.scalars.enumerated() {
                (destination + (o * selected + j) * inner).update(from: source + (o * length + index) * inner, count: inner)
            }
        }
        return result.recorded("indexSelect", [self]) { [shape] g in
            let dx = Tensor.zeros(shape)
            let d = dx.storage.pointer, pg = g.storage.pointer
            for o in 0..<outer {
                for (j, index) in indices.scalars.enumerated() {
                    let to = d + (o * length + index) * inner, from = pg + (o * selected + j) * inner
                    for i in 0..<inner { to[i] += from[i] }
                }
            }
            return [dx]
        }
    }

    /// `torch.gather` along `axis`: `out[..., j, ...] = self[..., index[..., j, ...], ...]`, where
    /// `index` has this tensor's shape except (possibly) along `axis`.
    public func gather(axis: Int, index: IntTensor) -> Tensor {
        let axis = normalizedAxis(axis, op: "gather")
        precondition(index.rank == rank && (0..<rank).allSatisfy { $0 == axis || index.shape[$0] == shape[$0] },
                     "gather: index shape \(index.shape) must match \(shape) outside axis \(axis)")
        let (outer, length, inner) = splitSizes(around: axis)
        let selected = index.shape[axis]
        precondition(index.scalars.allSatisfy { $0 >= 0 && $0 < length }, "gather: an index is outside 0..<\(length)")
        var flat = [Int](repeating: 0, count: index.count)
        for o in 0..<outer {
            for j in 0..<selected {
                for i in 0..<inner {
                    let position = (o * selected + j) * inner + i
                    flat[position] = (o * length + index.scalars[position]) * inner + i
                }
            }
        }
        return reshaped([count]).gather(indices: IntTensor(flat)).reshaped(index.shape)
    }

    /// Elements of a 1-D tensor at `indices` (any index shape is flattened): returns `[indices.count]`.
    public func gather(indices: IntTensor) -> Tensor {
        precondition(rank == 1, "gather(indices:): needs a 1-D tensor, got \(shape); reshape([-1]) first")
        return indexSelect(axis: 0, indices: IntTensor(indices.scalars))
    }

    /// `value` where `mask` is non-zero, `self` elsewhere; `mask` broadcasts to this shape.
    /// No gradient flows to the filled positions.
    public func maskedFill(_ mask: Tensor, with value: Float) -> Tensor {
        precondition(Broadcasting.shape(shape, mask.shape, op: "maskedFill") == shape,
                     "maskedFill: mask \(mask.shape) does not broadcast to \(shape)")
        let fullMask = noGrad { mask.broadcast(to: shape) }
        let result = Tensor(uninitializedShape: shape)
        let x = storage.pointer, m = fullMask.storage.pointer, y = result.storage.pointer
        for i in 0..<count { y[i] = m[i] != 0 ? value : x[i] }
        return result.recorded("maskedFill", [self]) { g in
            let dx = Tensor(uninitializedShape: g.shape)
            let pg = g.storage.pointer, d = dx.storage.pointer, keptMask = fullMask.storage.pointer
            for i in 0..<g.count { d[i] = keptMask[i] != 0 ? 0 : pg[i] }
            return [dx]
        }
    }

    /// `x / ‖x‖₂` along `axis` (no epsilon unless given, as in the official code: a zero vector
    /// gives NaN there too).
    public func l2Normalized(axis: Int = -1, eps: Float = 0) -> Tensor {
        let norm = (self * self).sum(axis: axis, keepingDimensions: true).sqrt()
        return self / (eps > 0 ? norm + eps : norm)
    }

    /// `x / ‖x‖₂` along the last axis for the rows `keep` marks with 1, and 0 for the rows it
    /// marks with 0 (padding), which never reach a 0/0. `keep` is `shape` with the last axis 1
    /// (`[…, 1]`), values 0 or 1. A kept row is divided by the very norm `l2Normalized()` divides
    /// by, so its values are the same bits; a dropped row is divided by `√(‖x‖² + 1)` and zeroed,
    /// so its gradient is 0, never NaN.
    public func l2Normalized(keepingRows keep: Tensor) -> Tensor {
        let squaredNorm = (self * self).sum(axis: -1, keepingDimensions: true)
        return self / (squaredNorm + (1 - keep)).sqrt() * keep
    }

    /// `x / ‖x‖₂` along the last axis, except that a row of zeros stays zeros (what
    /// `torch.nn.functional.normalize` gives, where `x / x.norm()` gives 0/0 = NaN). Rows with a
    /// non-zero norm are the same bits as `l2Normalized()`. For places where the official code
    /// lets padded rows take part (X-CLIP's frame attention), so zero-padded features stay finite.
    public func l2NormalizedKeepingZeroRows() -> Tensor {
        let squaredNorm = (self * self).sum(axis: -1, keepingDimensions: true)
        let zeroRows = noGrad { Tensor(squaredNorm.scalars.map { $0 == 0 ? 1 : 0 }, shape: squaredNorm.shape) }
        return self / (squaredNorm + zeroRows).sqrt()
    }
}

