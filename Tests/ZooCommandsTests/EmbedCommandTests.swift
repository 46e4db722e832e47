import Foundation
import Testing
import ZooCatalog
import ZooCommandLine
import ZooCommands
import ZooCore
import ZooData
import ZooManifest
import ZooNN
import ZooTensor
import ZooTestSupport

private let registry = try! Registry(manifest: try! Manifest.parse(ZooCatalog.manifestJSON), entries: ZooCatalog.methodEntries)
private let tinyCLIP = fixturesDirectory.appendingPathComponent("tiny-clip").path

/// A scratch folder with a 40×30 gradient PPM in it.
private func scratch() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("embed-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let image = RGBImage(width: 40, height: 30) { x, y in (UInt8(x * 6), UInt8(y * 8), 128) }
    try image.ppmData().write(to: folder.appendingPathComponent("x.ppm"))
    return folder
}

private func embed(_ arguments: [String], ffmpeg: FFmpeg = FFmpeg()) -> (status: Int32, output: String, errors: String) {
    let console = BufferConsole()
    let tool = CommandLineTool(name: "zoo", version: "test", summary: "test", commands: [EmbedCommand(registry: registry, ffmpeg: ffmpeg)])
    let status = tool.run(["embed"] + arguments, console: console)
    return (status, console.output, console.errors)
}

@Suite("zoo embed")
struct EmbedCommandTests {
    @Test("embeds a caption and a PPM with the tiny HF CLIP: unit vectors and scaled cosine logits")
    func textAndImage() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("embeds.safetensors")
        let result = embed(["clip-tiny", "--weights", tinyCLIP, "--text", "a dog", "--text", "a cat",
                            "--image", folder.appendingPathComponent("x.ppm").path, "--out", out.path, "--json"])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("\"logits_per_text\""))
        let file = try SafetensorsFile(contentsOf: out)
        let text = try file.tensor("text_embeds"), image = try file.tensor("image_embeds"), logits = try file.tensor("logits_per_text")
        #expect(text.shape == [2, 32] && image.shape == [1, 32] && logits.shape == [2, 1])
        expectClose((text * text).sum(axis: 1).scalars, [1, 1], absolute: 1e-5)
        let cosine = Tensor.matmul(text, image, transposeB: true) * Float(14.284855842590332)   // exp(2.6592)
        expectClose(logits.scalars, cosine.scalars, absolute: 1e-4)
    }

    @Test("a truncated checkpoint is refused with a clear error and exit 1")
    func truncatedWeights() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try Data(contentsOf: URL(fileURLWithPath: tinyCLIP).appendingPathComponent("model.safetensors"))
        let truncated = folder.appendingPathComponent("truncated.safetensors")
        try data.prefix(100_000).write(to: truncated)
        let result = embed(["clip-tiny", "--weights", truncated.path, "--text", "a dog", "--json"])
        #expect(result.status == 1)
        #expect(result.errors.contains("truncated"))
    }

    @Test("a directory without config.json says what it needs")
    func directoryWithoutConfig() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = embed(["clip-tiny", "--weights", folder.path, "--text", "a dog", "--json"])
        #expect(result.status == 1)
        #expect(result.errors.contains("config.json"))
    }

    @Test("an image ffmpeg cannot read is named in the error", .enabled(if: FFmpeg.isAvailable, "ffmpeg is not installed"))
    func unreadableImage() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bogus = folder.appendingPathComponent("bogus.jpg")
        try Data("not an image at all".utf8).write(to: bogus)
        let result = embed(["clip-tiny", "--weights", tinyCLIP, "--image", bogus.path, "--json"])
        #expect(result.status == 1)
        #expect(result.errors.contains("bogus.jpg"))
    }

    @Test("a missing ffmpeg gives the install hint and exit 1")
    func missingFFmpeg() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let jpeg = folder.appendingPathComponent("photo.jpg")
        try Data([0xFF, 0xD8, 0xFF, 0xE0]).write(to: jpeg)
        let result = embed(["clip-tiny", "--weights", tinyCLIP, "--image", jpeg.path, "--json"],
                           ffmpeg: FFmpeg(executable: "/nonexistent/ffmpeg", probeExecutable: "/nonexistent/ffprobe"))
        #expect(result.status == 1)
        #expect(result.errors.contains("apt-get install ffmpeg"))
    }

    @Test("usage errors: no weights, nothing to embed, no output")
    func usage() {
        #expect(embed(["clip-tiny", "--text", "a dog", "--json"]).status == 2)
        #expect(embed(["clip-tiny", "--weights", tinyCLIP, "--json"]).status == 2)
        #expect(embed(["clip-tiny", "--weights", tinyCLIP, "--text", "a dog"]).status == 2)
    }
}
