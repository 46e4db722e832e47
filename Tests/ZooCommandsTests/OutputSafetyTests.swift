// Outputs never destroy inputs: `--out` onto a file the command reads is refused, an existing
// output needs --force; JSON output never holds a bare NaN; `zoo compare --seeds` refuses lists
// that would count a seed twice or nothing at all; resuming a finished run is not an error.
import Foundation
import Testing
import ZooCommandLine
@testable import ZooCommands
import ZooCore
import ZooData
import ZooManifest
import ZooNN
import ZooTensor
import ZooTestSupport

private let tinyCLIP = fixturesDirectory.appendingPathComponent("tiny-clip").path

private func zoo(_ arguments: String...) -> (status: Int32, output: String, errors: String) {
    runZoo([EmbedCommand(registry: commandTestRegistry), CompareCommand(registry: commandTestRegistry),
            TrainCommand(registry: commandTestRegistry)], arguments)
}

private func scratchFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outputs-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

@Suite("Outputs never destroy inputs")
struct OutputSafetyTests {
    @Test("--out onto the weights being read is refused and the weights stay as they were")
    func outputOntoInputIsRefused() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }   // best-effort cleanup
        let weights = folder.appendingPathComponent("clip.safetensors")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: tinyCLIP).appendingPathComponent("model.safetensors"), to: weights)
        let before = try Data(contentsOf: weights)
        let result = zoo("embed", "clip-tiny", "--weights", weights.path, "--text", "a dog", "--out", weights.path, "--force")
        #expect(result.status == 2)
        #expect(result.errors.contains("is a file this command reads"), "\(result.errors)")
        #expect(try Data(contentsOf: weights) == before)
        let intoFolder = zoo("embed", "clip-tiny", "--weights", tinyCLIP, "--text", "a dog", "--out", tinyCLIP + "/model.safetensors")
        #expect(intoFolder.status == 2 && intoFolder.errors.contains("is a file this command reads"), "\(intoFolder.errors)")
    }

    @Test("an existing --out needs --force")
    func existingOutputNeedsForce() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }   // best-effort cleanup
        let out = folder.appendingPathComponent("embeds.safetensors")
        #expect(zoo("embed", "clip-tiny", "--weights", tinyCLIP, "--text", "a dog", "--out", out.path).status == 0)
        let again = zoo("embed", "clip-tiny", "--weights", tinyCLIP, "--text", "a cat", "--out", out.path)
        #expect(again.status == 2 && again.errors.contains("already exists"), "\(again.errors)")
        #expect(zoo("embed", "clip-tiny", "--weights", tinyCLIP, "--text", "a cat", "--out", out.path, "--force").status == 0)
    }

    @Test("JSON output writes a non-finite value as null, never a bare nan")
    func nonFiniteIsNull() throws {
        let rows = EmbedCommand.rows(Tensor([1, .nan, .infinity, -2], shape: [2, 2]))
        #expect(JSONWriter.compact(rows) == "[[1.0, null], [null, -2.0]]")
    }

    @Test("--seeds must list each seed once, and at least one")
    func seedLists() {
        for (seeds, message) in [("", "at least one seed"), ("0,0", "more than once"), (",", "at least one seed")] {
            let result = zoo("compare", "mlp-student", "--seeds", seeds, "--steps", "1")
            #expect(result.status == 2 && result.errors.contains(message), "--seeds \"\(seeds)\": \(result.errors)")
        }
    }

    @Test("resuming a run that finished evaluates it again instead of failing")
    func resumingAFinishedRun() throws {
        let out = try scratchFolder().appendingPathComponent("run")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }   // best-effort cleanup
        let first = zoo("train", "mlp-student", "--steps", "2", "--out", out.path, "--json")
        #expect(first.status == 0, "\(first.errors)")
        let again = zoo("train", "mlp-student", "--steps", "2", "--out", out.path, "--resume", "--json")
        #expect(again.status == 0, "\(again.errors)")
        #expect(again.output == first.output)
    }
}
