// `zoo eval` on a `features:` folder of short videos, as a new user runs it: identical videos
// cannot be told apart (R@1 = 0, ties count against the model), and NaN features are an error
// that names the caption, not a table of recall.
import Foundation
import Testing
import ZooCommands
import ZooCore
import ZooNN
import ZooTestSupport

private let tinyCLIP = fixturesDirectory.appendingPathComponent("tiny-clip").path   // a HF CLIP, 32-wide embeddings

private func zoo(_ arguments: String...) -> (status: Int32, output: String, errors: String) {
    runZoo([EvalCommand(registry: commandTestRegistry), TrainCommand(registry: commandTestRegistry)], arguments)
}

/// 14 videos of 2 rows each (fewer than the 4 frames asked for, so 2 rows of zero padding), one caption each.
private func featuresFolder(row: (Int) -> [Float]) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("features-eval-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var writer = SafetensorsWriter()
    for video in 0..<14 { try writer.add("clip\(video)", floats: row(video) + row(video), shape: [2, 32]) }
    try writer.write(to: folder.appendingPathComponent("features.safetensors"))
    let captions = (0..<14).map { #"{"video": "clip\#($0)", "caption": "a person doing thing number \#($0)"}"# }
    try Data(#"{"test": [\#(captions.joined(separator: ","))]}"#.utf8).write(to: folder.appendingPathComponent("captions.json"))
    return folder
}

@Suite("zoo eval on precomputed features of short videos")
struct FeaturesEvalCommandTests {
    @Test("identical short videos give R@1 = 0 and the worst median rank")
    func identicalVideos() throws {
        let vector = (0..<32).map { Float($0 % 3) - 0.5 }
        let folder = try featuresFolder { _ in vector }
        defer { try? FileManager.default.removeItem(at: folder) }   // best-effort cleanup
        let result = zoo("eval", "clip-tiny", "--weights", tinyCLIP, "--data", "features:\(folder.path)", "--frames", "4", "--json")
        #expect(result.status == 0, "\(result.errors)")
        let evaluation = try JSONDecoder().decode(RetrievalEvaluation.self, from: Data(result.output.utf8))
        #expect(evaluation.metrics.textToVideo.recallAt1 == 0 && evaluation.metrics.textToVideo.recallAt5 == 0)
        #expect(evaluation.metrics.textToVideo.medianRank == 14)
    }

    @Test("a NaN in the features stops the evaluation with the video, the frame and the cause, exit 1")
    func nanFeatures() throws {
        let folder = try featuresFolder { video in (0..<32).map { video == 3 && $0 == 5 ? .nan : Float($0 + video) } }
        defer { try? FileManager.default.removeItem(at: folder) }   // best-effort cleanup
        let result = zoo("eval", "clip-tiny", "--weights", tinyCLIP, "--data", "features:\(folder.path)", "--frames", "4", "--json")
        #expect(result.status == 1)
        #expect(result.output.isEmpty, "no metrics are printed: \(result.output)")
        // Refused as it is read (#19), before any score; non-finite scores themselves are
        // refused by ScoreMatrix (RetrievalMetricsTests).
        #expect(result.errors.contains("frame 0 of video 'clip3' holds NaN or infinity"), "\(result.errors)")
    }

    @Test("a folder without a train split evaluates, but never trains on its test split instead")
    func missingTrainSplitStopsTraining() throws {
        let folder = try featuresFolder { video in (0..<32).map { Float(($0 * 7 + video) % 11) - 5 } }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("features-train-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder); try? FileManager.default.removeItem(at: out) }   // best-effort cleanup
        let evaluation = zoo("eval", "clip-tiny", "--weights", tinyCLIP, "--data", "features:\(folder.path)", "--frames", "4")
        #expect(evaluation.status == 0, "\(evaluation.errors)")
        let training = zoo("train", "clip-tiny", "--init", tinyCLIP, "--data", "features:\(folder.path)", "--frames", "4",
                           "--steps", "1", "--batch-size", "2", "--out", out.path)
        #expect(training.status == 1)
        #expect(training.errors.contains("train"), "\(training.errors)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("last.safetensors").path))
    }
}
