// `zoo train` then `zoo eval` end to end on a six-video MSR-VTT-format dataset made with
// ffmpeg's testsrc2 (skipped, with a message, when ffmpeg is absent).
import Foundation
import Testing
import ZooCatalog
import ZooCommandLine
import ZooCommands
import ZooCore
import ZooData
import ZooManifest
import ZooTestSupport

private let registry = commandTestRegistry
private let tinyCLIP = fixturesDirectory.appendingPathComponent("tiny-clip").path

private func zoo(_ arguments: String...) -> (status: Int32, output: String, errors: String) {
    runZoo([TrainCommand(registry: registry), EvalCommand(registry: registry)], arguments)
}

@Suite("zoo train and zoo eval on MSR-VTT-format data", .enabled(if: FFmpeg.isAvailable, "ffmpeg is not installed: apt-get install ffmpeg"))
struct TrainEvalCommandTests {
    @Test("train from the tiny HF CLIP for two steps, then evaluate its best checkpoint on the 1k-A-style test list")
    func trainThenEvaluate() throws {
        let dataset = try MSRVTTFixture.shared()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID())")
        defer { try? FileManager.default.removeItem(at: out) }
        let data = "msrvtt:\(dataset.directory.path)"
        let train = zoo("train", "clip-tiny", "--init", tinyCLIP, "--data", data, "--frames", "4", "--batch-size", "3",
                        "--steps", "2", "--lr", "1e-4", "--out", out.path, "--json")
        #expect(train.status == 0, "\(train.errors)")
        for file in ["last.safetensors", "best.safetensors", "log.jsonl", "metrics.json"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
        }
        let evaluation = zoo("eval", "clip-tiny", "--weights", out.appendingPathComponent("best.safetensors").path,
                             "--data", data, "--frames", "4", "--json")
        #expect(evaluation.status == 0, "\(evaluation.errors)")
        let result = try JSONDecoder().decode(RetrievalEvaluation.self, from: Data(evaluation.output.utf8))
        #expect(result.metrics.textToVideo.queries == dataset.testPairs.count)
        #expect(result.metrics.textToVideo.recallAt10 == 100)            // three videos: every rank is < 10
        #expect((1...3).contains(result.metrics.textToVideo.medianRank))
        // The same weights through the HF loader give the same numbers as the checkpoint.
        let direct = zoo("eval", "clip-tiny", "--weights", tinyCLIP, "--data", data, "--frames", "4", "--json")
        #expect(direct.status == 0, "\(direct.errors)")
    }

    @Test("a video missing from the folder is named in the error")
    func missingVideo() throws {
        let dataset = try MSRVTTFixture.make(in: FileManager.default.temporaryDirectory.appendingPathComponent("msrvtt-\(UUID())"))
        defer { try? FileManager.default.removeItem(at: dataset.directory) }
        let victim = dataset.testPairs[0].videoID
        try FileManager.default.removeItem(at: dataset.directory.appendingPathComponent("videos/\(victim).mp4"))
        let result = zoo("eval", "clip-tiny", "--weights", tinyCLIP, "--data", "msrvtt:\(dataset.directory.path)", "--frames", "4")
        #expect(result.status == 1)
        #expect(result.errors.contains(victim))
    }
}
