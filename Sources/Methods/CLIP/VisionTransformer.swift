// CLIP: Learning Transferable Visual Models From Natural Language Supervision.
// Radford, Kim, Hallacy, Ramesh, Goh, Agarwal, Sastry, Askell, Mishkin, Clark, Krueger,
// Sutskever — 2021, arXiv:2103.00020.
// Mirrors openai/CLIP clip/model.py `VisionTransformer`. Deviations: none in the forward pass.
import ZooCore
import ZooNN
import ZooTensor

/// CLIP's image encoder: patch embedding → [CLS] + patches + positions → `ln_pre` → pre-LN
/// blocks → `ln_post([CLS])` → `@ proj`. Keys as in OpenAI's state dict under `visual.`.
public final class VisionTransformer: Module {
    @Child(key: "conv1") public var patchEmbedding: Conv2d
    @Parameter(key: "class_embedding") public var classEmbedding: Tensor       // [W]
    @Parameter(key: "positional_embedding") public var positions: Tensor       // [1 + grid², W]
    @Child(key: "ln_pre") public var preNorm: LayerNorm
    @Child(key: "transformer") public var transformer: TransformerStack
    @Child(key: "ln_post") public var postNorm: LayerNorm
    @Parameter(key: "proj") public var projection: Tensor                     // [W, E]
    public let configuration: CLIPConfiguration

    public init(_ c: CLIPConfiguration) {
        configuration = c
        super.init()
        let scale = 1 / Float(c.visionWidth).squareRoot()   // OpenAI's init: width^-0.5
        patchEmbedding = Conv2d(3, c.visionWidth, kernelSize: c.patchSize, stride: c.patchSize, bias: false)
        classEmbedding = Tensor.randomNormal([c.visionWidth], standardDeviation: scale, using: &GlobalRandom.stream.generator)
        positions = Tensor.randomNormal([c.gridSize * c.gridSize + 1, c.visionWidth], standardDeviation: scale,
                                        using: &GlobalRandom.stream.generator)
        preNorm = LayerNorm(c.visionWidth, eps: c.layerNormEps)
        transformer = TransformerStack(width: c.visionWidth, layers: c.visionLayers, heads: c.visionHeads,
                                       mlpWidth: c.visionMLPWidth, layerNormEps: c.layerNormEps)
        postNorm = LayerNorm(c.visionWidth, eps: c.layerNormEps)
        projection = Tensor.randomNormal([c.visionWidth, c.embedDim], standardDeviation: scale, using: &GlobalRandom.stream.generator)
    }

    /// images: `[N, 3, S, S]` preprocessed pixels → `[N, E]` image features (not normalised).
    public func callAsFunction(_ images: Tensor) -> Tensor {
        let c = configuration
        precondition(images.rank == 4 && images.shape[1] == 3 && images.shape[2] == c.imageSize && images.shape[3] == c.imageSize,
                     "CLIP vision: images must be [N, 3, \(c.imageSize), \(c.imageSize)], got \(images.shape)")
        let count = images.shape[0], patches = c.gridSize * c.gridSize
        let grid = patchEmbedding(images).reshaped([count, c.visionWidth, patches]).transposed(1, 2)   // [N, P, W]
        let cls = classEmbedding.reshaped([1, 1, c.visionWidth]).broadcast(to: [count, 1, c.visionWidth])
        let tokens = Tensor.concatenate([cls, grid], axis: 1) + positions
        let encoded = transformer(preNorm(tokens))
        return Tensor.matmul(postNorm(encoded.select(axis: 1, index: 0)), projection)
    }
}
