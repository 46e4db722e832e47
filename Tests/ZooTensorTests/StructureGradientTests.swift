import Testing
@testable import ZooTensor
import ZooTestSupport

@Suite("Reductions, shape ops and indexing match finite differences")
struct StructureGradientTests {
    @Test("sums and means over every axis, kept or dropped")
    func sumsAndMeans() {
        let x = trainable([2, 3, 4], seed: 11)
        expectGradientsMatch([x]) { $0[0].sum() }
        expectGradientsMatch([x]) { $0[0].mean() }
        for axis in [0, 1, 2, -1] {
            expectGradientsMatch([x]) { $0[0].sum(axis: axis) }
            expectGradientsMatch([x]) { $0[0].mean(axis: axis, keepingDimensions: true) }
        }
        expectGradientsMatch([x]) { $0[0].sum(axes: [0, 2]) }
        expectGradientsMatch([x]) { $0[0].mean(axes: [1, 2], keepingDimensions: true) }
    }

    @Test("sum values over an axis")
    func sumValues() {
        let x = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        #expect(x.sum(axis: 0).scalars == [5, 7, 9])
        #expect(x.sum(axis: 1, keepingDimensions: true).shape == [2, 1])
        #expect(x.sum(axis: -1).scalars == [6, 15])
        #expect(x.mean().item == 3.5)
    }

    @Test("max sends the gradient to the largest element; argmax picks the first on ties")
    func maxAndArgmax() {
        let x = trainable([3, 4], seed: 12)
        expectGradientsMatch([x]) { $0[0].max(axis: 1) }
        expectGradientsMatch([x]) { $0[0].max(axis: 0, keepingDimensions: true) }
        let ties = Tensor([1, 5, 5, 2, 7, 7, 7, 0], shape: [2, 4])
        #expect(ties.argmax(axis: 1).scalars == [1, 0])
        #expect(ties.argmax(axis: 0).scalars == [1, 1, 1, 0])
    }

    @Test("reshape, permute, transpose, slice, select")
    func reshapingOps() {
        let x = trainable([2, 3, 4], seed: 13)
        expectGradientsMatch([x]) { $0[0].reshaped([6, -1]) }
        expectGradientsMatch([x]) { $0[0].permuted([2, 0, 1]) }
        expectGradientsMatch([x]) { $0[0].transposed(0, 2) }
        expectGradientsMatch([x]) { $0[0].slice(axis: 1, 1..<3) }
        expectGradientsMatch([x]) { $0[0].select(axis: 2, index: 3) }
        expectGradientsMatch([x]) { $0[0].flattened(from: 1) }
    }

    @Test("permute moves elements where NumPy's transpose puts them")
    func permuteValues() {
        let x = Tensor((0..<24).map(Float.init), shape: [2, 3, 4])
        let p = x.permuted([2, 0, 1])
        #expect(p.shape == [4, 2, 3])
        // p[k, i, j] = x[i, j, k]
        #expect(p.scalars[((3 * 2) + 1) * 3 + 2] == x.scalars[(1 * 3 + 2) * 4 + 3])
        #expect(Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]).transposed().scalars == [1, 4, 2, 5, 3, 6])
    }

    @Test("concatenate, stack and split")
    func joinAndSplit() {
        let a = trainable([2, 3], seed: 14), b = trainable([2, 2], seed: 15), c = trainable([2, 3], seed: 16)
        expectGradientsMatch([a, b]) { Tensor.concatenate([$0[0], $0[1]], axis: 1) }
        expectGradientsMatch([a, c]) { Tensor.stack([$0[0], $0[1]], axis: 1) }
        expectGradientsMatch([a]) { x in
            let parts = x[0].split(axis: 1, sizes: [1, 2])
            return parts[0] * 2 + parts[1].sum(axis: 1, keepingDimensions: true)
        }
        #expect(Tensor.concatenate([Tensor([1, 2]), Tensor([3])], axis: 0).scalars == [1, 2, 3])
        #expect(Tensor.stack([Tensor([1, 2]), Tensor([3, 4])], axis: 1).scalars == [1, 3, 2, 4])
    }

    @Test("broadcast(to:) and sum(toShape:) are adjoint")
    func broadcastAndSumTo() {
        let x = trainable([3, 1], seed: 17)
        expectGradientsMatch([x]) { $0[0].broadcast(to: [2, 3, 4]) }
        let y = trainable([2, 3, 4], seed: 18)
        expectGradientsMatch([y]) { $0[0].sum(toShape: [3, 1]) }
    }

    @Test("embedding lookup accumulates gradients of repeated ids")
    func embeddingLookup() {
        let table = trainable([5, 3], seed: 19)
        let ids = IntTensor(rows: [[0, 4, 4], [2, 0, 1]])
        expectGradientsMatch([table]) { $0[0].embeddingLookup(ids) }
        let rows = table.embeddingLookup(ids)
        #expect(rows.shape == [2, 3, 3])
        #expect(Array(rows.scalars[3..<6]) == Array(table.scalars[12..<15]))
    }

    @Test("indexSelect and gather")
    func selectAndGather() {
        let x = trainable([3, 4], seed: 20)
        expectGradientsMatch([x]) { $0[0].indexSelect(axis: 1, indices: IntTensor([3, 0, 3])) }
        let index = IntTensor(rows: [[1], [3], [0]])
        expectGradientsMatch([x]) { $0[0].gather(axis: 1, index: index) }
        let values = Tensor([10, 11, 12, 13, 20, 21, 22, 23], shape: [2, 4])
        #expect(values.gather(axis: 1, index: IntTensor(rows: [[2, 0], [3, 3]])).scalars == [12, 10, 23, 23])
    }

    @Test("maskedFill blocks the gradient where it fills, even with −∞")
    func maskedFill() {
        let x = trainable([2, 3], seed: 21)
        let mask = Tensor([0, 1, 0], shape: [1, 3])
        expectGradientsMatch([x]) { $0[0].maskedFill(mask, with: 7) }
        let filled = x.maskedFill(mask, with: -.infinity)
        #expect(filled.scalars[1] == -.infinity && filled.scalars[0] == x.scalars[0])
        #expect(!filled.softmax().scalars.contains { $0.isNaN })
    }

    @Test("l2Normalized gives unit rows and the right gradient")
    func l2Normalize() {
        let x = trainable([3, 4], seed: 22)
        expectGradientsMatch([x]) { $0[0].l2Normalized() }
        let norms = (x.l2Normalized() * x.l2Normalized()).sum(axis: 1).scalars
        expectClose(norms, [1, 1, 1], absolute: 1e-6)
    }

    @Test("l2Normalized(keepingRows:) zeroes dropped rows, keeps the others' bits, and has finite gradients")
    func l2NormalizeKeepingRows() {
        let x = trainable([2, 3, 4], seed: 23)
        let keep = Tensor([1, 1, 0, 1, 0, 0], shape: [2, 3, 1])
        expectGradientsMatch([x]) { $0[0].l2Normalized(keepingRows: keep) }
        // Padding of zeros: plain normalisation gives 0/0 = NaN; this gives 0, gradients included.
        let padded = Tensor([3, 4, 0, 0, 0, 0, 1, 0], shape: [1, 4, 2], requiresGrad: true)
        let rowsKept = Tensor([1, 0, 0, 1], shape: [1, 4, 1])
        #expect(padded.l2Normalized().scalars.contains { $0.isNaN })
        let normalised = padded.l2Normalized(keepingRows: rowsKept)
        #expect(normalised.scalars == [0.6, 0.8, 0, 0, 0, 0, 1, 0])
        normalised.sum().backward()
        #expect(padded.grad!.scalars.allSatisfy { $0.isFinite })
        #expect(Array(padded.grad!.scalars[2..<6]) == [0, 0, 0, 0])
        let plain = x.l2Normalized().scalars, masked = x.l2Normalized(keepingRows: keep).scalars
        for (row, isKept) in [true, true, false, true, false, false].enumerated() {
            let values = Array(masked[row * 4..<row * 4 + 4])
            #expect(isKept ? values == Array(plain[row * 4..<row * 4 + 4]) : values.allSatisfy { $0 == 0 }, "row \(row)")
        }
    }

    @Test("l2NormalizedKeepingZeroRows leaves zero rows zero and every other row as l2Normalized")
    func l2NormalizeKeepingZeroRows() {
        let x = trainable([3, 4], seed: 24)
        expectGradientsMatch([x]) { $0[0].l2NormalizedKeepingZeroRows() }
        #expect(x.l2NormalizedKeepingZeroRows().scalars == x.l2Normalized().scalars)
        let withZeros = Tensor([0, 0, 0, 3, 0, 4], shape: [2, 3], requiresGrad: true)
        let normalised = withZeros.l2NormalizedKeepingZeroRows()
        #expect(normalised.scalars == [0, 0, 0, 0.6, 0, 0.8])
        normalised.sum().backward()
        #expect(withZeros.grad!.scalars.allSatisfy { $0.isFinite })
    }
}
