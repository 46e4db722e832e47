// Shape arithmetic shared by the element-wise ops: NumPy broadcasting and its reverse (sumTo).

enum Broadcasting {
    /// The broadcast shape of `a` and `b` (NumPy rules), or a failure naming the op and both shapes.
    static func shape(_ a: [Int], _ b: [Int], op: String) -> [Int] {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            precondition(da == db || da == 1 || db == 1,
                         "\(op): shapes \(a) and \(b) cannot be broadcast together (dimension \(i): \(da) vs \(db))")
            result[i] = da == 1 ? db : da
        }
        return result
    }

    /// Row-major strides of `shape` aligned to `outputShape` (left-padded), 0 where broadcast.
    static func strides(of shape: [Int], in outputShape: [Int]) -> [Int] {
        let offset = outputShape.count - shape.count
        var strides = [Int](repeating: 0, count: outputShape.count)
        var running = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i + offset] = shape[i] == 1 ? 0 : running
            running *= shape[i]
        }
        return strides
    }

    /// Iterates `outputShape` as rows of its (coalesced) innermost dimension. For each row calls
    /// `body(offsets, length, innerStrides)` with one starting offset per operand.
    static func forEachRow(
        outputShape: [Int], operandStrides: [[Int]],
        _ body: (_ offsets: UnsafeBufferPointer<Int>, _ length: Int, _ innerStrides: UnsafeBufferPointer<Int>) -> Void
    ) {
        guard let rows = RowWalk(outputShape: outputShape, operandStrides: operandStrides) else { return }
        rows.walk(0..<rows.count, body)
    }

    /// `forEachRow` for ops that write each output element once and read only their inputs
    /// (element-wise maps, copies): large shapes are split into runs of whole rows across
    /// threads (`Threading.parallelChunks`), so the result is the same at any thread count.
    /// `body` must be safe to call concurrently for different rows.
    static func forEachRowInParallel(
        outputShape: [Int], operandStrides: [[Int]],
        _ body: (_ offsets: UnsafeBufferPointer<Int>, _ length: Int, _ innerStrides: UnsafeBufferPointer<Int>) -> Void
    ) {
        guard let rows = RowWalk(outputShape: outputShape, operandStrides: operandStrides) else { return }
        Tensor.parallelRows(rows.count, rowLength: rows.length) { range in rows.walk(range, body) }
    }
}

/// The rows of a broadcast iteration: size-1 dimensions dropped, dimensions that are contiguous
/// for every operand merged, the innermost one the row.
private struct RowWalk {
    /// Sizes of the outer (row-indexing) dimensions, then the row length last.
    let sizes: [Int]
    /// Per operand, its stride in each dimension of `sizes`.
    let strides: [[Int]]
    /// Number of rows and elements per row.
    let count: Int, length: Int

    init?(outputShape: [Int], operandStrides: [[Int]]) {
        if outputShape.contains(0) { return nil }
        let operandCount = operandStrides.count
        var sizes: [Int] = []
        var strides: [[Int]] = Array(repeating: [], count: operandCount)
        for d in 0..<outputShape.count where outputShape[d] != 1 {
            if let last = sizes.last,
               (0..<operandCount).allSatisfy({ strides[$0].last! == operandStrides[$0][d] * outputShape[d] }) {
                sizes[sizes.count - 1] = last * outputShape[d]
                for k in 0..<operandCount { strides[k][strides[k].count - 1] = operandStrides[k][d] }
            } else {
                sizes.append(outputShape[d])
                for k in 0..<operandCount { strides[k].append(operandStrides[k][d]) }
            }
        }
        if sizes.isEmpty { sizes = [1]; for k in 0..<operandCount { strides[k] = [0] } }
        self.sizes = sizes
        self.strides = strides
        length = sizes[sizes.count - 1]
        count = sizes.dropLast().reduce(1, *)
    }

    /// Calls `body` for rows `range` (row-major order over the outer dimensions).
    func walk(
        _ range: Range<Int>,
        _ body: (_ offsets: UnsafeBufferPointer<Int>, _ length: Int, _ innerStrides: UnsafeBufferPointer<Int>) -> Void
    ) {
        if range.isEmpty { return }
        let operandCount = strides.count
        let inner = sizes.count - 1
        let innerStrides = (0..<operandCount).map { strides[$0][inner] }
        // The outer counter of the first row, like an odometer reading, and its offsets.
        var counter = [Int](repeating: 0, count: inner)
        var remainder = range.lowerBound
        var d = inner - 1
        while d >= 0 {
            counter[d] = remainder % sizes[d]
            remainder /= sizes[d]
            d -= 1
        }
        var offsets = (0..<operandCount).map { k in (0..<inner).reduce(0) { $0 + counter[$1] * strides[k][$1] } }
        innerStrides.withUnsafeBufferPointer { innerBuffer in
            for _ in range {
                offsets.withUnsafeBufferPointer { body($0, length, innerBuffer) }
                // Advance the outer counter like an odometer.
                var d = inner - 1
                while d >= 0 {
                    counter[d] += 1
                    for k in 0..<operandCount { offsets[k] += strides[k][d] }
                    if counter[d] < sizes[d] { break }
                    for k in 0..<operandCount { offsets[k] -= strides[k][d] * sizes[d] }
                    counter[d] = 0
                    d -= 1
                }
            }
        }
    }
}

extension Tensor {
    /// Sums this tensor down to `target`, the shape it was broadcast from (the backward of broadcasting).
    public func sum(toShape target: [Int]) -> Tensor {
        if target == shape { return self }
        let targetCount = target.reduce(1, *)
        precondition(Broadcasting.shape(target, shape, op: "sum(toShape:)") == shape,
                     "sum(toShape:): \(target) does not broadcast to \(shape)")
        let result = Tensor.zeros(target)
        let source = storage.pointer, destination = result.storage.pointer
        if targetCount == 1 {
            var total: Float = 0
            for i in 0..<count { total += source[i] }
            destination[0] = total
        } else {
            let strides = [Broadcasting.strides(of: shape, in: shape), Broadcasting.strides(of: target, in: shape)]
            Broadcasting.forEachRow(outputShape: shape, operandStrides: strides) { offsets, length, inner in
                let s = source + offsets[0], d = destination + offsets[1]
                let ss = inner[0], ds = inner[1]
                if ds == 0 {
                    var total: Float = 0
                    for i in 0..<length { total += s[i &* ss] }
                    d[0] += total
                } else {
                    for i in 0..<length { d[i &* ds] += s[i &* ss] }
                }
            }
        }
        return result.recorded("sumToShape", [self]) { [shape] g in [g.broadcast(to: shape)] }
    }

    /// This tensor repeated along broadcast dimensions to `target` (a copy).
    public func broadcast(to target: [Int]) -> Tensor {
        if target == shape { return self }
        precondition(Broadcasting.shape(shape, target, op: "broadcast(to:)") == target,
                     "broadcast(to:): \(shape) cannot be broadcast to \(target)")
        let result = Tensor(uninitializedShape: target)
        let source = storage.pointer, destination = result.storage.pointer
        let strides = [Broadcasting.strides(of: target, in: target), Broadcasting.strides(of: shape, in: target)]
        Broadcasting.forEachRowInParallel(outputShape: target, operandStrides: strides) { offsets, length, inner in
            let d = destination + offsets[0], s = source + offsets[1]
            let ds = inner[0], ss = inner[1]
            for i in 0..<length { d[i &* ds] = s[i &* ss] }
        }
        return result.recorded("broadcast", [self]) { [shape] g in [g.sum(toShape: shape)] }
    }
}
