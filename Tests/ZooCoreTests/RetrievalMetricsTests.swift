import Testing
import ZooCore

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

    @Test("several captions per video: video-to-text takes the best-ranked caption")
    func multipleCaptions() throws {
        // Texts 0 and 1 describe video 0, text 2 video 1.
        let similarity: [Float] = [0.2, 0.9, 0.8, 0.1, 0.3, 0.7]
        let metrics = try RetrievalMetrics(scores: ScoreMatrix(similarity, texts: 3, videos: 2), videoOfText: [0, 0, 1])
        #expect(metrics.textToVideo.queries == 3 && metrics.videoToText.queries == 2)
        #expect(metrics.textToVideo.recallAt1 == Double(200) / 3)     // text 0 misses
        // Video 0: its best caption, text 1 (0.8), beats text 2 (0.3); text 0 (0.2) does not count
        // against it. Video 1: text 0 (0.9) outscores its caption, text 2 (0.7).
        #expect(metrics.videoToText.recallAt1 == 50)
        #expect(metrics.videoToText.meanRank == 1.5)
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
