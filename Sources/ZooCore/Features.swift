// The features that flow between encoders and similarity heads.
import ZooTensor

/// What a text encoder produces for a batch of captions.
/// Shapes: B captions, T token positions, D embedding width.
public struct TextFeatures {
    /// `[B, D]`: the sentence feature (CLIP: the EOT row after `ln_final` and the projection),
    /// not normalised.
    public var sentence: Tensor
    /// `[B, T, D]`: per-token features after the projection (X-CLIP's "words"), when available.
    public var tokens: Tensor?
    /// `[B, T]`: 1 for real tokens, 0 for padding.
    public var mask: Tensor?

    public init(sentence: Tensor, tokens: Tensor? = nil, mask: Tensor? = nil) {
        self.sentence = sentence
        self.tokens = tokens
        self.mask = mask
    }
}

/// What a video encoder produces for a batch of videos.
/// Shapes: B videos, F frames, D embedding width.
public struct VideoFeatures {
    /// `[B, F, D]`: per-frame features (CLIP: `ln_post(CLS) @ proj`), not normalised.
    public var frames: Tensor
    /// `[B, F]`: 1 for real frames, 0 for padding (prefix masks).
    public var mask: Tensor

    public init(frames: Tensor, mask: Tensor) {
        precondition(frames.rank == 3 && mask.shape == Array(frames.shape.prefix(2)),
                     "VideoFeatures: frames \(frames.shape) must be [B, F, D] and mask \(mask.shape) [B, F]")
        self.frames = frames
        self.mask = mask
    }
}

extension VideoFeatures {
    /// Random frames `[count, frames, width]` with prefix masks of 1…frames valid frames, seeded:
    /// the example inputs of heads (registry-driven tests, benchmarks, `zoo info` costs).
    public static func example(count: Int, frames: Int, width: Int, seed: UInt64) -> VideoFeatures {
        let features = Tensor.randomNormal([count, frames, width], seed: seed)
        var generator = RandomGenerator(seed: seed &+ 1)
        var mask = [Float]()
        for _ in 0..<count {
            let length = 1 + generator.nextInt(below: frames)
            mask += (0..<frames).map { $0 < length ? 1 : 0 }
        }
        return VideoFeatures(frames: features, mask: Tensor(mask, shape: [count, frames]))
    }
}
