// The field's benchmarks in their official layouts: `zoo data check --json` lists exactly the
// (video, caption) pairs, in order, that CLIP4Clip's dataloader classes build from the same files
// (Tests/Fixtures/datasets/*/expected.json, made with the official code), and `zoo eval` runs on
// every layout end to end with the tiny CLIP.
import Foundation
import Testing
import ZooCommands
import ZooCore
import ZooData
import ZooTestSupport

private let tinyCLIP = fixturesDirectory.appendingPathComponent("tiny-clip").path

private func zoo(_ arguments: [String]) -> (status: Int32, output: String, errors: String) {
    runZoo([TrainCommand(registry: commandTestRegistry), EvalCommand(registry: commandTestRegistry), DataPreviewCommand()], arguments)
}

/// The parts of `zoo data check --json` these tests read.
struct CheckOutput: Decodable {
    struct Split: Decodable {
        struct Pair: Decodable, Equatable { var video: String; var caption: String }
        struct Lengths: Decodable { var minimum: Int; var maximum: Int; var truncated: Int }
        var split: String
        var videos: Int
        var captions: Int
        var missing: [SkippedVideo]
        var undecodable: [SkippedVideo]?
        var withinMaxMissing: Bool
        var sampledFrames: Lengths?
        var pairs: [Pair]?
    }
    var dataset: String
    var splits: [Split]
}

@Suite("The official dataset layouts", .enabled(if: FFmpeg.isAvailable, "ffmpeg is not installed: apt-get install ffmpeg"))
struct DatasetLayoutTests {
    @Test("zoo data check --json lists the official dataloader's pairs, in order, for every split",
          arguments: ["msvd", "lsmdc", "didemo", "activitynet", "msrvtt"])
    func pairsMatchTheOfficialLoader(name: String) throws {
        let fixture = try DatasetLayoutFixture.make(name)
        defer { fixture.remove() }
        for (split, expected) in fixture.splits.sorted(by: { $0.key < $1.key }) {
            let result = zoo(["data", "check", "\(name):\(fixture.directory.path)", "--split", split, "--json"])
            #expect(result.status == 0, "\(name) \(split): \(result.errors)")
            let report = try JSONDecoder().decode(CheckOutput.self, from: Data(result.output.utf8))
            let found = try #require(report.splits.first)
            #expect(found.pairs == expected.map { CheckOutput.Split.Pair(video: $0.id, caption: $0.caption) }, "\(name) \(split)")
            #expect(found.missing.isEmpty && found.undecodable == [], "\(name) \(split)")
            #expect(found.videos == Set(expected.map(\.id)).count)
            // DiDeMo and ActivityNet: the seconds read are the official loader's span (start 0, end E).
            if expected.contains(where: { $0.end != nil }) {
                let annotated = try #require(try DataSpec("\(name):\(fixture.directory.path)").annotatedSplit(split, paths: [:]))
                let lastSecond = Dictionary(annotated.videos.map { ($0.id, $0.lastSecond) }) { first, _ in first }
                for pair in expected {
                    #expect(pair.start == 0, "\(name) \(split) \(pair.id)")
                    #expect(lastSecond[pair.id] == pair.end, "\(name) \(split) \(pair.id): reads to \(String(describing: lastSecond[pair.id])), officially \(String(describing: pair.end))")
                }
            }
        }
    }

    @Test("DiDeMo reads seconds 0 to 31 of a longer video, as the official loader's span")
    func didemoSpan() throws {
        let fixture = try DatasetLayoutFixture.make("didemo") { _ in 40 }
        defer { fixture.remove() }
        let result = zoo(["data", "check", "didemo:\(fixture.directory.path)", "--split", "test", "--json"])
        #expect(result.status == 0, "\(result.errors)")
        let report = try JSONDecoder().decode(CheckOutput.self, from: Data(result.output.utf8))
        #expect(report.splits.first?.sampledFrames?.maximum == 32)
    }

    @Test("zoo eval runs end to end on every layout with the tiny CLIP",
          arguments: ["msvd", "lsmdc", "didemo", "activitynet", "msrvtt"])
    func evaluatesEveryLayout(name: String) throws {
        let fixture = try DatasetLayoutFixture.make(name)
        defer { fixture.remove() }
        let result = zoo(["eval", "clip-tiny", "--weights", tinyCLIP, "--data", "\(name):\(fixture.directory.path)", "--frames", "4", "--json"])
        #expect(result.status == 0, "\(name): \(result.errors)")
        let evaluation = try JSONDecoder().decode(RetrievalEvaluation.self, from: Data(result.output.utf8))
        let testSplit = fixture.splits[name == "activitynet" ? "val" : name == "msrvtt" ? "test-1k-a" : "test"] ?? []
        #expect(evaluation.metrics.textToVideo.queries == testSplit.count)
        #expect(evaluation.metrics.videoToText.queries == Set(testSplit.map(\.id)).count)
    }

    @Test("the MSR-VTT splits are selectable by name, and an unknown one is refused with the known names")
    func msrvttSplits() throws {
        let fixture = try DatasetLayoutFixture.make("msrvtt")
        defer { fixture.remove() }
        let data = "msrvtt:\(fixture.directory.path)"
        let full = zoo(["eval", "clip-tiny", "--weights", tinyCLIP, "--data", data, "--frames", "2", "--test-split", "test-full", "--json"])
        #expect(full.status == 0, "\(full.errors)")
        let evaluation = try JSONDecoder().decode(RetrievalEvaluation.self, from: Data(full.output.utf8))
        #expect(evaluation.metrics.textToVideo.queries == fixture.splits["test-full"]?.count)
        let unknown = zoo(["eval", "clip-tiny", "--weights", tinyCLIP, "--data", data, "--test-split", "test-2k"])
        #expect(unknown.status == 1)
        #expect(unknown.errors.contains("test-full") && unknown.errors.contains("train-7k"))
    }

    @Test("--dual-softmax and --inverted-softmax are reported next to the plain metrics, which stay the same")
    func queryNormalizationsBesidePlainMetrics() throws {
        let fixture = try DatasetLayoutFixture.make("msvd")
        defer { fixture.remove() }
        let base = ["eval", "clip-tiny", "--weights", tinyCLIP, "--data", "msvd:\(fixture.directory.path)", "--frames", "2"]
        let plain = zoo(base + ["--json"]), both = zoo(base + ["--json", "--dual-softmax", "--inverted-softmax"])
        #expect(plain.status == 0 && both.status == 0, "\(plain.errors) \(both.errors)")
        let plainEvaluation = try JSONDecoder().decode(RetrievalEvaluation.self, from: Data(plain.output.utf8))
        let bothEvaluation = try JSONDecoder().decode(RetrievalEvaluation.self, from: Data(both.output.utf8))
        #expect(bothEvaluation.metrics == plainEvaluation.metrics)
        #expect(plainEvaluation.dualSoftmax == nil && plainEvaluation.invertedSoftmax == nil)
        #expect(bothEvaluation.dualSoftmax != nil && bothEvaluation.invertedSoftmax != nil)
        let table = zoo(base + ["--dual-softmax"])
        #expect(table.output.contains("text→video, dual softmax") && !table.output.contains("inverted"))
    }
}

@Suite("Dataset options that would do nothing are refused")
struct DatasetOptionRefusalTests {
    @Test("a split, --max-missing or --words that the data cannot use is refused, never ignored", arguments: [
        (["eval", "clip-tiny", "--weights", tinyCLIP, "--data", "synthvtt", "--test-split", "full"], "fixed"),
        (["eval", "clip-tiny", "--weights", tinyCLIP, "--data", "synthvtt", "--max-missing", "5%"], "video files"),
        (["eval", "clip-tiny", "--weights", tinyCLIP, "--data", "synthvtt", "--max-missing", "150%"], "percentage"),
        (["eval", "clip-tiny", "--weights", tinyCLIP, "--data", "synthvtt", "--words", "1"], "at least 2"),
        (["train", "mlp-student", "--data", "digits", "--words", "16", "--steps", "1", "--out", "/nonexistent/never"], "caption tokens"),
        (["train", "mlp-student", "--data", "digits", "--dual-softmax", "--steps", "1", "--out", "/nonexistent/never"], "re-scores"),
        (["data", "check", "synthvtt"], "video-file datasets"),
        (["data", "check", "msvd:/nonexistent", "--out", "x.png"], "zoo data preview"),
        (["data", "preview", "synthvtt", "--json"], "zoo data check"),
    ])
    func refusals(arguments: [String], message: String) {
        let result = zoo(arguments)
        #expect(result.status != 0)
        #expect(result.errors.contains(message), "\(arguments): \(result.errors)")
    }
}
