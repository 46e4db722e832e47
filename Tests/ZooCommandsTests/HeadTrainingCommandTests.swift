// A similarity head trains as a model: composed with a CLIP backbone chosen by name, trained
// with `zoo train`, and its checkpoint evaluated by `zoo eval` to the same numbers.
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

@Suite("zoo train and zoo eval on a head composed with a backbone", .enabled(if: FFmpeg.isAvailable, "ffmpeg is not installed: apt-get install ffmpeg"))
struct HeadTrainingCommandTests {
    @Test("seqLSTM over the tiny HF CLIP trains, and its checkpoint evaluates to the numbers training reported")
    func headTrainsAndItsCheckpointEvaluates() throws {
        let dataset = try MSRVTTFixture.shared()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("head-run-\(UUID())")
        defer { try? FileManager.default.removeItem(at: out) }
        let data = "msrvtt:\(dataset.directory.path)"
        let train = zoo("train", "clip4clip-seqlstm", "--backbone", "clip-tiny", "--backbone-weights", tinyCLIP, "--data", data,
                        "--frames", "4", "--batch-size", "3", "--steps", "2", "--out", out.path, "--json")
        #expect(train.status == 0, "\(train.errors)")
        let trained = try JSONDecoder().decode(RetrievalEvaluation.self, from: Data(train.output.utf8))
        let checkpoint = out.appendingPathComponent("last.safetensors").path
        let evaluation = zoo("eval", "clip4clip-seqlstm", "--backbone", "clip-tiny", "--weights", checkpoint, "--data", data,
                             "--frames", "4", "--json")
        #expect(evaluation.status == 0, "\(evaluation.errors)")
        let reloaded = try JSONDecoder().decode(RetrievalEvaluation.self, from: Data(evaluation.output.utf8))
        #expect(reloaded == trained)
    }

    @Test("a head over a model that is not a contrastive backbone is refused with the fix")
    func wrongBackboneIsExplained() throws {
        let dataset = try MSRVTTFixture.shared()
        let result = zoo("train", "clip4clip-meanp", "--backbone", "clip4clip-seqlstm", "--data", "msrvtt:\(dataset.directory.path)",
                         "--steps", "1")
        #expect(result.status != 0)
        #expect(result.errors.contains("is not a backbone") && result.errors.contains("use one of clip-vit-b32"), "\(result.errors)")
    }
}
