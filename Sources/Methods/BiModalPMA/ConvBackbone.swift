// Bi-Modal Progressive Mask Attention for Fine-Grained Recognition.
// Kaitao Song, Xiu-Shen Wei, Xiangbo Shu, Ren-Jie Song, Jianfeng Lu — IEEE TIP 2020.
// No arXiv id, no official code; formulas and choices: Tests/Fixtures/parity/README.md §2, §3.
//
// The convolutional trunk shared by cnn-small and bimodal-pma. The paper uses the last conv
// feature map of ResNet-50 / VGG-16 at 448 px (a 14×14 map); ours is a few 3×3 conv + ReLU
// layers with a 2×2 max-pool after every layer but the last (32 px → an 8×8 map with three
// layers), small enough to train from pixels on two cores. No batch normalisation: ZooNN has
// none, and at this depth plain ReLU convolutions train.
import ZooCore
import ZooNN
import ZooTensor

/// Conv 3×3 (padding 1) → ReLU layers, each but the last followed by a 2×2 max-pool.
/// Keys: `features.{i}.weight` `[c_i, c_{i-1}, 3, 3]`, `features.{i}.bias` `[c_i]`.
/// - images: `[B, 3, S, S]` → `[B, c_last, S / 2^(L-1), S / 2^(L-1)]` (NCHW).
public final class ConvBackbone: Module {
    @Child(key: "features") public var layers: [Conv2d]
    /// Output widths of the layers; the last is the feature map's d.
    public let channels: [Int]

    /// An empty `channels` builds a trunk with no layers (a model fed precomputed feature maps).
    public init(inputChannels: Int = 3, channels: [Int]) {
        self.channels = channels
        super.init()
        let widths = [inputChannels] + channels
        layers = channels.indices.map { Conv2d(widths[$0], widths[$0 + 1], kernelSize: 3, padding: 1) }
    }

    /// images `[B, 3, S, S]` → feature map `[B, d, h, w]`.
    public func callAsFunction(_ images: Tensor) -> Tensor {
        var x = images
        for (index, layer) in layers.enumerated() {
            x = layer(x).relu()
            if index < layers.count - 1 { x = x.maxPool2d(kernel: 2) }
        }
        return x
    }

    /// Checks `images` against the trunk's input: `[B, 3, S, S]` with S the configured size.
    func validate(images: Tensor, model: String, imageSize: Int) throws {
        let inputChannels = layers.first?.weight.shape[1] ?? 3
        guard images.rank == 4, images.shape[1] == inputChannels, images.shape[2] == imageSize, images.shape[3] == imageSize else {
            throw BiModalPMAInputError.shape(model: model, input: "images", expected: "[B, \(inputChannels), \(imageSize), \(imageSize)]",
                                             found: images.shape, fix: "Feed images of the configured imageSize (e.g. synthfine at --size \(imageSize)), or set imageSize to the data's.")
        }
    }
}
