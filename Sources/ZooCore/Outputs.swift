// Named outputs ("taps") of a forward pass, so that losses can ask for what they need.
import ZooTensor

/// The name of something a forward pass exposes. Distillation losses declare the taps they
/// need from the student and the teacher; the combination check compares them with what the
/// models expose before any training starts.
public struct Tap: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }
    public static func < (a: Tap, b: Tap) -> Bool { a.rawValue < b.rawValue }

    /// `[N, C]` class logits (classification) or `[Bt, Bv]` retrieval logits (scaled similarity).
    public static let logits: Tap = "logits"
    /// `[Bt, Bv]` similarity matrix of a retrieval model (the logits it trains on).
    public static let similarity: Tap = "similarity"
    /// `[Bt, D]` normalised text embeddings used for retrieval.
    public static let textEmbedding: Tap = "embedding.text"
    /// `[Bv, D]` normalised video (or image) embeddings used for retrieval.
    public static let videoEmbedding: Tap = "embedding.video"
    /// `[N, H]` penultimate features of a classifier (what CRD embeds).
    public static let features: Tap = "features"
    /// `[Bv, F, D]` per-frame features (before any temporal module).
    public static let frameFeatures: Tap = "frames"
    /// `[Bv, F, D]` per-frame features after a temporal module, padded rows zeroed (CLIP4Clip's
    /// f''·m, the official `visual_output` of its loose heads).
    public static let encodedFrames: Tap = "frames.encoded"
    /// `[Bv, F]` mask of real frames.
    public static let frameMask: Tap = "frames.mask"
    /// `[B, F]` frame weights of an attention pooling (TeachCLIP's AFA scores).
    public static let frameWeights: Tap = "frameWeights"
    /// `[B, F]` teacher's text-to-frame relevance on matched pairs (TeachCLIP's fine target).
    public static let frameRelevance: Tap = "frameRelevance"
    /// `[Bt, D]` sentence features (not normalised).
    public static let sentenceFeatures: Tap = "sentence"
}

/// The tensors a forward pass exposes, by tap name.
public struct Outputs {
    public private(set) var taps: [Tap: Tensor] = [:]

    public init(_ taps: [Tap: Tensor] = [:]) { self.taps = taps }

    public subscript(tap: Tap) -> Tensor? {
        get { taps[tap] }
        set { taps[tap] = newValue }
    }

    /// The tensor for `tap`, or an error naming what is missing and what there is.
    public func require(_ tap: Tap, from producer: String) throws -> Tensor {
        guard let tensor = taps[tap] else {
            throw ZooError.missingTap(tap, producer: producer, available: Set(taps.keys))
        }
        return tensor
    }

    /// Which taps are present.
    public var names: Set<Tap> { Set(taps.keys) }
}
