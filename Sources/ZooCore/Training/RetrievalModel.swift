// What a retrieval model stores per caption and per video, and how it scores them: the
// evaluator encodes every caption and every video once, then scores blocks of them.
import ZooData
import ZooTensor

/// A model that can be evaluated by encoding captions and videos separately.
///
/// CLIP-like models store one normalised vector each and score with a dot product; models with
/// heads that look at tokens or frames (X-CLIP, tightTransf) store more and score blocks through
/// the head. Each encoder returns named tensors whose first dimension is the batch.
public protocol RetrievalModel: ZooModel {
    /// ids `[B, T]` → what is kept per caption (e.g. `[.textEmbedding: [B, D]]`).
    func encodeCaptions(_ ids: IntTensor) throws -> [Tap: Tensor]
    /// frames (`[B, F, 3, S, S]` pixels or `[B, F, D]` features) and mask `[B, F]` → what is kept per video.
    func encodeVideos(_ frames: Tensor, kind: VideoFrames.Kind, mask: Tensor) throws -> [Tap: Tensor]
    /// Scores `[Bt, Bv]` (higher = more similar) of a block of captions against a block of videos.
    func score(captions: [Tap: Tensor], videos: [Tap: Tensor]) throws -> Tensor
}

extension RetrievalModel {
    public var retrieval: (any RetrievalModel)? { self }
}
