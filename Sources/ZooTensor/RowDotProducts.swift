// Scores of a few query vectors against many stored rows, for search: a matrix–vector product
// is bound by memory bandwidth, so the rows are read once, each row against up to four queries
// at a time, with eight-wide SIMD accumulators (AVX2 under the package's kernel flags), the rows
// split across threads. A general GEMM would first pack the whole row matrix for one query.
// Rows may be stored as float16 (half the bytes to read): each value is widened exactly to
// float32 as it is loaded (F16C) and summed in the same order, so the scores are bit for bit those
// of the widened rows.
import Foundation

/// A stored row's scalar: float32, or float16 widened exactly as it is read.
protocol RowScalar {
    /// Eight values from `pointer`, as float32.
    static func loadEight(_ pointer: UnsafePointer<Self>) -> SIMD8<Float>
    /// One value, as float32.
    static func widened(_ value: Self) -> Float
}

extension Float: RowScalar {
    @inline(__always) static func loadEight(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }
    @inline(__always) static func widened(_ value: Float) -> Float { value }
}

extension Float16: RowScalar {
    @inline(__always) static func loadEight(_ pointer: UnsafePointer<Float16>) -> SIMD8<Float> {
        SIMD8<Float>(UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float16>.self))
    }
    @inline(__always) static func widened(_ value: Float16) -> Float { Float(value) }
}

/// `scores[q, n] = Σ_d queries[q, d] · rows[n, d]` for a few queries.
public enum RowDotProducts {
    /// Fills `scores` (`[queryCount, count]`, row-major) for `rows` `[count, width]` and `queries`
    /// `[queryCount, width]`, both row-major float32. Any `width` (a tail shorter than 8 is
    /// summed one by one); threads split the rows.
    public static func scores(rows: UnsafePointer<Float>, count: Int, width: Int, queries: UnsafePointer<Float>,
                              queryCount: Int, into scores: UnsafeMutablePointer<Float>) {
        fill(rows: rows, count: count, width: width, queries: queries, queryCount: queryCount, into: scores)
    }

    /// `scores(rows:…)` for rows stored as float16 `[count, width]`: the same sums, in the same
    /// order, of the exactly widened values, reading half the bytes.
    public static func scores(halfRows rows: UnsafePointer<Float16>, count: Int, width: Int, queries: UnsafePointer<Float>,
                              queryCount: Int, into scores: UnsafeMutablePointer<Float>) {
        fill(rows: rows, count: count, width: width, queries: queries, queryCount: queryCount, into: scores)
    }

    private static func fill<Scalar: RowScalar>(rows: UnsafePointer<Scalar>, count: Int, width: Int, queries: UnsafePointer<Float>,
                                                queryCount: Int, into scores: UnsafeMutablePointer<Float>) {
        guard count > 0, queryCount > 0 else { return }
        let rowsAddress = Int(bitPattern: rows), queriesAddress = Int(bitPattern: queries), scoresAddress = Int(bitPattern: scores)
        Tensor.parallelRows(count, rowLength: width * Swift.min(queryCount, 4)) { range in
            let rows = UnsafePointer<Scalar>(bitPattern: rowsAddress)!
            let queries = UnsafePointer<Float>(bitPattern: queriesAddress)!
            let scores = UnsafeMutablePointer<Float>(bitPattern: scoresAddress)!
            var first = 0
            if queryCount == 1 {
                // One query: four independent accumulators, so the multiply-adds of a row do not
                // wait on each other (one chain would be bound by the FMA latency, not by memory).
                let query = queries
                for row in range {
                    let base = rows + row * width
                    var a = SIMD8<Float>(), b = SIMD8<Float>(), c = SIMD8<Float>(), e = SIMD8<Float>()
                    var d = 0
                    while d + 32 <= width {
                        a += Scalar.loadEight(base + d) * UnsafeRawPointer(query + d).loadUnaligned(as: SIMD8<Float>.self)
                        b += Scalar.loadEight(base + d + 8) * UnsafeRawPointer(query + d + 8).loadUnaligned(as: SIMD8<Float>.self)
                        c += Scalar.loadEight(base + d + 16) * UnsafeRawPointer(query + d + 16).loadUnaligned(as: SIMD8<Float>.self)
                        e += Scalar.loadEight(base + d + 24) * UnsafeRawPointer(query + d + 24).loadUnaligned(as: SIMD8<Float>.self)
                        d += 32
                    }
                    while d + 8 <= width {
                        a += Scalar.loadEight(base + d) * UnsafeRawPointer(query + d).loadUnaligned(as: SIMD8<Float>.self)
                        d += 8
                    }
                    var total = ((a + b) + (c + e)).sum()
                    while d < width { total += Scalar.widened(base[d]) * query[d]; d += 1 }
                    scores[row] = total
                }
                return
            }
            while first < queryCount {
                let group = Swift.min(4, queryCount - first)
                for row in range {
                    let base = rows + row * width
                    var sums = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
                    var d = 0
                    while d + 8 <= width {
                        let value = Scalar.loadEight(base + d)
                        let q = queries + first * width + d
                        sums.0 += value * UnsafeRawPointer(q).loadUnaligned(as: SIMD8<Float>.self)
                        if group > 1 { sums.1 += value * UnsafeRawPointer(q + width).loadUnaligned(as: SIMD8<Float>.self) }
                        if group > 2 { sums.2 += value * UnsafeRawPointer(q + 2 * width).loadUnaligned(as: SIMD8<Float>.self) }
                        if group > 3 { sums.3 += value * UnsafeRawPointer(q + 3 * width).loadUnaligned(as: SIMD8<Float>.self) }
                        d += 8
                    }
                    var totals = SIMD4<Float>(sums.0.sum(), sums.1.sum(), sums.2.sum(), sums.3.sum())
                    while d < width {
                        for g in 0..<group { totals[g] += Scalar.widened(base[d]) * queries[(first + g) * width + d] }
                        d += 1
                    }
                    for g in 0..<group { scores[(first + g) * count + row] = totals[g] }
                }
                first += group
            }
        }
    }
}
