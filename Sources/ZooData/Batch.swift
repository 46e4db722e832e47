// A batch as every model sees it: caption–video pairs as a typed value (retrieval), named
// float and integer inputs (classification), and the dataset indices of its examples (CRD's
// memory banks are indexed by them).
import ZooTensor

/// The videos of a retrieval batch: preprocessed pixels or precomputed frame features.
public enum VideoInput {
    /// `[B, F, 3, S, S]` CLIP-preprocessed frames.
    case pixels(Tensor)
    /// `[B, F, D]` frame features from a frozen or external encoder.
    case features(Tensor)
}

/// Caption–video pairs: row i of the captions matches row i of the videos.
public struct RetrievalInputs {
    /// `[B, T]` token ids, zero padded.
    public var captionIDs: IntTensor
    /// The videos, row i matching caption i.
    public var video: VideoInput
    /// `[B, F]` 1 for real frames, 0 for padding.
    public var videoMask: Tensor
    /// `[B]` each pair's video index in its split (a memory row per video), when known.
    public var videoIndices: [Int]?

    public init(captionIDs: IntTensor, video: VideoInput, videoMask: Tensor, videoIndices: [Int]? = nil) {
        self.captionIDs = captionIDs
        self.video = video
        self.videoMask = videoMask
        self.videoIndices = videoIndices
    }
}

/// One batch of examples.
///
/// Retrieval batches hold `retrieval` (captions, videos, mask). Classification batches hold
/// `images` `[B, C, H, W]` (or `inputs` `[B, K]`) and `labels` `[B]` by name.
public struct Batch {
    /// Caption–video pairs (retrieval batches).
    public var retrieval: RetrievalInputs?
    public var tensors: [String: Tensor]
    public var integers: [String: IntTensor]
    /// Dataset index of each example (for memory banks and for logging).
    public var indices: [Int]

    public init(retrieval: RetrievalInputs? = nil, tensors: [String: Tensor] = [:], integers: [String: IntTensor] = [:], indices: [Int] = []) {
        self.retrieval = retrieval
        self.tensors = tensors
        self.integers = integers
        self.indices = indices
    }

    /// The caption–video pairs, or an error saying the batch is not a retrieval batch.
    public func retrievalInputs() throws -> RetrievalInputs {
        guard let retrieval else { throw BatchError.notRetrieval(available: Array(tensors.keys) + Array(integers.keys)) }
        return retrieval
    }

    /// Number of examples.
    public var count: Int { indices.count }

    /// A float input, or an error naming the key and what the batch has.
    public func tensor(_ key: String) throws -> Tensor {
        guard let value = tensors[key] else { throw BatchError.missingInput(key, available: Array(tensors.keys) + Array(integers.keys)) }
        return value
    }

    /// An integer input, or an error naming the key and what the batch has.
    public func integers(_ key: String) throws -> IntTensor {
        guard let value = integers[key] else { throw BatchError.missingInput(key, available: Array(tensors.keys) + Array(integers.keys)) }
        return value
    }
}

/// A batch lacks an input a model needs.
public enum BatchError: Error, CustomStringConvertible, Equatable {
    case missingInput(String, available: [String])
    case notRetrieval(available: [String])

    public var description: String {
        switch self {
        case let .missingInput(key, available):
            return "the batch has no input '\(key)' (it has \(available.sorted().joined(separator: ", "))). Is the model paired with data of another task?"
        case let .notRetrieval(available):
            return "the batch holds no caption–video pairs (it has \(available.sorted().joined(separator: ", "))); a retrieval model needs retrieval data (synthvtt, msrvtt:DIR, features:DIR)"
        }
    }
}
