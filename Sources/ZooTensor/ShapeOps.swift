// Reshape, permute, slicing, concatenation and stacking. Reshapes share storage; the others copy,
// since every kernel in the zoo reads contiguous rows.

extension Tensor {
    /// Same storage, new shape, not recorded (internal building block).
    func reshapedUntracked(_ newShape: [Int]) -> Tensor { Tensor(shape: newShape, storage: storage) }

    /// The same elements with another shape; one dimension may be -1 (inferred). Shares storage.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != inferred }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && count % known == 0, "reshape: cannot infer a dimension of \(newShape) for \(count) elements (shape \(shape))")
            resolved[inferred] = count / known
        }
        precondition(resolved.reduce(1, *) == count, "reshape: shape \(shape) (\(count) elements) cannot become \(newShape)")
        if resolved == shape { return self }
        return reshapedUntracked(resolved).recorded("reshape", [self]) { [shape] g in [g.reshaped(shape)] }
    }

    /// Dimensions reordered: result dimension i is input dimension `order[i]`.
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.sorted() == Array(0..<rank), "permute: \(order) is not a permutation of the \(rank) axes of \(shape)")
        if order == Array(0..<rank) { return self }
        let newShape = order.map { shape[$0] }
        let result = Tensor(uninitializedShape: newShape)
        let inputStrides = Broadcasting.strides(of: shape, in: shape)
        // Walk the output contiguously, reading the input through permuted strides.
        let readStrides = order.map { shape[$0] == 1 ? 0 : inputStrides[$0] }
        let source = storage.pointer, destination = result.storage.pointer
        Broadcasting.forEachRowInParallel(
            outputShape: newShape, operandStrides: [Broadcasting.strides(of: newShape, in: newShape), readStrides]
        ) { offsets, length, inner in
            let d = destination + offsets[0], s = source + offsets[1]
            let ds = inner[0], ss = inner[1]
            if ds == 1 && ss == 1 {
                d.update(from: s, count: length)
            } else {
                for i in 0..<length { d[i &* ds] = s[i &* ss] }
            }
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, axis) in order.enumerated() { inverse[axis] = i }
        return result.recorded("permute", [self]) { g in [g.permuted(inverse)] }
    }

    /// Swaps two axes.
    public func transposed(_ axis0: Int = -2, _ axis1: Int = -1) -> Tensor {
        var order = Array(0..<rank)
        order.swapAt(normalizedAxis(axis0, op: "transpose"), normalizedAxis(axis1, op: "transpose"))
        return permuted(order)
    }

    /// Elements `range` along `axis` (a copy).
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let axis = normalizedAxis(axis, op: "slice")
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[axis],
                     "slice: range \(range) is outside 0..<\(shape[axis]) on axis \(axis) of \(shape)")
        if range.count == shape[axis] { return self }
        let (outer, length, inner) = splitSizes(around: axis)
        var newShape = shape
        newShape[axis] = range.count
        let result = Tensor(uninitializedShape: newShape)
        let block = range.count * inner
        for o in 0..<outer {
            (result.storage.pointer + o * block).update(from: storage.pointer + (o * length + range.lowerBound) * inner, count: block)
        }
        return result.recorded("slice", [self]) { [shape] g in
            let dx = Tensor.zeros(shape)
            for o in 0..<outer {
                (dx.storage.pointer + (o * length + range.lowerBound) * inner).update(from: g.storage.pointer + o * block, count: block)
            }
            return [dx]
        }
    }

    /// Element `index` along `axis`, with that axis removed.
    public func select(axis: Int, index: Int) -> Tensor {
        let axis = normalizedAxis(axis, op: "select")
        var newShape = shape
        newShape.remove(at: axis)
        return slice(axis: axis, index..<(index + 1)).reshaped(newShape)
    }

    /// Tensors joined along `axis`; all other dimensions must agree.
    public static func concatenate(_ tensors: [Tensor], axis: Int) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate: no tensors")
        let first = tensors[0]
        let axis = first.normalizedAxis(axis, op: "concatenate")
        for t in tensors {
            precondition(t.rank == first.rank && (0..<t.rank).allSatisfy { $0 == axis || t.shape[$0] == first.shape[$0] },
                         "concatenate: shapes \(first.shape) and \(t.shape) differ outside axis \(axis)")
        }
        let lengths = tensors.map { $0.shape[axis] }
        var newShape = first.shape
        newShape[axis] = lengths.reduce(0, +)
        let result = Tensor(uninitializedShape: newShape)
        let (outer, total, inner) = result.splitSizes(around: axis)
        var start = 0
        for (t, length) in zip(tensors, lengths) {
            for o in 0..<outer {
                (result.storage.pointer + (o * total + start) * inner).update(from: t.storage.pointer + o * length * inner, count: length * inner)
            }
            start += length
        }
        return result.recorded("concatenate", tensors) { g in
            var offset = 0
            return lengths.map { length in
                defer { offset += length }
                return g.slice(axis: axis, offset..<(offset + length))
            }
        }
    }

    /// Tensors of one shape stacked along a new `axis`.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "stack: no tensors")
        let shape = tensors[0].shape
        precondition(tensors.allSatisfy { $0.shape == shape }, "stack: shapes differ: \(tensors.map(\.shape))")
        let axis = axis < 0 ? axis + shape.count + 1 : axis
        var expanded = shape
        expanded.insert(1, at: axis)
        return concatenate(tensors.map { $0.reshaped(expanded) }, axis: axis)
    }

    /// Splits along `axis` into pieces of the given sizes.
    public func split(axis: Int, sizes: [Int]) -> [Tensor] {
        precondition(sizes.reduce(0, +) == size(axis), "split: sizes \(sizes) do not add up to \(size(axis)) (axis \(axis) of \(shape))")
        var start = 0
        return sizes.map { n in
            defer { start += n }
            return slice(axis: axis, start..<(start + n))
        }
    }

    /// A new axis of size 1 at `axis`.
    public func expandingDimension(at axis: Int) -> Tensor {
        var newShape = shape
        newShape.insert(1, at: axis < 0 ? axis + rank + 1 : axis)
        return reshaped(newShape)
    }

    /// Flattens all dimensions from `start` on into one.
    public func flattened(from start: Int = 0) -> Tensor {
        let start = normalizedAxis(start, op: "flatten")
        return reshaped(Array(shape[..<start]) + [shape[start...].reduce(1, *)])
    }
}
