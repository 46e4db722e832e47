// Sums, means, maxima and argmax over axes. Each reduction views the tensor as
// [outer, length, inner] around the reduced axis, so one loop serves every axis.

extension Tensor {
    /// (outer, length, inner) sizes around `axis`.
    func splitSizes(around axis: Int) -> (outer: Int, length: Int, inner: Int) {
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        return (outer, shape[axis], inner)
    }

    /// Sum of all elements, as a 0-d tensor.
    public func sum() -> Tensor {
        var total: Float = 0
        let p = storage.pointer
        // Eight partial sums: faster and more accurate than one running total.
        var lanes = SIMD8<Float>(repeating: 0)
        var i = 0
        while i &+ 8 <= count {
            lanes += UnsafeRawPointer(p).loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
            i &+= 8
        }
        total = lanes.sum()
        while i < count { total += p[i]; i += 1 }
        return Tensor(scalar: total).recorded("sum", [self]) { [shape] g in [g.broadcast(to: shape)] }
    }

    /// Mean of all elements, as a 0-d tensor.
    public func mean() -> Tensor { sum() * (1 / Float(Swift.max(count, 1))) }

    /// Sum over `axis`; the axis is kept with size 1 when `keepingDimensions`.
    public func sum(axis: Int, keepingDimensions: Bool = false) -> Tensor {
        let axis = normalizedAxis(axis, op: "sum")
        let (outer, length, inner) = splitSizes(around: axis)
        var kept = shape
        kept[axis] = 1
        let result = Tensor.zeros(kept)
        let source = storage.pointer, destination = result.storage.pointer
        for o in 0..<outer {
            let d = destination + o &* inner
            for l in 0..<length {
                let s = source + (o &* length &+ l) &* inner
                for i in 0..<inner { d[i] += s[i] }
            }
        }
        let output = keepingDimensions ? result : result.reshapedUntracked(shape.enumerated().filter { $0.offset != axis }.map(\.element))
        return output.recorded("sumAxis", [self]) { [shape] g in [g.reshaped(kept).broadcast(to: shape)] }
    }

    /// Sum over several axes.
    public func sum(axes: [Int], keepingDimensions: Bool = false) -> Tensor {
        let sorted = Set(axes.map { normalizedAxis($0, op: "sum") }).sorted(by: >)
        var result = self
        for axis in sorted { result = result.sum(axis: axis, keepingDimensions: keepingDimensions) }
        return result
    }

    /// Mean over `axis`.
    public func mean(axis: Int, keepingDimensions: Bool = false) -> Tensor {
        sum(axis: axis, keepingDimensions: keepingDimensions) * (1 / Float(size(axis)))
    }

    /// Mean over several axes.
    public func mean(axes: [Int], keepingDimensions: Bool = false) -> Tensor {
        let n = Set(axes.map { normalizedAxis($0) }).reduce(1) { $0 * shape[$1] }
        return sum(axes: axes, keepingDimensions: keepingDimensions) * (1 / Float(n))
    }

    /// Index of the largest value along `axis` (the first one on ties), as integers.
    public func argmax(axis: Int) -> IntTensor {
        let axis = normalizedAxis(axis, op: "argmax")
        precondition(shape[axis] > 0, "argmax: axis \(axis) of shape \(shape) is empty")
        let (outer, length, inner) = splitSizes(around: axis)
        var indices = [Int](repeating: 0, count: outer * inner)
        let p = storage.pointer
        for o in 0..<outer {
            for i in 0..<inner {
                var best = p[o * length * inner + i], bestIndex = 0
                for l in 1..<Swift.max(length, 1) {
                    let v = p[(o * length + l) * inner + i]
                    if v > best || (best.isNaN == false && v.isNaN) { best = v; bestIndex = l }
                }
                indices[o * inner + i] = bestIndex
            }
        }
        return IntTensor(indices, shape: shape.enumerated().filter { $0.offset != axis }.map(\.element))
    }

    /// Largest value along `axis`; the gradient flows to the (first) maximal element.
    public func max(axis: Int, keepingDimensions: Bool = false) -> Tensor {
        let axis = normalizedAxis(axis, op: "max")
        let (outer, length, inner) = splitSizes(around: axis)
        let winners = argmax(axis: axis)
        var kept = shape
        kept[axis] = 1
        let result = Tensor(uninitializedShape: kept)
        let p = storage.pointer, out = result.storage.pointer
        for o in 0..<outer {
            for i in 0..<inner { out[o * inner + i] = p[(o * length + winners.scalars[o * inner + i]) * inner + i] }
        }
        let output = keepingDimensions ? result : result.reshapedUntracked(winners.shape)
        return output.recorded("maxAxis", [self]) { [shape] g in
            let dx = Tensor.zeros(shape)
            let d = dx.storage.pointer, pg = g.storage.pointer
            for o in 0..<outer {
                for i in 0..<inner { d[(o * length + winners.scalars[o * inner + i]) * inner + i] = pg[o * inner + i] }
            }
            return [dx]
        }
    }
}
