import Testing
@testable import ZooTensor
import ZooTestSupport

@Suite("Convolution, pooling, attention, dropout")
struct LayerOpTests {
    @Test("conv2d with stride, padding and bias", arguments: [(1, 0), (2, 1), (1, 1)])
    func convolution(geometry: (Int, Int)) {
        let x = trainable([2, 2, 5, 5], seed: 51), w = trainable([3, 2, 3, 3], seed: 52), b = trainable([3], seed: 53)
        expectGradientsMatch([x, w, b]) { $0[0].conv2d(weight: $0[1], bias: $0[2], stride: geometry.0, padding: geometry.1) }
    }

    @Test("conv2d values match a hand computation")
    func convolutionValues() {
        let x = Tensor((1...9).map(Float.init), shape: [1, 1, 3, 3])
        let w = Tensor([1, 0, 0, -1], shape: [1, 1, 2, 2])
        #expect(x.conv2d(weight: w, bias: Tensor([0.5])).scalars == [-3.5, -3.5, -3.5, -3.5])
        #expect(x.conv2d(weight: w, padding: 1).shape == [1, 1, 4, 4])
    }

    @Test("max, average and global pooling")
    func pooling() {
        let x = trainable([2, 2, 4, 4], seed: 54)
        expectGradientsMatch([x]) { $0[0].maxPool2d(kernel: 2) }
        expectGradientsMatch([x]) { $0[0].avgPool2d(kernel: 2) }
        expectGradientsMatch([x]) { $0[0].avgPool2d(kernel: 3, stride: 1) }
        expectGradientsMatch([x]) { $0[0].globalAveragePool() }
        let grid = Tensor((0..<16).map(Float.init), shape: [1, 1, 4, 4])
        #expect(grid.maxPool2d(kernel: 2).scalars == [5, 7, 13, 15])
        #expect(grid.avgPool2d(kernel: 2).scalars == [2.5, 4.5, 10.5, 12.5])
    }

    @Test("attention with a key bias and a causal mask")
    func attentionGradients() {
        let q = trainable([2, 2, 3, 4], seed: 55), k = trainable([2, 2, 3, 4], seed: 56), v = trainable([2, 2, 3, 4], seed: 57)
        let bias = Tensor([0, 0, -1e6, 0, 0, 0], shape: [2, 3])
        expectGradientsMatch([q, k, v]) { Tensor.scaledDotProductAttention(query: $0[0], key: $0[1], value: $0[2], additiveKeyBias: bias) }
        expectGradientsMatch([q, k, v]) { Tensor.scaledDotProductAttention(query: $0[0], key: $0[1], value: $0[2], causal: true) }
    }

    @Test("a masked key contributes nothing, and causal query 0 sees only key 0")
    func attentionMasking() {
        let q = Tensor.randomNormal([1, 1, 3, 4], seed: 58), k = Tensor.randomNormal([1, 1, 3, 4], seed: 59)
        let v = Tensor.randomNormal([1, 1, 3, 4], seed: 60)
        let bias = Tensor([0, 0, -1e6], shape: [1, 3])
        let masked = Tensor.scaledDotProductAttention(query: q, key: k, value: v, additiveKeyBias: bias)
        let changedV = Tensor.concatenate([v.slice(axis: 2, 0..<2), Tensor.randomNormal([1, 1, 1, 4], seed: 61)], axis: 2)
        expectClose(masked.scalars, Tensor.scaledDotProductAttention(query: q, key: k, value: changedV, additiveKeyBias: bias).scalars)
        let causal = Tensor.scaledDotProductAttention(query: q, key: k, value: v, causal: true)
        expectClose(Array(causal.scalars[0..<4]), Array(v.scalars[0..<4]))
    }

    @Test("dropout is seeded, keeps the expectation and is the identity in eval mode")
    func dropout() {
        let x = Tensor.ones([10_000])
        var g1 = RandomGenerator(seed: 3), g2 = RandomGenerator(seed: 3)
        let a = x.dropout(0.25, training: true, using: &g1), b = x.dropout(0.25, training: true, using: &g2)
        #expect(a.scalars == b.scalars)
        let kept = a.scalars.filter { $0 != 0 }
        #expect(kept.allSatisfy { Swift.abs($0 - 4.0 / 3.0) < 1e-6 })
        #expect(Swift.abs(Float(kept.count) / 10_000 - 0.75) < 0.02)
        #expect(x.dropout(0.25, training: false, using: &g1) === x)
    }
}
