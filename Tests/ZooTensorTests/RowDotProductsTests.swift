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
}
