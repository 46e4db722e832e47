// The one input retrieval metrics accept: a score matrix checked, once, to hold only finite
// numbers. A NaN compares false with everything, so a rank counted as "candidates scoring at
// least as high as the ground truth" would make every NaN ground truth a hit.

/// `[texts, videos]` text–video scores, row-major, higher = more similar, every one finite.
public struct ScoreMatrix: Sendable, Equatable {
    /// Rows: the captions.
    public let texts: Int
    /// Columns: the videos.
    public let videos: Int
    /// Row-major: the score of text t and video v is `values[t * videos + v]`.
    public let values: [Float]

    /// - Throws: `EvaluationError.shapeMismatch` unless `values.count == texts × videos`, and
    ///   `EvaluationError.nonFiniteScores` (how many, and the first) when any value is NaN or ±Inf.
    public init(_ values: [Float], texts: Int, videos: Int) throws(EvaluationError) {
        guard texts >= 0, videos >= 0, values.count == texts * videos else {
            throw .shapeMismatch(scores: values.count, texts: texts, videos: videos)
        }
        if let first = values.firstIndex(where: { !$0.isFinite }) {
            let count = values.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
            throw .nonFiniteScores(count: count, texts: texts, videos: videos, firstText: first / videos,
                                   firstVideo: first % videos, value: values[first], caption: nil)
        }
        self.texts = texts
        self.videos = videos
        self.values = values
    }

    /// The score of `text` against `video`.
    public subscript(text: Int, video: Int) -> Float { values[text * videos + video] }
}
