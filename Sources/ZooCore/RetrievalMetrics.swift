// Retrieval metrics as the CLIP4Clip family reports them: R@1/5/10 (percent), median and mean
// rank (1-based), text-to-video and video-to-text. They rank only a `ScoreMatrix`, whose scores
// are finite by construction: a NaN would otherwise rank first (it compares false with everything).
//
// Mirrors CLIP4Clip's metrics.py and main_task_retrieval.py (eval_epoch), shared by X-CLIP and
// TeachCLIP. With one caption per video (MSR-VTT 1k-A) both directions are `compute_metrics`
// (numpy's median: the mean of the two middle ranks). With several captions per video (the
// official `multi_sentence_per_video` datasets: MSVD, MSR-VTT's full test captions), text-to-video
// is `tensor_text_to_video_metrics` (torch.median: the lower middle rank) and video-to-text is
// `compute_metrics(tensor_video_to_text_sim(...))`: each video ranks its own best caption against
// the best-scoring caption of every other video, numpy's median. Deviation: a tie with the ground
// truth counts against the model here; the official code leaves ties to the sort order.

/// Recall at 1, 5, 10 (percent), median rank and mean rank (both 1-based), over queries.
public struct RankMetrics: Sendable, Equatable, Codable, CustomStringConvertible {
    public var recallAt1: Double
    public var recallAt5: Double
    public var recallAt10: Double
    public var medianRank: Double
    public var meanRank: Double
    public var queries: Int

    /// Which middle value an even number of ranks reports as the median.
    public enum MedianRule: Sendable {
        /// numpy's `np.median`: the mean of the two middle values.
        case meanOfMiddles
        /// `torch.median`: the lower of the two middle values.
        case lowerMiddle
    }

    /// From 0-based ranks of the ground truth (0 = retrieved first).
    public init(ranks: [Int], median rule: MedianRule = .meanOfMiddles) {
        let n = Double(Swift.max(ranks.count, 1))
        func recall(_ k: Int) -> Double { 100 * Double(ranks.filter { $0 < k }.count) / n }
        recallAt1 = recall(1); recallAt5 = recall(5); recallAt10 = recall(10)
        let sorted = ranks.sorted()
        // +1 for 1-based ranks.
        if sorted.isEmpty {
            medianRank = 0
        } else if sorted.count % 2 == 1 || rule == .lowerMiddle {
            medianRank = Double(sorted[(sorted.count - 1) / 2]) + 1
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
    /// Video-to-text ranks each captioned video's best caption score against the best caption
    /// score of every other captioned video (the official `tensor_video_to_text_sim`); with one
    /// caption per video that is the plain transposed ranking.
    /// - Throws: `EvaluationError.groundTruthOutOfRange` when a text's video is not a column.
    public init(textToVideo: RankMetrics, videoToText: RankMetrics) {
        (self.textToVideo, self.videoToText) = (textToVideo, videoToText)
    }

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
        // best[g * videos + v]: the highest score any caption of video g gives video v.
        var captionCount = [Int](repeating: 0, count: videos)
        var best = [Float](repeating: -.infinity, count: videos * videos)
        for t in 0..<texts {
            let group = videoOfText[t]
            captionCount[group] += 1
            for v in 0..<videos { best[group * videos + v] = Swift.max(best[group * videos + v], similarity[t * videos + v]) }
        }
        let captioned = (0..<videos).filter { captionCount[$0] > 0 }
        var videoRanks: [Int] = []
        videoRanks.reserveCapacity(captioned.count)
        for v in captioned {
            let truth = best[v * videos + v]
            videoRanks.append(captioned.filter { $0 != v && best[$0 * videos + v] >= truth }.count)
        }
        let multiCaption = captionCount.contains { $0 > 1 }
        textToVideo = RankMetrics(ranks: textRanks, median: multiCaption ? .lowerMiddle : .meanOfMiddles)
        videoToText = RankMetrics(ranks: videoRanks)
    }
}
