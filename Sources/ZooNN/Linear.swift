// Basic layers with PyTorch's parameter layouts and default initialisations.
import ZooTensor

/// `y = x Wᵀ + b` over the last dimension. weight `[out, in]`, bias `[out]` (PyTorch layout).
/// Initialised U(−1/√in, 1/√in) like `nn.Linear`, from `GlobalRandom`.
public final class Linear: Module {
    @Parameter public var weight: Tensor
    @OptionalParameter public var bias: Tensor?

    public init(_ inputWidth: Int, _ outputWidth: Int, bias hasBias: Bool = true) {
        let bound = 1 / Float(inputWidth).squareRoot()
        weight = Tensor.randomUniform([outputWidth, inputWidth], low: -bound, high: bound, using: &GlobalRandom.stream.generator)
        bias = hasBias ? Tensor.randomUniform([outputWidth], low: -bound, high: bound, using: &GlobalRandom.stream.generator) : nil
    }

    /// x: `[..., in]` → `[..., out]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.shape.last == weight.shape[1], "Linear: input \(x.shape) does not end in \(weight.shape[1])")
        let y = Tensor.matmul(x, weight, transposeB: true)
        return bias.map { y + $0 } ?? y
    }
}

/// Layer normalisation over the last dimension with learnable scale and shift.
public final class LayerNorm: Module {
    @Parameter public var weight: Tensor
    @Parameter public var bias: Tensor
    public let eps: Float

    /// eps: 1e-5 for CLIP, 1e-12 for the TF-style LayerNorm of CLIP4Clip/X-CLIP/TeachCLIP heads.
    public init(_ width: Int, eps: Float = 1e-5) {
        weight = Tensor.ones([width])
        bias = Tensor.zeros([width])
        self.eps = eps
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { x.layerNorm(weight: weight, bias: bias, eps: eps) }
}

/// A lookup table of `count` vectors of `width`; initialised N(0, std²).
public final class Embedding: Module {
    @Parameter public var weight: Tensor

    public init(_ count: Int, _ width: Int, standardDeviation: Float = 1) {
        weight = Tensor.randomNormal([count, width], standardDeviation: standardDeviation, using: &GlobalRandom.stream.generator)
    }

    /// ids: any shape → `ids.shape + [width]`.
    public func callAsFunction(_ ids: IntTensor) -> Tensor { weight.embeddingLookup(ids) }
}

/// 2-D convolution, NCHW, weight `[out, in, k, k]`; initialised like `nn.Conv2d`.
public final class Conv2d: Module {
    @Parameter public var weight: Tensor
    @OptionalParameter public var bias: Tensor?
    public let stride: Int, padding: Int

    public init(_ inputChannels: Int, _ outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0, bias hasBias: Bool = true) {
        let bound = 1 / Float(inputChannels * kernelSize * kernelSize).squareRoot()
        weight = Tensor.randomUniform([outputChannels, inputChannels, kernelSize, kernelSize], low: -bound, high: bound,
                                      using: &GlobalRandom.stream.generator)
        bias = hasBias ? Tensor.randomUniform([outputChannels], low: -bound, high: bound, using: &GlobalRandom.stream.generator) : nil
        self.stride = stride
        self.padding = padding
    }

    /// `[N, in, H, W]` → `[N, out, OH, OW]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.conv2d(weight: weight, bias: bias, stride: stride, padding: padding)
    }
}
