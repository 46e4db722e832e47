// `zoo similarity` reproduces the logits of every CLIP4Clip parity case from the case's own
// weights and inputs, and refuses weights that do not fit the head.
import Foundation
import Testing
import ZooCatalog
import ZooCommandLine
import ZooCommands
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor
import ZooTestSupport

private let registry = try! Registry(manifest: try! Manifest.parse(ZooCatalog.manifestJSON), entries: ZooCatalog.methodEntries)

private func similarity(_ arguments: [String]) -> (status: Int32, output: String, errors: String) {
    let console = BufferConsole()
    let tool = CommandLineTool(name: "zoo", version: "test", summary: "test", commands: [SimilarityCommand(registry: registry)])
    let status = tool.run(["similarity"] + arguments, console: console)
    return (status, console.output, console.errors)
}

private let clip4clipCases = ["clip4clip-meanp", "clip4clip-seqlstm", "clip4clip-seqtransf", "clip4clip-tighttransf", "xclip"]

@Suite("zoo similarity")
struct SimilarityCommandTests {
    @Test("reproduces each CLIP4Clip and X-CLIP parity case's logits from its weights and inputs", arguments: clip4clipCases)
    func reproducesParityLogits(name: String) throws {
        let parity = try ParityCase(named: name)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("similarity-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: out) }
        // Only the sizes the weights and inputs cannot tell are given (the fixtures' block and head counts).
        var sets = ["layers", "heads"].compactMap { key in (parity.config[key] as? Int).map { ["--set", "\(key)=\($0)"] } }.flatMap { $0 }
        if name == "xclip", let words = parity.config["Lw"] as? Int, let frames = parity.config["F"] as? Int {
            sets += ["--set", "words=\(words)", "--set", "frames=\(frames)"]   // X-CLIP's matrices are sized by them
        }
        let result = similarity([name, "--weights", parity.directory.appendingPathComponent("weights.safetensors").path,
                                 "--inputs", parity.directory.appendingPathComponent("inputs.safetensors").path,
                                 "--out", out.path] + sets)
        #expect(result.status == 0, "\(result.errors)")
        let logits = try SafetensorsFile(contentsOf: out).tensor("logits"), expected = parity.outputs["logits"]!
        #expect(logits.shape == expected.shape)
        expectClose(logits.scalars, expected.scalars, absolute: parity.absoluteTolerance(for: "logits"), relative: 1e-4, "\(name) logits")
    }

    @Test("prints the logits as JSON")
    func printsJSON() throws {
        let parity = try ParityCase(named: "clip4clip-meanp")
        let result = similarity(["clip4clip-meanp", "--weights", parity.directory.appendingPathComponent("weights.safetensors").path,
                                 "--inputs", parity.directory.appendingPathComponent("inputs.safetensors").path, "--json"])
        #expect(result.status == 0, "\(result.errors)")
        let json = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        let logits = json?["logits"] as? [String: Any]
        #expect(logits?["shape"] as? [Int] == [4, 4])
    }

    @Test("weights holding NaN are refused naming the tensor and the flag; --allow-nonfinite scores them, printing null")
    func nonFiniteWeightsNeedTheFlag() throws {
        let parity = try ParityCase(named: "clip4clip-meanp")
        let source = try SafetensorsFile(contentsOf: parity.directory.appendingPathComponent("weights.safetensors"))
        var writer = SafetensorsWriter()
        for name in source.names {
            let tensor = try source.tensor(name)
            try writer.add(name, floats: [Float](repeating: .nan, count: tensor.count), shape: tensor.shape)
        }
        let weights = FileManager.default.temporaryDirectory.appendingPathComponent("nan-weights-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: weights) }   // best-effort cleanup
        try writer.write(to: weights)
        let arguments = ["clip4clip-meanp", "--weights", weights.path,
                         "--inputs", parity.directory.appendingPathComponent("inputs.safetensors").path, "--json"]
        let refused = similarity(arguments)
        #expect(refused.status == 1 && refused.errors.contains("NaN or infinite") && refused.errors.contains("--allow-nonfinite"), "\(refused.errors)")
        let accepted = similarity(arguments + ["--allow-nonfinite"])
        #expect(accepted.status == 0, "\(accepted.errors)")
        #expect(accepted.output.contains("null") && !accepted.output.lowercased().contains("nan"), "\(accepted.output)")
    }

    @Test("weights of another head are refused with the keys that do not fit and exit 1")
    func refusesMismatchedWeights() throws {
        let seqTransf = try ParityCase(named: "clip4clip-seqtransf"), meanP = try ParityCase(named: "clip4clip-meanp")
        let result = similarity(["clip4clip-meanp", "--weights", seqTransf.directory.appendingPathComponent("weights.safetensors").path,
                                 "--inputs", meanP.directory.appendingPathComponent("inputs.safetensors").path, "--json"])
        #expect(result.status == 1)
        #expect(result.errors.contains("transformerClip"))
    }
}
