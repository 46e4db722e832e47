// A similarity head trains as a model: composed with a CLIP backbone chosen by name, trained
// with `zoo train`, and its checkpoint evaluated by `zoo eval` to the same numbers.
import Foundation
import Testing
import ZooCatalog
import ZooCommandLine
import ZooCommands
import ZooCore
import ZooNN
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

    @Test("--weight-precision float16 stores CLIP's converted weights at fp16, leaves its embeddings fp32, and is refused without CLIP")
    func float16Storage() throws {
        let dataset = try MSRVTTFixture.shared()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("fp16-run-\(UUID())")
        defer { try? FileManager.default.removeItem(at: out) }
        let train = zoo("train", "clip4clip-meanp", "--backbone", "clip-tiny", "--backbone-weights", tinyCLIP,
                        "--data", "msrvtt:\(dataset.directory.path)", "--frames", "4", "--batch-size", "3", "--steps", "2",
                        "--weight-precision", "float16", "--out", out.path, "--json")
        #expect(train.status == 0, "\(train.errors)")
        let checkpoint = try SafetensorsFile(contentsOf: out.appendingPathComponent("last.safetensors"))   // a training checkpoint: model/ keys
        for key in ["clip.visual.conv1.weight", "clip.transformer.resblocks.0.attn.in_proj_weight", "clip.transformer.resblocks.1.mlp.c_fc.weight",
                    "clip.text_projection", "clip.visual.proj"] {
            #expect(try checkpoint.floats("model/" + key).allSatisfy { Float(Float16($0)) == $0 }, "\(key) is not at fp16 resolution")
        }
        #expect(try checkpoint.floats("model/clip.token_embedding.weight").contains { Float(Float16($0)) != $0 }, "embeddings stay fp32")
        let refused = zoo("train", "mlp-student", "--weight-precision", "float16", "--steps", "1",
                          "--out", out.appendingPathComponent("mlp").path)
        #expect(refused.status == 1 && refused.errors.contains("float16 storage reproduces"), "\(refused.errors)")
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
