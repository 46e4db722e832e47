// Query-normalised scorings some papers report next to the plain numbers. Both re-weight each
// score by how it compares with the same video's (for text-to-video) scores against every other
// query of the evaluation, so they use the whole query set at once: this is why they are reported
// beside the plain metrics and never replace them.
//  - Dual softmax (DSL; Cheng et al., "Improving Video-Text Retrieval by Multi-Stream Corpus
//    Alignment and Dual Softmax Loss", 2021, arXiv:2109.04290): s'(q, v) = s(q, v) ·
//    softmax over queries q' of (τ · s(q', v)), τ = 100 (CLIP's logit scale).
//  - Inverted softmax (Smith et al., "Offline bilingual word vectors, orthogonal transformations
//    and the inverted softmax", 2017; used for retrieval by Bogolin et al., "Cross Modal Retrieval
//    with Querybank Normalisation", 2022, arXiv:2112.12777): s'(q, v) = exp(β · s(q, v)) / Σ_q'
//    exp(β · s(q', v)), β = 100, the query bank being the evaluation's own queries.
// For video-to-text the roles swap: videos are the queries, so the softmax runs over videos.
import Foundation

/// A re-scoring of the whole score matrix over its queries (`--dual-softmax`, `--inverted-softmax`).
public enum QueryNormalization: String, Codable, Sendable, CaseIterable, Hashable {
    case dualSoftmax = "dual-softmax"
    case invertedSoftmax = "inverted-softmax"

    /// The temperature both scorings use: CLIP's logit scale, 100.
    public static let temperature: Double = 100

    /// Metrics of the re-scored matrix: text-to-video from the scores normalised over texts,
    /// video-to-text from the scores normalised over videos.
    public func metrics(_ scores: ScoreMatrix, videoOfText: [Int]) throws -> RetrievalMetrics {
        let overTexts = try ScoreMatrix(normalized(scores, overTexts: true), texts: scores.texts, videos: scores.videos)
        let overVideos = try ScoreMatrix(normalized(scores, overTexts: false), texts: scores.texts, videos: scores.videos)
        let textToVideo = try RetrievalMetrics(scores: overTexts, videoOfText: videoOfText).textToVideo
        let videoToText = try RetrievalMetrics(scores: overVideos, videoOfText: videoOfText).videoToText
        return RetrievalMetrics(textToVideo: textToVideo, videoToText: videoToText)
    }

    /// The re-scored matrix, row-major `[texts, videos]`: each column (over texts) or each row
    /// (over videos) goes through a softmax at `temperature`, computed in Float64 with the
    /// maximum subtracted; inverted softmax is kept as its logarithm (same ranking, finite).
    func normalized(_ scores: ScoreMatrix, overTexts: Bool) -> [Float] {
        let (texts, videos) = (scores.texts, scores.videos)
        var result = [Float](repeating: 0, count: texts * videos)
        let groups = overTexts ? videos : texts, length = overTexts ? texts : videos
        func index(_ group: Int, _ member: Int) -> Int { overTexts ? member * videos + group : group * videos + member }
        for group in 0..<groups {
            var largest = -Double.infinity
            for member in 0..<length { largest = Swift.max(largest, Double(scores.values[index(group, member)])) }
            var total = 0.0
            for member in 0..<length { total += Foundation.exp(Self.temperature * (Double(scores.values[index(group, member)]) - largest)) }
            for member in 0..<length {
                let score = Double(scores.values[index(group, member)])
                let logSoftmax = Self.temperature * (score - largest) - Foundation.log(total)
                // Inverted softmax ranks by its logarithm (the same order), which never underflows to ties at 0.
                result[index(group, member)] = Float(self == .dualSoftmax ? score * Foundation.exp(logSoftmax) : logSoftmax)
            }
        }
        return result
    }
}
