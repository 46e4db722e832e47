// `zoo compare --pretrain-backbone`: the heads' backbone is trained alone once per seed, and every
// head starts from its checkpoint (with --freeze-visual its image encoder stays exactly that).
import Foundation
import Testing
import ZooCatalog
import ZooCommandLine
import ZooCommands
import ZooData
import ZooNN
import ZooTensor
import ZooTestSupport

private let registry = commandTestRegistry

private func zoo(_ arguments: [String]) -> (status: Int32, output: String, errors: String) {
    runZoo([CompareCommand(registry: registry)], arguments)
}

@Suite("zoo compare --pretrain-backbone", .enabled(if: FFmpeg.isAvailable, "ffmpeg is not installed: apt-get install ffmpeg"))
struct ComparePretrainedBackboneTests {
    @Test("the backbone trains once per seed and two heads start from it, its image encoder frozen")
    func headsStartFromThePretrainedBackbone() throws {
        let dataset = try MSRVTTFixture.shared()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("compare-backbone-\(UUID())")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = zoo(["compare", "clip4clip-meanp", "clip4clip-seqlstm", "--data", "msrvtt:\(dataset.directory.path)",
                          "--backbone", "clip-tiny", "--pretrain-backbone", "--backbone-steps", "2", "--freeze-visual",
                          "--frames", "4", "--batch-size", "3", "--steps", "2", "--out", out.path])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.components(separatedBy: "backbone clip-tiny, seed 0: trained alone first").count == 2,
                "trained once, not once per head:\n\(result.output)")
        let backbone = try SafetensorsFile(contentsOf: out.appendingPathComponent("backbone/clip-tiny-seed0/best.safetensors"))
        let pretrained = try backbone.tensor("model/visual.conv1.weight")
        // A random clip-tiny would differ from the pretrained one; the frozen copy must not.
        for head in ["clip4clip-meanp", "clip4clip-seqlstm"] {
            let trained = try SafetensorsFile(contentsOf: out.appendingPathComponent("\(head)/seed0/last.safetensors"))
            #expect(try trained.tensor("model/clip.visual.conv1.weight").scalars == pretrained.scalars, "\(head)")
        }
    }

    @Test("--pretrain-backbone without a head, or with --backbone-weights, is refused before anything trains")
    func misuseIsRefused() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("compare-backbone-\(UUID())")
        defer { try? FileManager.default.removeItem(at: out) }
        let noHead = zoo(["compare", "mlp-student", "--pretrain-backbone", "--steps", "1", "--out", out.path])
        #expect(noHead.status != 0 && noHead.errors.contains("similarity heads"), "\(noHead.errors)")
        let both = zoo(["compare", "clip4clip-meanp", "--pretrain-backbone", "--backbone-weights", "x.safetensors", "--out", out.path])
        #expect(both.status != 0 && both.errors.contains("not both"), "\(both.errors)")
        let stepsAlone = zoo(["compare", "clip4clip-meanp", "--backbone-steps", "5", "--out", out.path])
        #expect(stepsAlone.status != 0 && stepsAlone.errors.contains("add --pretrain-backbone"), "\(stepsAlone.errors)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("backbone").path))
    }
}
