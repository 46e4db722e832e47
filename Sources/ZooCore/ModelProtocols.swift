// The zoo's vocabulary: encoders, similarity heads and models, as protocols over modules.
import ZooManifest
import ZooNN
import ZooTensor

/// Token ids → `TextFeatures`.
public protocol TextEncoder: Module {
    /// Width D of the features it produces.
    var embeddingWidth: Int { get }
    /// Longest id sequence it accepts (CLIP: 77).
    var contextLength: Int { get }
    /// ids: `[B, T]` CLIP BPE ids, zero padded.
    func encodeText(_ ids: IntTensor) -> TextFeatures
}

/// Frames (pixels) or precomputed frame features → `VideoFeatures`.
public protocol VideoEncoder: Module {
    var embeddingWidth: Int { get }
    /// Side of the square frames it takes, in pixels (CLIP ViT-B/32: 224).
    var imageSize: Int { get }
    /// The key pattern of its image encoder's parameters (CLIP: `visual.*`), which freezing the
    /// image encoder stops training.
    var imageEncoderParameterPattern: String { get }
    /// pixels: `[B, F, 3, H, W]` preprocessed frames; mask `[B, F]`.
    func encodeVideo(pixels: Tensor, mask: Tensor) -> VideoFeatures
}

/// (`TextFeatures`, `VideoFeatures`) → logits `[Bt, Bv]` plus named extras.
/// CLIP4Clip's calculators, X-CLIP's multi-grained head and TeachCLIP's AFA head are heads.
public protocol SimilarityHead: Module {
    /// Taps the head exposes besides `logits`.
    var exposedTaps: Set<Tap> { get }
    func similarity(text: TextFeatures, video: VideoFeatures) -> Outputs
    /// Random features of the shapes this head expects (registry-driven tests, benchmarks).
    func exampleFeatures(textCount: Int, videoCount: Int, seed: UInt64) -> (TextFeatures, VideoFeatures)
}

/// Anything the trainer can train and the evaluator can evaluate.
public protocol ZooModel: Module {
    /// The task family; a combination mixes only one.
    var family: Family { get }
    /// Every tap `forward` fills in.
    var exposedTaps: Set<Tap> { get }
    /// The forward pass on a batch.
    func forward(_ batch: Batch) throws -> Outputs
    /// The model's own training loss on its outputs (symmetric InfoNCE, cross-entropy, ...).
    func taskLoss(_ outputs: Outputs, batch: Batch) throws -> Tensor
    /// A random batch of `size` examples with the shapes this model expects (registry-driven
    /// tests, benchmarks, FLOP counts).
    func exampleBatch(size: Int, seed: UInt64) -> Batch
    /// Called after every optimizer step (CLIP clamps its logit scale here). Default: nothing.
    func didUpdateParameters()
}

extension ZooModel {
    public func didUpdateParameters() {}
}

/// A contrastive image/video–text model (CLIP and its descendants): two encoders whose
/// normalised embeddings are compared with a learnable temperature.
public protocol ContrastiveModel: ZooModel, TextEncoder, VideoEncoder {
    /// `ln` of the logit scale (0-d); logits are `exp(logitScale) · t·vᵀ`.
    var logitScale: Tensor { get }
}

/// A head that scales its logits by a learnable `ln s` which, composed with a backbone, must be
/// the backbone's own (CLIP4Clip, X-CLIP and TeachCLIP all read `clip.logit_scale`): after
/// `shareLogitScale(_:)` the head uses the backbone's 0-d tensor and drops its own parameter, so
/// a composed checkpoint holds `clip.logit_scale` once.
public protocol LogitScaleSharing: AnyObject {
    func shareLogitScale(_ scale: Tensor)
}
