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
    /// The same scores with a dual softmax over the queries (`--dual-softmax`), next to the plain
    /// metrics, never instead of them; nil when not asked for.
    public var dualSoftmax: RetrievalMetrics?
    /// The same scores with an inverted softmax over the queries (`--inverted-softmax`).
    public var invertedSoftmax: RetrievalMetrics?
    /// Videos of the split left out of this evaluation (missing files, or files that did not
    /// decode); nil when none was.
    public var skippedVideos: [SkippedVideo]?

    /// The number "best" checkpoints are chosen by: text-to-video R@1.
    public var primary: Double { metrics.textToVideo.recallAt1 }

    public init(metrics: RetrievalMetrics, temporalR1: Double? = nil, temporalPairAccuracy: Double? = nil, temporalPairs: Int) {
        self.metrics = metrics
        self.temporalR1 = temporalR1
        self.temporalPairAccuracy = temporalPairAccuracy
        self.temporalPairs = temporalPairs
    }
}

/// Evaluates retrieval models on one split.
public struct RetrievalEvaluator {
    public let batcher: RetrievalBatcher
    /// Captions or videos encoded per forward pass.
    public var encodeBatchSize = 32
    /// Side of the score blocks: memory stays at blockSize² scores plus the stored encodings.
    public var blockSize = 256
    /// Query-normalised scorings reported next to the plain metrics.
    public var queryNormalizations: Set<QueryNormalization> = []

    public init(batcher: RetrievalBatcher) { self.batcher = batcher }

    /// The full `[captions, videos]` score matrix.
    /// - Throws: `EvaluationError.nonFiniteScores`, naming the first caption, when a score is NaN or ±Inf.
    public func scores(of model: any RetrievalModel) throws -> ScoreMatrix {
        try scoresAndSplit(of: model).scores
    }

    /// The score matrix and the split it covers: the batcher's, less any video whose file turned
    /// out broken (with its captions), when the split tolerates those.
    public func scoresAndSplit(of model: any RetrievalModel) throws -> (scores: ScoreMatrix, split: any RetrievalSource) {
        let (values, split) = try rawScores(of: model)
        do {
            return (try ScoreMatrix(values, texts: split.captions.count, videos: split.videoCount), split)
        } catch let EvaluationError.nonFiniteScores(count, texts, videos, text, video, value, _) {
            throw EvaluationError.nonFiniteScores(count: count, texts: texts, videos: videos, firstText: text, firstVideo: video,
                                                  value: value, caption: split.captions[text].text)
        }
    }

    /// The scores as the model gives them, unchecked, row-major, and the split they cover.
    private func rawScores(of model: any RetrievalModel) throws -> ([Float], any RetrievalSource) {
        let whole = batcher.source
        model.eval()
        defer { model.train() }
        return try noGrad {
            // Videos first: one whose file does not decode leaves the evaluation with its captions.
            var kept: [Int] = []
            let videos = try encodeAll(count: whole.videoCount) { indices in
                let decoded = try whole.decodableVideos(indices)
                kept += decoded.map { indices[$0.position] }
                guard !decoded.isEmpty else { return [:] }
                let (frames, kind, mask) = RetrievalBatcher.stacked(decoded.map(\.frames), framesPerVideo: whole.framesPerVideo)
                return try model.encodeVideos(frames, kind: kind, mask: mask)
            }
            let source: any RetrievalSource = kept.count == whole.videoCount ? whole : RetrievalSubset(base: whole, keeping: kept)
            guard source.videoCount > 0, !source.captions.isEmpty else {
                throw DatasetError.emptySplit(name: whole.name, detail: "no video of it could be decoded")
            }
            let split = RetrievalBatcher(source: source, tokenizer: batcher.tokenizer, contextLength: batcher.contextLength)
            let captionCount = source.captions.count, videoCount = source.videoCount
            let captions = try encodeAll(count: captionCount) { try model.encodeCaptions(try split.captionIDs($0)) }
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
            return (matrix, source)
        }
    }

    public func evaluate(_ model: any RetrievalModel) throws -> RetrievalEvaluation {
        let (scores, source) = try scoresAndSplit(of: model)
        let matrix = scores.values
        let videoOfText = source.captions.map(\.video)
        let metrics = try RetrievalMetrics(scores: scores, videoOfText: videoOfText)
        var result = RetrievalEvaluation(metrics: metrics, temporalPairs: 0)
        if queryNormalizations.contains(.dualSoftmax) {
            result.dualSoftmax = try QueryNormalization.dualSoftmax.metrics(scores, videoOfText: videoOfText)
        }
        if queryNormalizations.contains(.invertedSoftmax) {
            result.invertedSoftmax = try QueryNormalization.invertedSoftmax.metrics(scores, videoOfText: videoOfText)
        }
        let skipped = batcher.source.skippedVideos?.all ?? []
        if !skipped.isEmpty { result.skippedVideos = skipped }
        let pairs = source.temporalPairs
        guard !pairs.isEmpty else { return result }
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
        result.temporalR1 = 100 * Double(hits) / denominator
        result.temporalPairAccuracy = 100 * Double(wins) / denominator
        result.temporalPairs = pairs.count
        return result
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
