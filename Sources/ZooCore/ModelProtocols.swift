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

    // Optional abilities, each with a default: callers ask, never downcast.

    /// The head as one whose score is a dot product of one text vector and one video vector
    /// (CLIP4Clip's loose heads, TeachCLIP's AFA), or nil. Default: nil.
    var factorized: (any FactorizedSimilarityHead)? { get }
    /// Throws a `ZooError` naming the expected and the given sizes when the head cannot score
    /// these inputs (X-CLIP's matrices fix the words T and frames F); `similarity` would stop the
    /// process. Default: every size is accepted.
    func validate(text: TextFeatures, video: VideoFeatures) throws
    /// Copies from `backboneState` (the backbone's own keys, e.g. `transformer.resblocks.0.*`)
    /// what the official code copies when the head is built; returns the keys set, or why none
    /// were, or nil for a head that copies nothing (the default).
    func initialize(fromBackbone backboneState: [String: Tensor]) -> Result<[String], HeadInitializationSkipped>?
    /// Scales logits by the backbone's `ln s` (a 0-d tensor trained there) instead of the head's
    /// own, which leaves the head's state. Default: nothing (a head without a logit scale).
    func shareLogitScale(_ backboneScale: Tensor)
}

extension SimilarityHead {
    public var factorized: (any FactorizedSimilarityHead)? { nil }
    public func validate(text: TextFeatures, video: VideoFeatures) throws {}
    public func initialize(fromBackbone backboneState: [String: Tensor]) -> Result<[String], HeadInitializationSkipped>? { nil }
    public func shareLogitScale(_ backboneScale: Tensor) {}
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

    // Optional abilities, each with a default: callers ask, never downcast.

    /// The model as one that encodes captions and videos separately (retrieval evaluation), or nil.
    var retrieval: (any RetrievalModel)? { get }
    /// The most caption tokens its text encoder takes, or nil when it reads no captions.
    var captionLength: Int? { get }
    /// The side (pixels) of the frames its image encoder takes, or nil when it reads no pixels.
    var frameSize: Int? { get }
    /// The width of the precomputed frame features it reads, or nil when it reads none.
    var frameFeatureWidth: Int? { get }
}

extension ZooModel {
    public func didUpdateParameters() {}
    public var retrieval: (any RetrievalModel)? { nil }
    public var captionLength: Int? { nil }
    public var frameSize: Int? { nil }
    public var frameFeatureWidth: Int? { nil }
}

extension ZooModel where Self: TextEncoder {
    public var captionLength: Int? { contextLength }
}

extension ZooModel where Self: VideoEncoder {
    public var frameSize: Int? { imageSize }
    public var frameFeatureWidth: Int? { embeddingWidth }
}

/// A contrastive image/video–text model (CLIP and its descendants): two encoders whose
/// normalised embeddings are compared with a learnable temperature.
public protocol ContrastiveModel: ZooModel, TextEncoder, VideoEncoder {
    /// `ln` of the logit scale (0-d); logits are `exp(logitScale) · t·vᵀ`.
    var logitScale: Tensor { get }
    /// The parameter keys (relative to this model) that the official fp16 recipes store in half
    /// precision (CLIP's `convert_weights`), or nil when the model has no such recipe. Default nil.
    var halfPrecisionParameterKeys: Set<String>? { get }
}

extension ContrastiveModel {
    public var halfPrecisionParameterKeys: Set<String>? { nil }
}


/// A model that a checkpoint can size by itself (CLIP from a Hugging Face folder or an OpenAI
/// file) reports the sizes it was built with, so that a `--set` the checkpoint overrules is an
/// error instead of a setting silently ignored.
public protocol ReportsEffectiveSettings {
    /// Config key → the value the built model uses, for the numeric keys it knows.
    var effectiveSettings: [String: Double] { get }
}
