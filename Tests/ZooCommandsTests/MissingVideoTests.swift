// Missing and broken videos are skipped, never fatal, up to --max-missing: a split opens with the
// videos it finds, a video that does not decode is left out where it is met, and each one is
// named on stderr and in the run folder; past the threshold the run stops and says why.
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

/// A `list:FILE` dataset of twelve 2-second videos, two captions each, all in one split; then
/// `clip02` and `clip07` are deleted and `clip05` is overwritten with bytes that are no video.
private func damagedList() throws -> (list: URL, folder: URL) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-missing-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("clips"), withIntermediateDirectories: true)
    var csv = "video,caption\n"
    for index in 0..<12 {
        let path = folder.appendingPathComponent("clips/clip\(String(format: "%02d", index)).mp4").path
        _ = try FFmpeg().run(.ffmpeg, ["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=32x24:rate=5", "-t", "2",
                                       "-vf", "hue=h=\(30 * index)", "-pix_fmt", "yuv420p", path], input: path)
        csv += "clips/clip\(String(format: "%02d", index)).mp4,test pattern number \(index)\n"
        csv += "clips/clip\(String(format: "%02d", index)).mp4,\"a clip, turned \(30 * index) degrees\"\n"
    }
    let list = folder.appendingPathComponent("pairs.csv")
    try Data(csv.utf8).write(to: list)
    for gone in ["clip02", "clip07"] { try FileManager.default.removeItem(at: folder.appendingPathComponent("clips/\(gone).mp4")) }
    try Data(repeating: 0x5A, count: 4096).write(to: folder.appendingPathComponent("clips/clip05.mp4"))
    return (list, folder)
}

@Suite("Missing and broken videos", .enabled(if: FFmpeg.isAvailable, "ffmpeg is not installed: apt-get install ffmpeg"))
struct MissingVideoTests {
    @Test("with 2 of 12 videos missing and one corrupt, zoo eval completes, names the three, and scores the other nine")
    func evaluationSkipsThem() throws {
        let (list, folder) = try damagedList()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = zoo(["eval", "clip-tiny", "--weights", tinyCLIP, "--data", "list:\(list.path)", "--frames", "2",
                          "--max-missing", "30%", "--json"])
        #expect(result.status == 0, "\(result.errors)")
        for name in ["clip02", "clip05", "clip07"] { #expect(result.errors.contains(name), "\(name) not named: \(result.errors)") }
        let evaluation = try JSONDecoder().decode(RetrievalEvaluation.self, from: Data(result.output.utf8))
        #expect(evaluation.metrics.textToVideo.queries == 18)
        #expect(evaluation.metrics.videoToText.queries == 9)
        let skipped = try #require(evaluation.skippedVideos)
        #expect(skipped.map(\.id).sorted() == ["clips/clip02.mp4", "clips/clip05.mp4", "clips/clip07.mp4"])
        #expect(skipped.first { $0.id.contains("clip05") }?.stage == "decode")
        #expect(skipped.filter { $0.stage == "open" }.count == 2)
    }

    @Test("past --max-missing (default 1%) the split refuses to open, naming the missing videos and the flag")
    func thresholdStopsTheRun() throws {
        let (list, folder) = try damagedList()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = zoo(["eval", "clip-tiny", "--weights", tinyCLIP, "--data", "list:\(list.path)", "--frames", "2"])
        #expect(result.status == 1)
        #expect(result.errors.contains("clip02") && result.errors.contains("clip07") && result.errors.contains("--max-missing"))
        // One more than allowed: 2 missing + 1 broken = 3 > 20% of 12 (2), found while evaluating.
        let decoding = zoo(["eval", "clip-tiny", "--weights", tinyCLIP, "--data", "list:\(list.path)", "--frames", "2", "--max-missing", "20%"])
        #expect(decoding.status == 1)
        #expect(decoding.errors.contains("clip05"))
    }

    @Test("training drops a pair whose video does not decode from its batch, and records every left-out video in the run folder")
    func trainingDropsBrokenVideos() throws {
        let (list, folder) = try damagedList()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("run")
        let result = zoo(["train", "clip-tiny", "--init", tinyCLIP, "--data", "list:\(list.path)", "--frames", "2", "--batch-size", "20",
                          "--epochs", "1", "--max-missing", "30%", "--out", out.path])
        #expect(result.status == 0, "\(result.errors)")
        let lines = try String(contentsOf: out.appendingPathComponent("skipped-videos.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONDecoder().decode(SkippedVideo.self, from: Data($0.utf8)) }
        // The training and test splits are the same list (no split column), each with its own record:
        // the corrupt clip is in both only if the training batch (all 20 captions) met it too.
        #expect(Set(lines.map(\.id)) == ["clips/clip02.mp4", "clips/clip05.mp4", "clips/clip07.mp4"])
        #expect(lines.filter { $0.id == "clips/clip05.mp4" && $0.stage == "decode" }.count == 2)
        let log = try String(contentsOf: out.appendingPathComponent("log.jsonl"), encoding: .utf8)
        #expect(!log.contains("nan") && !log.contains("NaN"))
    }

    @Test("zoo data check names missing and undecodable videos and exits 1 past --max-missing")
    func checkReportsThem() throws {
        let (list, folder) = try damagedList()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = zoo(["data", "check", "list:\(list.path)", "--json"])
        #expect(result.status == 1)
        let report = try JSONDecoder().decode(CheckOutput.self, from: Data(result.output.utf8))
        let split = try #require(report.splits.first)
        #expect(split.split == "all" && split.videos == 10 && split.captions == 20 && !split.withinMaxMissing)
        #expect(split.missing.map(\.id) == ["clips/clip02.mp4", "clips/clip07.mp4"])
        #expect(split.undecodable?.map(\.id) == ["clips/clip05.mp4"])
        let allowed = zoo(["data", "check", "list:\(list.path)", "--max-missing", "25%", "--no-decode"])
        #expect(allowed.status == 0, "\(allowed.output)")
    }
}
