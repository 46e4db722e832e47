// The search kernel gives the dot products a matrix product gives, for any query count and width.
import Testing
import ZooTensor

@Suite("Row dot products")
struct RowDotProductsTests {
    @Test("scores equal matmul(queries, rowsᵀ) for 1 to 9 queries and widths with and without a tail", arguments: [1, 3, 4, 5, 9])
    func matchesMatmul(queryCount: Int) {
        for width in [8, 37, 512] {
            var generator = RandomGenerator(seed: UInt64(queryCount * 1000 + width))
            let rows = Tensor.randomNormal([1031, width], using: &generator), queries = Tensor.randomNormal([queryCount, width], using: &generator)
            let expected = Tensor.matmul(queries, rows, transposeB: true).scalars
            var found = [Float](repeating: .nan, count: queryCount * 1031)
            rows.withUnsafeBufferPointer { r in
                queries.withUnsafeBufferPointer { q in
                    found.withUnsafeMutableBufferPointer { RowDotProducts.scores(rows: r.baseAddress!, count: 1031, width: width, queries: q.baseAddress!,
                                                                                queryCount: queryCount, into: $0.baseAddress!) }
                }
            }
            let largest = zip(found, expected).map { abs($0 - $1) / Swift.max(1, abs($1)) }.max() ?? .infinity
            // Float32 sums in another order: rounding differences only (a wrong row or query would differ by O(1)).
            #expect(largest < 1e-4, "width \(width): \(largest)")
        }
    }

    @Test("float16 rows give bit for bit the scores of the same values widened to float32", arguments: [1, 3, 5, 9])
    func halfRowsMatchWidenedRows(queryCount: Int) {
        for width in [8, 37, 512] {
            var generator = RandomGenerator(seed: UInt64(queryCount * 7 + width))
            let halves = Tensor.randomNormal([517, width], using: &generator).scalars.map { Float16($0) }
            let widened = halves.map { Float($0) }
            let queries = Tensor.randomNormal([queryCount, width], using: &generator).scalars
            var fromHalves = [Float](repeating: .nan, count: queryCount * 517), fromFloats = fromHalves
            queries.withUnsafeBufferPointer { q in
                halves.withUnsafeBufferPointer { r in
                    fromHalves.withUnsafeMutableBufferPointer { RowDotProducts.scores(halfRows: r.baseAddress!, count: 517, width: width, queries: q.baseAddress!,
                                                                                     queryCount: queryCount, into: $0.baseAddress!) }
                }
                widened.withUnsafeBufferPointer { r in
                    fromFloats.withUnsafeMutableBufferPointer { RowDotProducts.scores(rows: r.baseAddress!, count: 517, width: width, queries: q.baseAddress!,
                                                                                     queryCount: queryCount, into: $0.baseAddress!) }
                }
            }
            #expect(fromHalves.map(\.bitPattern) == fromFloats.map(\.bitPattern), "width \(width)")
        }
    }
}
