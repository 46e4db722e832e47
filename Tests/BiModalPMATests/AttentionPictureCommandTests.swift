// `zoo attention bimodal-pma`: the attention picture of a randomly initialised Bi-modal PMA is a
// PNG, stdout names each stage's block and masked phrases per image, and other models fail.
import Foundation
import Testing
import ZooCatalog
import ZooCommandLine
@testable import BiModalPMA
import ZooCore
import ZooData
import ZooManifest
import ZooNN

private let registry = try! Registry(manifest: try! Manifest.parse(ZooCatalog.manifestJSON), entries: ZooCatalog.methodEntries)

/// Runs `zoo attention` with these arguments into a buffer.
private func attention(_ arguments: String...) -> (status: Int32, output: String, errors: String) {
    let console = BufferConsole()
    let tool = CommandLineTool(name: "zoo", version: "test", summary: "test", commands: [AttentionPictureCommand(registry: registry)])
    let status = tool.run(["attention"] + arguments, console: console)
    return (status, console.output, console.errors)
}

@Suite("zoo attention")
struct AttentionPictureCommandTests {
    @Test("draws a random bimodal-pma's stage blocks and masked phrases; other models and missing weights fail")
    func randomModel() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-attention-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let weights = folder.appendingPathComponent("pma.safetensors")
        try registry.create("bimodal-pma").saveSafetensors(weights)
        let out = folder.appendingPathComponent("pma.png").path

        let result = attention("bimodal-pma", "--weights", weights.path, "--count", "2", "--out", out)
        #expect(result.status == 0, "\(result.errors)")
        #expect(!result.errors.contains("random"))
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out)))
        #expect(Array(bytes.prefix(8)) == PNGWriter.signature)
        let test = SynthFineSource.splits().test
        let lines = result.output.split(separator: "\n").map(String.init).filter { $0.hasPrefix("image ") }
        #expect(lines.count == 2)
        for (k, line) in lines.enumerated() {
            #expect(line.hasPrefix("image \(k): class \(test.label(k)) predicted "), "\(line)")
            #expect(line.contains("; masked phrases s1=[") && line.contains(" s2=[") && line.contains(" s3=["), "\(line)")
            // Three stages, each a block of the 4×4 grid of 2×2 blocks of cnn-small's 8×8 map, none picked twice.
            let blockText = line.components(separatedBy: "; blocks ")[1].components(separatedBy: ";")[0]
            let blocks = blockText.split(separator: " ").compactMap { Int($0.split(separator: "=").last ?? "") }
            #expect(blockText.hasPrefix("s1=") && blocks.count == 3 && Set(blocks).count == 3 && blocks.allSatisfy { (0..<16).contains($0) },
                    "\(line)")
        }

        let random = attention("bimodal-pma", "--count", "1", "--out", out)
        #expect(random.status == 0 && random.errors.contains("random weights"), "\(random.errors)")
        let other = attention("cnn-small", "--out", out)
        #expect(other.status == 1 && other.errors.contains("\"cnn-small\" is not bimodal-pma"), "\(other.errors)")
        let missing = attention("bimodal-pma", "--weights", folder.appendingPathComponent("none.safetensors").path, "--out", out)
        #expect(missing.status == 1 && missing.errors.contains("no such file"), "\(missing.errors)")
    }
}
