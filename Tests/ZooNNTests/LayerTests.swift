import Testing
import ZooNN
import ZooTensor
import ZooTestSupport

@Suite("Layers")
struct LayerTests {
    @Test("Linear is x Wᵀ + b over the last dimension")
    func linear() {
        let layer = Linear(2, 3)
        layer.weight.assign(Tensor(rows: [[1, 0], [0, 1], [1, 1]]))
        layer.bias!.assign(Tensor([0, 0, 10]))
        #expect(layer(Tensor([2, 3], shape: [1, 1, 2])).scalars == [2, 3, 15])
    }

    @Test("multi-head attention equals per-head attention over the packed q, k, v rows")
    func attentionLayout() {
        let attention = GlobalRandom.withSeed(3) { MultiheadAttention(width: 4, heads: 2) }
        attention.inputProjectionBias.assign(Tensor.randomNormal([12], seed: 5))
        let x = Tensor.randomNormal([1, 3, 4], seed: 6)
        let qkv = Tensor.matmul(x, attention.inputProjectionWeight, transposeB: true) + attention.inputProjectionBias
        var heads: [Tensor] = []
        for h in 0..<2 {
            func part(_ p: Int) -> Tensor { qkv.slice(axis: 2, (p * 4 + h * 2)..<(p * 4 + h * 2 + 2)) }
            let scores = Tensor.matmul(part(0), part(1), transposeB: true) * (1 / Float(2).squareRoot())
            heads.append(Tensor.matmul(scores.softmax(), part(2)))
        }
        let expected = attention.outputProjection(Tensor.concatenate(heads, axis: 2))
        expectClose(attention(x).scalars, expected.scalars, absolute: 1e-6)
    }

    @Test("LSTM gradients match finite differences, padded steps included")
    func lstmGradients() {
        let lstm = GlobalRandom.withSeed(4) { LSTM(inputWidth: 3, hiddenWidth: 2) }
        let x = trainable([2, 3, 3], seed: 7)
        expectGradientsMatch([x, lstm.inputWeight, lstm.hiddenWeight, lstm.inputBias]) { inputs in
            lstm(inputs[0], lengths: [3, 2])
        }
    }

    @Test("a transformer block's gradients match finite differences")
    func blockGradients() {
        let block = GlobalRandom.withSeed(8) { ResidualAttentionBlock(width: 4, heads: 2, layerNormEps: 1e-12) }
        let x = trainable([2, 3, 4], seed: 9)
        let mask = Tensor([1, 1, 0, 1, 1, 1], shape: [2, 3])
        expectGradientsMatch([x, block.attention.inputProjectionWeight, block.expand.weight, block.mlpNorm.weight]) { inputs in
            block(inputs[0], keyBias: (1 - mask) * -1_000_000)
        }
    }

    @Test("Conv2d keeps PyTorch's weight layout")
    func convolution() {
        let conv = Conv2d(1, 2, kernelSize: 2, bias: false)
        #expect(conv.weight.shape == [2, 1, 2, 2] && conv.bias == nil)
        #expect(conv(Tensor.zeros([3, 1, 5, 5])).shape == [3, 2, 4, 4])
    }
}
