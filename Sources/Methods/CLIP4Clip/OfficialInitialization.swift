// The initialisation CLIP4Clip gives every module it builds (modeling.py `CLIP4Clip.__init__`:
// `self.apply(self.init_weights)`, modules/until_module.py `PreTrainedModel.init_weights`), before
// CLIP's weights and the copies of `init_preweight` are loaded over it; TeachCLIP's and X-CLIP's
// modeling files do the same. nn.Linear and nn.Embedding weights ~ N(0, 0.02) (initializer_range),
// nn.Linear biases 0, LayerNorm weight 1 and bias 0. nn.MultiheadAttention's packed in_proj is
// not an nn.Linear and keeps PyTorch's xavier init and zero bias (as `MultiheadAttention` draws
// it); its out_proj is an nn.Linear and is re-drawn. nn.LSTM keeps PyTorch's uniform init.
import ZooNN
import ZooTensor

/// `init_weights` over a head's modules.
public enum OfficialInitialization {
    /// BERT's `initializer_range`, cross-base/cross_config.json.
    public static let initializerRange: Float = 0.02

    /// Re-draws every `Linear` and `Embedding` weight of `module` from N(0, 0.02) and zeroes the
    /// biases; `LayerNorm`s become weight 1, bias 0. Draws from `GlobalRandom`, module by module
    /// in key order, so a seed gives the same head.
    public static func apply(to module: Module) {
        for (_, child) in module.namedModules() {
            switch child {
            case let linear as Linear:
                linear.weight.assign(normal(linear.weight.shape))
                if let bias = linear.bias { bias.assign(Tensor.zeros(bias.shape)) }
            case let embedding as Embedding:
                embedding.weight.assign(normal(embedding.weight.shape))
            case let norm as LayerNorm:
                norm.weight.assign(Tensor.ones(norm.weight.shape))
                norm.bias.assign(Tensor.zeros(norm.bias.shape))
            default:
                continue
            }
        }
    }

    private static func normal(_ shape: [Int]) -> Tensor {
        Tensor.randomNormal(shape, standardDeviation: initializerRange, using: &GlobalRandom.stream.generator)
    }
}
