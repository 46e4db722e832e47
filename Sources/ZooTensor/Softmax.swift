// Fused softmax and log-softmax over any axis: one pass for the maximum, one for exp and the
import Foundation
// sum, one to scale; the backward passes are fused the same way.

extension Tensor {
    /// softmax along `axis`: exp(x − max) / Σ exp(x − max).
    public func softmax(axis: Int = -1) -> Tensor {
        let axis = normalizedAxis(axis, op: "softmax")
        let output = normalizedExponentials(axis: axis, logarithm: false)
        let (outer, length, inner) = splitSizes(around: axis)
        return output.recorded("softmax", [self]) { [unowned output] g in
            // dx = y ⊙ (g − Σ g⊙y)
            let dx = Tensor(uninitializedShape: g.shape)
            let y = output.storage.pointer, pg = g.storage.pointer, d = dx.storage.pointer
            Tensor.forEachLine(outer: outer, length: length, inner: inner) { base, step in
                var dot: Float = 0
                for l in 0..<length { dot += pg[base + l * step] * y[base + l * step] }
                for l in 0..<length { let j = base + l * step; d[j] = y[j] * (pg[j] - dot) }
            }
            return [dx]
        }
    }

    /// log softmax along `axis`: x − max − log Σ exp(x − max).
    public func logSoftmax(axis: Int = -1) -> Tensor {
        let axis = normalizedAxis(axis, op: "logSoftmax")
        let output = normalizedExponentials(axis: axis, logarithm: true)
        let (outer, length, inner) = splitSizes(around: axis)
        return output.recorded("logSoftmax", [self]) { [unowned output] g in
            // dx = g − softmax ⊙ Σ g
            let dx = Tensor(uninitializedShape: g.shape)
            let y = output.storage.pointer, pg = g.storage.pointer, d = dx.storage.pointer
            FastMath.exp(y, d, count: dx.count)                        // d = softmax, vectorised, then
            Tensor.forEachLine(outer: outer, length: length, inner: inner) { base, step in
                var total: Float = 0
                for l in 0..<length { total += pg[base + l * step] }
                for l in 0..<length { let j = base + l * step; d[j] = pg[j] - d[j] * total }
            }
            return [dx]
        }
    }

    /// Calls `body(start, stride)` for every line along the reduced axis. Lines are independent
    /// (each call reads and writes only its own line), so many lines are split across threads
    /// (same bits at any thread count).
    static func forEachLine(outer: Int, length: Int, inner: Int, _ body: (Int, Int) -> Void) {
        let lines = outer * inner
        parallelRows(lines, rowLength: length) { range in
            for line in range {
                let (o, i) = line.quotientAndRemainder(dividingBy: inner)
                body(o * length * inner + i, inner)
            }
        }
    }

    /// The untracked forward of softmax (or log-softmax) along `axis`.
    func normalizedExponentials(axis: Int, logarithm: Bool) -> Tensor {
        let (outer, length, inner) = splitSizes(around: axis)
        let result = Tensor(uninitializedShape: shape)
        let x = storage.pointer, y = result.storage.pointer
        if inner == 1 {
            // Last axis: contiguous rows (lines of step 1), vectorised exp.
            Tensor.forEachLine(outer: outer, length: length, inner: 1) { base, _ in
                let row = x + base, out = y + base
                var maximum = -Float.infinity
                for l in 0..<length where row[l] > maximum { maximum = row[l] }
                if maximum == -.infinity { maximum = 0 }   // an all −∞ row gives NaN as in PyTorch
                for l in 0..<length { out[l] = row[l] - maximum }
                FastMath.exp(out, out, count: length)
                var total: Float = 0
                for l in 0..<length { total += out[l] }
                if logarithm {
                    let logTotal = Foundation.log(total)
                    for l in 0..<length { out[l] = row[l] - maximum - logTotal }
                } else {
                    let scale = 1 / total
                    for l in 0..<length { out[l] *= scale }
                }
            }
        } else {
            Tensor.forEachLine(outer: outer, length: length, inner: inner) { base, step in
                var maximum = -Float.infinity
                for l in 0..<length where x[base + l * step] > maximum { maximum = x[base + l * step] }
                if maximum == -.infinity { maximum = 0 }
                var total: Float = 0
                for l in 0..<length {
                    let e = FastMath.exp(x[base + l * step] - maximum)
                    y[base + l * step] = e
                    total += e
                }
                if logarithm {
                    let logTotal = Foundation.log(total)
                    for l in 0..<length { y[base + l * step] = x[base + l * step] - maximum - logTotal }
                } else {
                    for l in 0..<length { y[base + l * step] /= total }
                }
            }
        }
        return result
    }
}
