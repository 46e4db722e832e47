import Testing
@testable import ZooTensor
import ZooTestSupport

@Suite("Element-wise ops match finite differences")
struct ElementwiseGradientTests {
    @Test("add, subtract, multiply and divide broadcast and reduce gradients back",
          arguments: [([3, 4], [3, 4]), ([3, 4], [4]), ([3, 1], [1, 4]), ([2, 3, 4], [3, 1]), ([2, 3], []), ([], [2, 2])])
    func binaryOpsBroadcast(shapes: ([Int], [Int])) {
        let a = trainable(shapes.0, seed: 1), b = trainable(shapes.1, seed: 2, low: 0.5, high: 1.5)
        expectGradientsMatch([a, b]) { $0[0] + $0[1] }
        expectGradientsMatch([a, b]) { $0[0] - $0[1] }
        expectGradientsMatch([a, b]) { $0[0] * $0[1] }
        expectGradientsMatch([a, b]) { $0[0] / $0[1] }
    }

    @Test("broadcasting gives the values NumPy gives")
    func broadcastValues() {
        let column = Tensor([1, 2], shape: [2, 1]), row = Tensor([10, 20, 30], shape: [1, 3])
        #expect((column + row).scalars == [11, 21, 31, 12, 22, 32])
        #expect((column * row).shape == [2, 3])
        #expect((Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]) - Tensor([1, 1, 1])).scalars == [0, 1, 2, 3, 4, 5])
    }

    @Test("maximum and minimum route the gradient to the chosen operand")
    func maximumMinimum() {
        let a = trainable([3, 4], seed: 3), b = trainable([4], seed: 4)
        expectGradientsMatch([a, b]) { Tensor.maximum($0[0], $0[1]) }
        expectGradientsMatch([a, b]) { Tensor.minimum($0[0], $0[1]) }
    }

    @Test("scalar arithmetic")
    func scalarForms() {
        let x = trainable([5], seed: 5, low: 0.5, high: 2)
        expectGradientsMatch([x]) { 3 * $0[0] + 1 }
        expectGradientsMatch([x]) { 2 - $0[0] / 4 }
        expectGradientsMatch([x]) { 1 / $0[0] }
        expectGradientsMatch([x]) { -$0[0] }
    }

    @Test("smooth unary functions")
    func smoothUnary() {
        let x = trainable([4, 5], seed: 6, low: -2, high: 2)
        expectGradientsMatch([x]) { $0[0].exp() }
        expectGradientsMatch([x]) { $0[0].tanh() }
        expectGradientsMatch([x]) { $0[0].sigmoid() }
        expectGradientsMatch([x]) { $0[0].quickGELU() }
        expectGradientsMatch([x]) { $0[0].gelu() }
        expectGradientsMatch([x]) { $0[0].geluTanh() }
        expectGradientsMatch([x]) { $0[0].square() }
    }

    @Test("functions of positive inputs")
    func positiveUnary() {
        let x = trainable([7], seed: 7, low: 0.5, high: 3)
        expectGradientsMatch([x]) { $0[0].log() }
        expectGradientsMatch([x]) { $0[0].sqrt() }
        expectGradientsMatch([x]) { $0[0].pow(1.5) }
    }

    @Test("piecewise functions away from their kinks")
    func piecewiseUnary() {
        let x = Tensor([-1.5, -0.7, -0.2, 0.3, 0.9, 1.6], shape: [6], requiresGrad: true)
        expectGradientsMatch([x]) { $0[0].relu() }
        expectGradientsMatch([x]) { $0[0].abs() }
        expectGradientsMatch([x]) { $0[0].clamped(min: -1, max: 1) }
    }

    @Test("activation values match their definitions")
    func activationValues() {
        let x = Tensor([-3, -1, 0, 0.5, 2, 10])
        let quickGELU: [Float] = x.scalars.map { (v: Float) -> Float in v / (1 + Foundation.exp(-1.702 * v)) }
        let tanh: [Float] = x.scalars.map { (v: Float) -> Float in Foundation.tanh(v) }
        let gelu: [Float] = x.scalars.map { (v: Float) -> Float in 0.5 * v * (1 + Foundation.erf(v * 0.70710678)) }
        expectClose(x.quickGELU().scalars, quickGELU, absolute: 1e-6)
        expectClose(x.tanh().scalars, tanh, absolute: 3e-7)
        expectClose(x.gelu().scalars, gelu, absolute: 1e-6)
        expectClose(x.relu().scalars, [0, 0, 0, 0.5, 2, 10])
    }

    @Test("fast exp stays within 2e-7 relative error over the float range")
    func fastExpAccuracy() {
        var worst: Float = 0
        var x: Float = -87
        while x < 88 {
            let exact = Foundation.exp(Double(x))
            worst = Swift.max(worst, Float(Swift.abs(Double(FastMath.exp(x)) - exact) / exact))
            x += 0.0137
        }
        #expect(worst < 2e-7)
        #expect(FastMath.exp(-200) == 0 && FastMath.exp(-.infinity) == 0 && FastMath.exp(-87.4) == 0)
        #expect(FastMath.exp(-87.3).isNormal)
        #expect(FastMath.exp(200).isFinite)
    }

    @Test("sigmoid and QuickGELU's gradient give 0, not a subnormal, far in the negative tail")
    func sigmoidTailIsZero() throws {
        let x = Tensor([-200, -90, -60, 0, 60], shape: [5], requiresGrad: true)
        let sigmoid = x.sigmoid().scalars
        #expect(sigmoid[0] == 0 && sigmoid[1] == 0 && sigmoid[2].isNormal && sigmoid[3] == 0.5 && sigmoid[4] == 1)
        x.quickGELU().sum().backward()
        let gradient = try #require(x.grad).scalars
        #expect(!gradient.contains { $0.isSubnormal })
        #expect(gradient[0] == 0 && gradient[4] == 1)
    }

    @Test("a softmax row with masked (-inf) entries gives them exactly 0, never a subnormal that slows later products")
    func maskedSoftmaxIsExactlyZero() {
        // A causal mask: row r sees columns 0...r.
        let size = 8
        var scores = [Float](repeating: 0, count: size * size)
        for row in 0..<size { for column in 0..<size { scores[row * size + column] = column <= row ? Float(column) * 0.5 : -.infinity } }
        let probabilities = Tensor(scores, shape: [size, size]).softmax(axis: 1).scalars
        for row in 0..<size { for column in (row + 1)..<size { #expect(probabilities[row * size + column] == 0) } }
        #expect(!probabilities.contains { $0.isSubnormal })
    }
}

import Foundation
