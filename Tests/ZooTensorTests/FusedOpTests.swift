import Testing
@testable import ZooTensor
import ZooTestSupport

@Suite("Matrix products, softmax, layer norm and losses")
struct FusedOpTests {
    @Test("matmul in all four transpose modes", arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matmulModes(modes: (Bool, Bool)) {
        let a = trainable(modes.0 ? [4, 3] : [3, 4], seed: 31), b = trainable(modes.1 ? [5, 4] : [4, 5], seed: 32)
        expectGradientsMatch([a, b]) { Tensor.matmul($0[0], $0[1], transposeA: modes.0, transposeB: modes.1) }
    }

    // A shared weight on the right with an untransposed batched left operand (Linear) takes its
    // gradient from one GEMM over the stacked rows; the other modes sum per-entry products.
    @Test("batched matmul, and a shared 2-D operand on either side",
          arguments: [(false, false), (false, true), (true, false), (true, true)])
    func batchedMatmul(modes: (Bool, Bool)) {
        let a = trainable(modes.0 ? [2, 3, 4, 3] : [2, 3, 3, 4], seed: 33)
        let b = trainable(modes.1 ? [2, 3, 5, 4] : [2, 3, 4, 5], seed: 34)
        expectGradientsMatch([a, b]) { Tensor.matmul($0[0], $0[1], transposeA: modes.0, transposeB: modes.1) }
        let weight = trainable(modes.1 ? [5, 4] : [4, 5], seed: 35)
        expectGradientsMatch([a, weight]) { Tensor.matmul($0[0], $0[1], transposeA: modes.0, transposeB: modes.1) }
        let left = trainable(modes.0 ? [4, 3] : [3, 4], seed: 36)
        expectGradientsMatch([left, b]) { Tensor.matmul($0[0], $0[1], transposeA: modes.0, transposeB: modes.1) }
    }

    @Test("matmul values")
    func matmulValues() {
        let a = Tensor(rows: [[1, 2], [3, 4]]), b = Tensor(rows: [[5, 6], [7, 8]])
        #expect(Tensor.matmul(a, b).scalars == [19, 22, 43, 50])
        #expect(Tensor.matmul(a, b, transposeA: true).scalars == [26, 30, 38, 44])
        #expect(Tensor.matmul(a, b, transposeB: true).scalars == [17, 23, 39, 53])
    }

    @Test("softmax and log-softmax over every axis", arguments: [0, 1, 2])
    func softmaxAxes(axis: Int) {
        let x = trainable([2, 3, 4], seed: 37, low: -3, high: 3)
        expectGradientsMatch([x]) { $0[0].softmax(axis: axis) }
        expectGradientsMatch([x]) { $0[0].logSoftmax(axis: axis) }
        let rowSums = x.softmax(axis: axis).sum(axis: axis).scalars
        expectClose(rowSums, [Float](repeating: 1, count: rowSums.count), absolute: 1e-6)
    }

    @Test("softmax is shift-invariant and survives large logits")
    func softmaxStability() {
        let x = Tensor([1000, 1001, 1002])
        expectClose(x.softmax().scalars, Tensor([0, 1, 2]).softmax().scalars, absolute: 1e-7)
        expectClose(x.logSoftmax().scalars, [-2.407_606, -1.407_606, -0.407_606], absolute: 1e-5)
    }

    @Test("layer norm with CLIP's and the temporal blocks' eps", arguments: [Float(1e-5), Float(1e-12)])
    func layerNorm(eps: Float) {
        let x = trainable([3, 8], seed: 38, low: -2, high: 2)
        let weight = trainable([8], seed: 39), bias = trainable([8], seed: 40)
        expectGradientsMatch([x, weight, bias]) { $0[0].layerNorm(weight: $0[1], bias: $0[2], eps: eps) }
        let y = x.layerNorm(weight: .ones([8]), bias: .zeros([8]), eps: eps)
        expectClose(y.mean(axis: 1).scalars, [0, 0, 0], absolute: 1e-6)
        expectClose((y * y).mean(axis: 1).scalars, [1, 1, 1], absolute: 1e-4)
    }

    @Test("cross-entropy with labels equals −log softmax at the label")
    func crossEntropyLabels() {
        let logits = trainable([4, 5], seed: 41, low: -2, high: 2)
        let labels = IntTensor([0, 4, 2, 2])
        expectGradientsMatch([logits]) { $0[0].crossEntropy(labels: labels) }
        let manual = -logits.logSoftmax().scalars.enumerated().filter { $0.offset % 5 == labels.scalars[$0.offset / 5] }
            .map(\.element).reduce(0, +) / 4
        expectClose([logits.crossEntropy(labels: labels).item], [manual], absolute: 1e-6)
    }

    @Test("soft-target cross-entropy differentiates both logits and targets")
    func crossEntropySoft() {
        let logits = trainable([3, 4], seed: 42), targets = trainable([3, 4], seed: 43, low: 0, high: 1)
        expectGradientsMatch([logits, targets]) { $0[0].crossEntropy(softTargets: $0[1].softmax()) }
    }

    @Test("symmetric cross-entropy uses the leading square block of rectangular logits")
    func symmetricCrossEntropy() {
        let square = trainable([4, 4], seed: 44), wide = trainable([3, 5], seed: 45)
        expectGradientsMatch([square]) { $0[0].symmetricCrossEntropy() }
        expectGradientsMatch([wide]) { $0[0].symmetricCrossEntropy() }
        let identity = Tensor(rows: [[10, 0], [0, 10]])
        #expect(identity.symmetricCrossEntropy().item < 1e-4)
    }
}
