import Testing
@testable import ZooTensor
import ZooTestSupport

/// Element-wise ops, copies, softmax and layer norm split large tensors across threads. Each
/// output element must come out of the same arithmetic as in one pass, so every result below is
/// compared bit for bit between one thread and several. Shapes are above the split threshold
/// (`Tensor.elementwiseGrain`) and not multiples of 16, so that chunk edges and SIMD tails meet.
@Suite("Element-wise ops on several threads")
struct ParallelElementwiseTests {
    /// The bit patterns of `body`'s outputs with `threads` threads.
    private func bits(threads: Int, _ body: () -> [Tensor]) -> [[UInt32]] {
        Threading.withThreads(threads) { body().map { $0.scalars.map(\.bitPattern) } }
    }

    /// Expects the same bits on 2 and 3 threads as on 1, naming the first differing element.
    private func expectSameBitsOnAnyThreadCount(_ body: () -> [Tensor], sourceLocation: SourceLocation = #_sourceLocation) {
        let reference = bits(threads: 1, body)
        for threads in [2, 3] {
            let other = bits(threads: threads, body)
            for (output, (expected, actual)) in zip(reference, other).enumerated() {
                #expect(expected.count == actual.count, sourceLocation: sourceLocation)
                let first = expected.indices.first { $0 < actual.count && expected[$0] != actual[$0] }
                #expect(first == nil, "output \(output), \(threads) threads: element \(first ?? -1) differs",
                        sourceLocation: sourceLocation)
            }
        }
    }

    /// Runs `forward` on fresh copies of `inputs` (gradients on), back-propagates a fixed random
    /// seed, and returns the output followed by every input's gradient.
    private func outputAndGradients(_ inputs: [Tensor], _ forward: ([Tensor]) -> Tensor) -> [Tensor] {
        let leaves = inputs.map { input -> Tensor in
            let leaf = input.detached()
            leaf.requiresGrad = true
            return leaf
        }
        let output = forward(leaves)
        output.backward(Tensor.randomUniform(output.shape, low: -1, high: 1, seed: 7))
        return [output] + leaves.map { $0.grad! }
    }

    @Test("chunks cover every index once, at multiples of the alignment, and only above the grain")
    func chunksCoverEveryIndexOnce() {
        func chunks(threads: Int, count: Int, grain: Int) -> [Range<Int>] {
            let lock = SpinLock()
            var seen: [Range<Int>] = []
            Threading.withThreads(threads) {
                Threading.parallelChunks(count, grain: grain) { range in
                    lock.lock()
                    seen.append(range)
                    lock.unlock()
                }
            }
            return seen.sorted { $0.lowerBound < $1.lowerBound }
        }
        let split = chunks(threads: 2, count: 100_003, grain: 10_000)
        #expect(split.count == 8)
        #expect(split.first?.lowerBound == 0 && split.last?.upperBound == 100_003)
        #expect(zip(split, split.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        #expect(split.allSatisfy { $0.lowerBound % 16 == 0 })
        #expect(chunks(threads: 1, count: 100_003, grain: 10_000) == [0..<100_003])
        #expect(chunks(threads: 2, count: 15_000, grain: 10_000) == [0..<15_000])
    }

    @Test("QuickGELU and its gradient")
    func quickGELU() {
        let x = Tensor.randomUniform([701, 201], low: -4, high: 4, seed: 1)
        expectSameBitsOnAnyThreadCount { outputAndGradients([x]) { $0[0].quickGELU() } }
    }

    @Test("add, multiply and divide: same shapes, a broadcast bias, a scalar, scalar minus tensor")
    func broadcastArithmetic() {
        let a = Tensor.randomUniform([3, 233, 201], low: -1, high: 1, seed: 2)
        let b = Tensor.randomUniform([3, 233, 201], low: 0.5, high: 2, seed: 3)
        let bias = Tensor.randomUniform([201], low: -1, high: 1, seed: 4)
        let column = Tensor.randomUniform([233, 1], low: 0.5, high: 2, seed: 5)
        let scalar = Tensor.randomUniform([1], low: 0.5, high: 2, seed: 6)
        expectSameBitsOnAnyThreadCount {
            outputAndGradients([a, b, bias, column, scalar]) { t in
                (t[0] * t[1] + t[2]) / t[3] - t[4] * t[0] + (1.5 - t[1])
            }
        }
    }

    // 3200 rows of 101: nine chunks, so 2 and 3 threads split them differently (8 and 9 pieces).
    @Test("permute and broadcast copies")
    func copies() {
        let x = Tensor.randomUniform([16, 50, 4, 101], low: -1, high: 1, seed: 8)
        let row = Tensor.randomUniform([1, 50, 1, 101], low: -1, high: 1, seed: 9)
        expectSameBitsOnAnyThreadCount {
            outputAndGradients([x, row]) { t in t[0].permuted([0, 2, 1, 3]) * t[1].broadcast(to: [16, 50, 4, 101]).permuted([0, 2, 1, 3]) }
        }
    }

    @Test("filled tensors")
    func filled() {
        let values = Threading.withThreads(2) { Tensor(repeating: 2.5, shape: [701, 201]).scalars }
        #expect(values.allSatisfy { $0 == 2.5 })
    }

    @Test("softmax over the last axis and over a middle one, and log-softmax")
    func softmax() {
        let x = Tensor.randomUniform([61, 50, 101], low: -6, high: 6, seed: 10)
        expectSameBitsOnAnyThreadCount { outputAndGradients([x]) { $0[0].softmax(axis: -1) } }
        expectSameBitsOnAnyThreadCount { outputAndGradients([x]) { $0[0].softmax(axis: 1) } }
        expectSameBitsOnAnyThreadCount { outputAndGradients([x]) { $0[0].logSoftmax(axis: -1) } }
    }

    @Test("layer norm: output, input gradient, weight and bias gradients")
    func layerNorm() {
        let x = Tensor.randomUniform([1601, 257], low: -3, high: 3, seed: 11)
        let weight = Tensor.randomUniform([257], low: 0.5, high: 1.5, seed: 12)
        let bias = Tensor.randomUniform([257], low: -0.5, high: 0.5, seed: 13)
        expectSameBitsOnAnyThreadCount {
            outputAndGradients([x, weight, bias]) { $0[0].layerNorm(weight: $0[1], bias: $0[2], eps: 1e-5) }
        }
        // A frozen weight and bias (no gradients asked for): the input gradient alone.
        expectSameBitsOnAnyThreadCount {
            outputAndGradients([x]) { $0[0].layerNorm(weight: weight, bias: bias, eps: 1e-5) }
        }
    }

    /// The weight and bias gradients are summed per column over rows in row order, as the
    /// single-pass loop before the split did: the same bits as that loop, written out here.
    @Test("layer norm's weight and bias gradients equal the row-order sums bit for bit")
    func layerNormParameterGradientsMatchRowOrderSums() {
        let (rows, width) = (1601, 257)
        let x = Tensor.randomUniform([rows, width], low: -3, high: 3, seed: 14)
        let weight = Tensor.randomUniform([width], low: 0.5, high: 1.5, seed: 15)
        let bias = Tensor.randomUniform([width], low: -0.5, high: 0.5, seed: 16)
        let gradients = Threading.withThreads(2) {
            outputAndGradients([weight, bias]) { x.layerNorm(weight: $0[0], bias: $0[1], eps: 1e-5) }
        }
        // x̂ as the forward computes it, and the upstream gradient `outputAndGradients` seeds.
        let xs = x.scalars, seed = Tensor.randomUniform([rows, width], low: -1, high: 1, seed: 7).scalars
        var dw = [Float](repeating: 0, count: width), db = [Float](repeating: 0, count: width)
        for r in 0..<rows {
            var sum: Double = 0
            for i in 0..<width { sum += Double(xs[r * width + i]) }
            let mean = sum / Double(width)
            var squares: Double = 0
            for i in 0..<width { let d = Double(xs[r * width + i]) - mean; squares += d * d }
            let inverse = Float(1 / (squares / Double(width) + 1e-5).squareRoot())
            for i in 0..<width {
                let normalized = (xs[r * width + i] - Float(mean)) * inverse
                dw[i] += seed[r * width + i] * normalized
                db[i] += seed[r * width + i]
            }
        }
        for (name, actual, expected) in [("weight", gradients[1].scalars, dw), ("bias", gradients[2].scalars, db)] {
            let first = expected.indices.first { actual[$0].bitPattern != expected[$0].bitPattern }
            #expect(first == nil, "\(name) gradient: column \(first ?? -1) differs from the row-order sum")
        }
    }
}
