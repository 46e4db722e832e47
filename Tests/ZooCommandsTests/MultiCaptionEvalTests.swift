// `zoo eval` on a `features:` test split with several captions per video reports what CLIP4Clip's
// evaluation reports on the same scores: the scores are taken from the library (the same run the
// command builds), and the official computation is re-done here the way metrics.py does it (a
// full sort per query, torch.median for text-to-video, a per-video maximum over its captions and
// numpy's median for video-to-text), independently of RetrievalMetrics' counting.
import Foundation
import Testing
import ZooCommands
import ZooCore
import ZooNN
import ZooTensor
import ZooTestSupport

private let tinyCLIP = fixturesDirectory.appendingPathComponent("tiny-clip").path

/// metrics.py's numbers for 0-based ranks: R@k in percent, the median as given, the mean + 1.
private func official(_ ranks: [Int], median: Double) -> [Double] {
    let n = Double(ranks.count)
    return [1, 5, 10].map { k in 100 * Double(ranks.filter { $0 < k }.count) / n } + [median, Double(ranks.reduce(0, +)) / n + 1]
}

/// The position of `value` in `row` sorted from high to low (the official sort-and-find).
private func position(of value: Float, in row: [Float]) -> Int { row.sorted(by: >).firstIndex(of: value)! }

@Suite("zoo eval with several captions per video")
struct MultiCaptionEvalTests {
    @Test("prints the official multi-caption metrics of the same scores")
    func officialMultiCaptionMetrics() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("multi-caption-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }   // best-effort cleanup
        var generator = RandomGenerator(seed: 7)
        var writer = SafetensorsWriter()
        let counts = [1, 3, 2, 4, 1, 2, 3, 1, 2, 4, 1, 2]   // 26 captions: an even count, where the medians differ
        for video in counts.indices {
            try writer.add("v\(video)", floats: (0..<(3 * 32)).map { _ in generator.nextNormal() }, shape: [3, 32])
        }
        try writer.write(to: folder.appendingPathComponent("features.safetensors"))
        let words = ["dog", "cat", "car", "tree", "river", "city", "child", "ball", "boat", "rain", "snow", "bird"]
        var entries: [String] = []
        for (video, count) in counts.enumerated() {
            for caption in 0..<count { entries.append(#"{"video": "v\#(video)", "caption": "a \#(words[video]) seen \#(caption) times"}"#) }
        }
        try Data(#"{"test": [\#(entries.joined(separator: ","))]}"#.utf8).write(to: folder.appendingPathComponent("captions.json"))

        let printed = runZoo([EvalCommand(registry: commandTestRegistry)],
                             ["eval", "clip-tiny", "--weights", tinyCLIP, "--data", "features:\(folder.path)", "--json"])
        #expect(printed.status == 0, "\(printed.errors)")
        let evaluation = try JSONDecoder().decode(RetrievalEvaluation.self, from: Data(printed.output.utf8))

        // The same run, from the library: its scores [26 captions, 12 videos].
        var experiment = try Experiment(resolving: "clip-tiny", in: commandTestRegistry)
        experiment.student.weights = tinyCLIP
        experiment.data.dataset = "features:\(folder.path)"
        let run = try BuiltRun(experiment, registry: commandTestRegistry, forTraining: false)
        guard case let .retrieval(splits, tokenizer) = run.data, let model = run.model.retrieval else {
            Issue.record("not a retrieval run"); return
        }
        let batcher = RetrievalBatcher(source: splits.test, tokenizer: tokenizer, contextLength: run.recipe.contextLength)
        let scores = try RetrievalEvaluator(batcher: batcher).scores(of: model)
        let videoOfCaption = counts.enumerated().flatMap { video, count in [Int](repeating: video, count: count) }
        #expect(scores.texts == videoOfCaption.count && scores.videos == counts.count)
        func row(_ t: Int) -> [Float] { Array(scores.values[(t * scores.videos)..<((t + 1) * scores.videos)]) }

        let textRanks = videoOfCaption.indices.map { t in position(of: row(t)[videoOfCaption[t]], in: row(t)) }
        let lowerMiddle = Double(textRanks.sorted()[(textRanks.count - 1) / 2]) + 1   // torch.median
        // best[v][g]: the best score a caption of video g gives video v (tensor_video_to_text_sim).
        let best = counts.indices.map { v in
            counts.indices.map { g in videoOfCaption.indices.filter { videoOfCaption[$0] == g }.map { row($0)[v] }.max()! }
        }
        let videoRanks = counts.indices.map { v in position(of: best[v][v], in: best[v]) }
        let sortedVideoRanks = videoRanks.sorted()
        let numpyMedian = Double(sortedVideoRanks[5] + sortedVideoRanks[6]) / 2 + 1   // 12 videos: the mean of the middles

        let t2v = evaluation.metrics.textToVideo, v2t = evaluation.metrics.videoToText
        #expect([t2v.recallAt1, t2v.recallAt5, t2v.recallAt10, t2v.medianRank, t2v.meanRank] == official(textRanks, median: lowerMiddle))
        #expect([v2t.recallAt1, v2t.recallAt5, v2t.recallAt10, v2t.medianRank, v2t.meanRank] == official(videoRanks, median: numpyMedian))
    }
}
