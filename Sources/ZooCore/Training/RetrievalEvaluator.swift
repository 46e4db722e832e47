// Evaluation as the official code does it: encode every caption and every video once, score
// the full matrix in bounded blocks, rank.
import Foundation
import ZooData
import ZooTensor

/// Metrics of one evaluation, with synthvtt's temporal hard negatives when the split has them.
public struct RetrievalEvaluation: Codable, Sendable, Equatable {
    public var metrics: RetrievalMetrics
    /// Text-to-video R@1 (percent) over the captions of videos that have a temporal twin.
    public var temporalR1: Double?
    /// How often a caption scores its own video above its order-swapped twin (percent).
    public var temporalPairAccuracy: Double?
    public var temporalPairs: Int

    /// The number "best" checkpoints are chosen by: text-to-video R@1.
    public var primary: Double { metrics.textToVideo.recallAt1 }
}

/// Evaluates retrieval models on one split.
public struct RetrievalEvaluator {
    public let batcher: RetrievalBatcher
    /// Captions or videos encoded per forward pass.
    public var encodeBatchSize = 32
    /// Side of the score blocks: memory stays at blockSize² scores plus the stored encodings.
    public var blockSize = 256

    public init(batcher: RetrievalBatcher) { self.batcher = batcher }

    /// The full `[captions, videos]` score matrix.
    /// - Throws: `EvaluationError.nonFiniteScores`, naming the first caption, when a score is NaN or ±Inf.
    public func scores(of model: any RetrievalModel) throws -> ScoreMatrix {
        let source = batcher.source
        let values = try rawScores(of: model)
        do {
            return try ScoreMatrix(values, texts: source.captions.count, videos: source.videoCount)
        } catch let EvaluationError.nonFiniteScores(count, texts, videos, text, video, value, _) {
            throw EvaluationError.nonFiniteScores(count: count, texts: texts, videos: videos, firstText: text, firstVideo: video,
                                                  value: value, caption: source.captions[text].text)
        }
    }

    /// The scores as the model gives them, unchecked, row-major.
    private func rawScores(of model: any RetrievalModel) throws -> [Float] {
        let source = batcher.source
        let captionCount = source.captions.count, videoCount = source.videoCount
        model.eval()
        defer { model.train() }
        return try noGrad {
            let captions = try encodeAll(count: captionCount) { try model.encodeCaptions(try batcher.captionIDs($0)) }
            let videos = try encodeAll(count: videoCount) { indices in
                let (frames, kind, mask) = try batcher.videos(indices)
                return try model.encodeVideos(frames, kind: kind, mask: mask)
            }
            var matrix = [Float](repeating: 0, count: captionCount * videoCount)
            for textStart in stride(from: 0, to: captionCount, by: blockSize) {
                let textRange = textStart..<Swift.min(textStart + blockSize, captionCount)
                let textBlock = captions.mapValues { $0.slice(axis: 0, textRange) }
                for videoStart in stride(from: 0, to: videoCount, by: blockSize) {
                    let videoRange = videoStart..<Swift.min(videoStart + blockSize, videoCount)
                    let block = try model.score(captions: textBlock, videos: videos.mapValues { $0.slice(axis: 0, videoRange) })
                    guard block.shape == [textRange.count, videoRange.count] else {
                        throw EvaluationError.shapeMismatch(scores: block.count, texts: textRange.count, videos: videoRange.count)
                    }
                    let values = block.scalars
                    for (r, t) in textRange.enumerated() {
                        for (c, v) in videoRange.enumerated() { matrix[t * videoCount + v] = values[r * videoRange.count + c] }
                    }
                }
            }
            return matrix
        }
    }

    public func evaluate(_ model: any RetrievalModel) throws -> RetrievalEvaluation {
        let source = batcher.source
        let scores = try scores(of: model)
        let matrix = scores.values
        let videoOfText = source.captions.map(\.video)
        let metrics = try RetrievalMetrics(scores: scores, videoOfText: videoOfText)
        let pairs = source.temporalPairs
        guard !pairs.isEmpty else { return RetrievalEvaluation(metrics: metrics, temporalPairs: 0) }
        var twin: [Int: Int] = [:]
        for (a, b) in pairs { twin[a] = b; twin[b] = a }
        var hits = 0, queries = 0, wins = 0
        for (t, video) in videoOfText.enumerated() {
            guard let other = twin[video] else { continue }
            let row = t * source.videoCount, truth = matrix[row + video]
            queries += 1
            if (0..<source.videoCount).allSatisfy({ $0 == video || matrix[row + $0] < truth }) { hits += 1 }
            if truth > matrix[row + other] { wins += 1 }
        }
        let denominator = Double(Swift.max(queries, 1))
        return RetrievalEvaluation(metrics: metrics, temporalR1: 100 * Double(hits) / denominator,
                                   temporalPairAccuracy: 100 * Double(wins) / denominator, temporalPairs: pairs.count)
    }

    /// Runs `encode` over `0..<count` in batches and concatenates each tap along axis 0.
    private func encodeAll(count: Int, _ encode: ([Int]) throws -> [Tap: Tensor]) throws -> [Tap: Tensor] {
        var parts: [Tap: [Tensor]] = [:]
        for start in stride(from: 0, to: count, by: encodeBatchSize) {
            for (tap, tensor) in try encode(Array(start..<Swift.min(start + encodeBatchSize, count))) {
                parts[tap, default: []].append(tensor)
            }
        }
        return parts.mapValues { Tensor.concatenate($0, axis: 0) }
    }
}
