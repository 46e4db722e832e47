import Foundation
import Testing
import ZooCore
import ZooTestSupport

@Suite("Retrieval metrics")
struct RetrievalMetricsTests {
    @Test("ranks, recalls, median and mean rank of a hand-computed 4×4 matrix")
    func handComputed() throws {
        // Text 0 finds video 0 first; text 1 ranks its video second; text 2 fourth; text 3 first.
        let similarity: [Float] = [
            0.9, 0.1, 0.2, 0.3,
            0.8, 0.7, 0.1, 0.0,
            0.5, 0.6, 0.1, 0.7,
            0.0, 0.1, 0.2, 0.9,
        ]
        let metrics = try RetrievalMetrics(scores: ScoreMatrix(similarity, texts: 4, videos: 4), videoOfText: [0, 1, 2, 3])
        #expect(metrics.textToVideo.recallAt1 == 50)
        #expect(metrics.textToVideo.recallAt5 == 100)
        #expect(metrics.textToVideo.medianRank == 1.5)       // ranks 0, 1, 3, 0 → median 0.5, +1
        #expect(metrics.textToVideo.meanRank == 2)           // mean 1, +1
        // Columns: video 0's caption (0.9) is first; video 1's (0.7) beats {0.1, 0.6, 0.1}.
        // Video 2: 0.1 vs {0.2, 0.1, 0.2} → 3 others ≥ → rank 3. Video 3: 0.9 vs {0.3, 0.0, 0.7} → rank 0.
        #expect(metrics.videoToText.recallAt1 == 75)
        #expect(metrics.videoToText.meanRank == 1.75)
    }

    @Test("ties count against the model: a constant similarity gets the worst rank")
    func ties() throws {
        let metrics = try RetrievalMetrics(scores: ScoreMatrix([Float](repeating: 1, count: 9), texts: 3, videos: 3), videoOfText: [0, 1, 2])
        #expect(metrics.textToVideo.recallAt1 == 0)
        #expect(metrics.textToVideo.medianRank == 3)
        let partial = try RetrievalMetrics(scores: ScoreMatrix([1, 1, 0, 0, 1, 0, 0, 0, 1], texts: 3, videos: 3), videoOfText: [0, 1, 2])
        #expect(partial.textToVideo.recallAt1 == Double(200) / 3)   // text 0 ties with video 1 → rank 1
    }

    @Test("several captions per video: each video's best caption against every other video's best")
    func multipleCaptions() throws {
        // Texts 0 and 1 describe video 0, text 2 video 1.
        let similarity: [Float] = [0.2, 0.9, 0.8, 0.1, 0.3, 0.7]
        let metrics = try RetrievalMetrics(scores: ScoreMatrix(similarity, texts: 3, videos: 2), videoOfText: [0, 0, 1])
        #expect(metrics.textToVideo.queries == 3 && metrics.videoToText.queries == 2)
        #expect(metrics.textToVideo.recallAt1 == Double(200) / 3)     // text 0 misses
        // Video 0: its best caption, text 1 (0.8), beats video 1's best, text 2 (0.3). Video 1: video
        // 0's best caption for it, text 0 (0.9), outscores its own, text 2 (0.7).
        #expect(metrics.videoToText.recallAt1 == 50)
        #expect(metrics.videoToText.meanRank == 1.5)
    }

    @Test("equal to CLIP4Clip's metrics.py on matrices with 1-4 captions per video and with one",
          arguments: [0, 1, 2, 3])
    func officialMetrics(caseIndex: Int) throws {
        // Made by scripts/make-metrics-fixture.py with torch and numpy, as the official eval_epoch does.
        let url = fixturesDirectory.appendingPathComponent("metrics/retrieval-metrics.json")
        let root = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let cases = try #require(root["cases"] as? [[String: Any]])
        let fixture = cases[caseIndex]
        let rows = try #require(fixture["scores"] as? [[Double]])
        let videoOfText = try #require(fixture["video_of_caption"] as? [Int])
        let scores = try ScoreMatrix(rows.flatMap { $0.map(Float.init) }, texts: rows.count, videos: rows[0].count)
        let metrics = try RetrievalMetrics(scores: scores, videoOfText: videoOfText)
        for (direction, ours) in [("text_to_video", metrics.textToVideo), ("video_to_text", metrics.videoToText)] {
            let expected = try #require(fixture[direction] as? [String: Double])
            for (key, value) in [("R1", ours.recallAt1), ("R5", ours.recallAt5), ("R10", ours.recallAt10),
                                 ("MedianR", ours.medianRank), ("MeanR", ours.meanRank)] {
                #expect(abs(value - expected[key]!) < 1e-9, "\(fixture["name"]!) \(direction) \(key): \(value) vs \(expected[key]!)")
            }
        }
    }

    @Test("the median of an even number of ranks: numpy's mean of the middles, or torch's lower middle")
    func medianRules() {
        #expect(RankMetrics(ranks: [0, 1, 2, 5]).medianRank == 2.5)
        #expect(RankMetrics(ranks: [0, 1, 2, 5], median: .lowerMiddle).medianRank == 2)
        #expect(RankMetrics(ranks: [0, 1, 2], median: .lowerMiddle).medianRank == 2)
    }

    @Test("one NaN score is an error naming how many and the first (caption, video), never a hit")
    func nanScoreIsAnError() {
        // Before scores were checked, the NaN ground truth of caption 1 ranked first (NaN ≥ x is false).
        let scores: [Float] = [0.9, 0.1, 0.2, 0.3, .nan, 0.4]
        do {
            _ = try ScoreMatrix(scores, texts: 2, videos: 3)
            Issue.record("a NaN score was accepted")
        } catch {
            #expect(error.description.contains("1 of the 2 × 3 text–video scores are not finite"))
            #expect(error.description.contains("caption 1, video 1"))
        }
    }

    @Test("infinite scores are errors too, counted")
    func infiniteScoresAreErrors() {
        let scores: [Float] = [.infinity, 0.1, 0.2, -.infinity]
        do {
            _ = try ScoreMatrix(scores, texts: 2, videos: 2)
            Issue.record("infinite scores were accepted")
        } catch let EvaluationError.nonFiniteScores(count, _, _, text, video, value, _) {
            #expect(count == 2 && text == 0 && video == 0 && value == .infinity)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("a ground truth outside the matrix is an error, not a crash")
    func groundTruthOutOfRange() throws {
        let scores = try ScoreMatrix([1, 2, 3, 4], texts: 2, videos: 2)
        #expect(throws: EvaluationError.self) { _ = try RetrievalMetrics(scores: scores, videoOfText: [0, 2]) }
        #expect(throws: EvaluationError.self) { _ = try RetrievalMetrics(scores: scores, videoOfText: [0]) }
        #expect(throws: EvaluationError.self) { _ = try ScoreMatrix([1, 2, 3], texts: 2, videos: 2) }
    }
}
