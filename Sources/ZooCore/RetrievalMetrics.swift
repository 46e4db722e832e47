// Retrieval metrics as the CLIP4Clip family reports them: R@1/5/10 (percent), median and mean
// rank (1-based), text-to-video and video-to-text. They rank only a `ScoreMatrix`, whose scores
// are finite by construction: a NaN would otherwise rank first (it compares false with everything).

/// Recall at 1, 5, 10 (percent), median rank and mean rank (both 1-based), over queries.
public struct RankMetrics: Sendable, Equatable, Codable, CustomStringConvertible {
    public var recallAt1: Double
    public var recallAt5: Double
    public var recallAt10: Double
    public var medianRank: Double
    public var meanRank: Double
    public var queries: Int

    /// From 0-based ranks of the ground truth (0 = retrieved first).
    public init(ranks: [Int]) {
        let n = Double(Swift.max(ranks.count, 1))
        func recall(_ k: Int) -> Double { 100 * Double(ranks.filter { $0 < k }.count) / n }
        recallAt1 = recall(1); recallAt5 = recall(5); recallAt10 = recall(10)
        let sorted = ranks.sorted()
        // numpy's median: the mean of the two middle values for an even count; +1 for 1-based.
        if sorted.isEmpty {
            medianRank = 0
        } else if sorted.count % 2 == 1 {
            medianRank = Double(sorted[sorted.count / 2]) + 1
        } else {
            medianRank = Double(sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2 + 1
        }
        meanRank = ranks.isEmpty ? 0 : Double(ranks.reduce(0, +)) / n + 1
        queries = ranks.count
    }

    public var description: String {
        String(format: "R@1 %.1f  R@5 %.1f  R@10 %.1f  MdR %.1f  MnR %.1f", recallAt1, recallAt5, recallAt10, medianRank, meanRank)
    }
}

/// Both directions of a text–video retrieval evaluation.
public struct RetrievalMetrics: Sendable, Equatable, Codable {
    public var textToVideo: RankMetrics
    public var videoToText: RankMetrics

    /// - scores: `[texts, videos]` scores, finite by construction (`ScoreMatrix`).
    /// - videoOfText: the ground-truth video of each text (several texts may share a video).
    ///
    /// A rank counts the *other* candidates scoring at least as high as the ground truth, so
    /// ties count against the model (a constant similarity gets the worst rank, never R@1 = 100).
    /// The official numpy code leaves ties undefined; without ties the two agree.
    /// Video-to-text uses, for each video, its best-ranked caption among all texts.
    /// - Throws: `EvaluationError.groundTruthOutOfRange` when a text's video is not a column.
    public init(scores: ScoreMatrix, videoOfText: [Int]) throws(EvaluationError) {
        let (texts, videos) = (scores.texts, scores.videos)
        guard videoOfText.count == texts else { throw .groundTruthCount(captions: videoOfText.count, texts: texts) }
        if let bad = videoOfText.firstIndex(where: { $0 < 0 || $0 >= videos }) {
            throw .groundTruthOutOfRange(what: "caption", index: bad, target: videoOfText[bad], count: videos)
        }
        let similarity = scores.values
        var textRanks: [Int] = []
        textRanks.reserveCapacity(texts)
        for t in 0..<texts {
            let row = t * videos, truth = similarity[row + videoOfText[t]]
            var rank = 0
            for v in 0..<videos where v != videoOfText[t] && similarity[row + v] >= truth { rank += 1 }
            textRanks.append(rank)
        }
        var videoRanks: [Int] = []
        for v in 0..<videos {
            let captions = (0..<texts).filter { videoOfText[$0] == v }
            guard !captions.isEmpty else { continue }
            let best = captions.map { t -> Int in
                let truth = similarity[t * videos + v]
                var rank = 0
                for other in 0..<texts where other != t && similarity[other * videos + v] >= truth && videoOfText[other] != v { rank += 1 }
                return rank
            }.min()!
            videoRanks.append(best)
        }
        textToVideo = RankMetrics(ranks: textRanks)
        videoToText = RankMetrics(ranks: videoRanks)
    }
}
