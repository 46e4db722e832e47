// Dual softmax and inverted softmax give the metrics torch gives on the same score matrices
// (Tests/Fixtures/metrics/query-normalization.json, scripts/make-query-normalization-fixture.py),
// and the evaluation reports them beside the plain metrics, which they leave unchanged.
import Foundation
import Testing
import ZooCore
import ZooTestSupport

private struct QueryNormalizationFixture: Decodable {
    struct Numbers: Decodable { var r1, r5, r10, median, mean: Double }
    struct Directions: Decodable { var text_to_video: Numbers; var video_to_text: Numbers }
    struct Case: Decodable {
        var name: String
        var scores: [[Double]]
        var plain: Directions
        var dualSoftmax: Directions
        var invertedSoftmax: Directions
        enum CodingKeys: String, CodingKey {
            case name, scores, plain
            case dualSoftmax = "dual-softmax"
            case invertedSoftmax = "inverted-softmax"
        }
    }
    var cases: [Case]
}

@Suite("Query-normalised scorings")
struct QueryNormalizationTests {
    private static func cases() throws -> [QueryNormalizationFixture.Case] {
        try JSONDecoder().decode(QueryNormalizationFixture.self, from: Data(contentsOf: fixturesDirectory
            .appendingPathComponent("metrics/query-normalization.json"))).cases
    }

    private static func expectSame(_ metrics: RankMetrics, _ numbers: QueryNormalizationFixture.Numbers, _ label: String) {
        #expect(abs(metrics.recallAt1 - numbers.r1) < 1e-9, "\(label) R@1")
        #expect(abs(metrics.recallAt5 - numbers.r5) < 1e-9, "\(label) R@5")
        #expect(abs(metrics.recallAt10 - numbers.r10) < 1e-9, "\(label) R@10")
        #expect(abs(metrics.medianRank - numbers.median) < 1e-9, "\(label) MdR")
        #expect(abs(metrics.meanRank - numbers.mean) < 1e-9, "\(label) MnR")
    }

    @Test("both scorings give torch's metrics in both directions")
    func matchesTorch() throws {
        for fixture in try Self.cases() {
            let size = fixture.scores.count
            let scores = try ScoreMatrix(fixture.scores.flatMap { $0.map(Float.init) }, texts: size, videos: size)
            let videoOfText = Array(0..<size)
            let plain = try RetrievalMetrics(scores: scores, videoOfText: videoOfText)
            Self.expectSame(plain.textToVideo, fixture.plain.text_to_video, "\(fixture.name) plain t2v")
            for (normalization, expected) in [(QueryNormalization.dualSoftmax, fixture.dualSoftmax), (.invertedSoftmax, fixture.invertedSoftmax)] {
                let metrics = try normalization.metrics(scores, videoOfText: videoOfText)
                Self.expectSame(metrics.textToVideo, expected.text_to_video, "\(fixture.name) \(normalization.rawValue) t2v")
                Self.expectSame(metrics.videoToText, expected.video_to_text, "\(fixture.name) \(normalization.rawValue) v2t")
            }
        }
    }
}
