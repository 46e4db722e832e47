import Foundation
import Testing
import ZooCommandLine
import ZooCommands
import ZooData

/// Runs `zoo data` with these arguments into a buffer.
private func data(_ arguments: String...) -> (status: Int32, output: String, errors: String) {
    let console = BufferConsole()
    let tool = CommandLineTool(name: "zoo", version: "test", summary: "test", commands: [DataPreviewCommand()])
    let status = tool.run(["data"] + arguments, console: console)
    return (status, console.output, console.errors)
}

/// A path in a fresh temporary folder (removed at the end of the process by the system).
private func temporaryPath(_ name: String) throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-data-preview-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent(name).path
}

@Suite("zoo data preview")
struct DataPreviewCommandTests {
    @Test("writes a PNG contact sheet and says what it shows")
    func png() throws {
        let out = try temporaryPath("sheet.png")
        defer { try? FileManager.default.removeItem(atPath: (out as NSString).deletingLastPathComponent) }
        let result = data("preview", "synthvtt", "--out", out, "--videos", "2", "--seed", "5")
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("2 videos of synthvtt/test (seed 5)"))
        #expect(result.output.contains("synthvtt/test: 500 videos, 500 captions, 75 temporal pairs"))
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out)))
        #expect(Array(bytes.prefix(8)) == PNGWriter.signature)
        // IHDR width: margins around 8 frames of 32 pixels at 3x with 4-pixel gaps.
        let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 8 * 96 + 7 * 4 + 2 * 10)
    }

    @Test("an .svg sheet embeds the frames as PNG images and the captions as text")
    func svg() throws {
        let out = try temporaryPath("sheet.svg")
        defer { try? FileManager.default.removeItem(atPath: (out as NSString).deletingLastPathComponent) }
        let result = data("preview", "synthvtt", "--out", out, "--split", "train", "--videos", "1")
        #expect(result.status == 0, "\(result.errors)")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        let train = try SynthVTT.split(.train)
        #expect(text.hasPrefix("<svg") && text.contains("data:image/png;base64,"))
        #expect(text.contains(train.captions(ofVideo: 0)[0]))
    }

    @Test("--pairs shows each temporal pair's twins one after the other, and fails on train")
    func pairs() throws {
        let out = try temporaryPath("pairs.svg")
        defer { try? FileManager.default.removeItem(atPath: (out as NSString).deletingLastPathComponent) }
        #expect(data("preview", "synthvtt", "--out", out, "--pairs", "--videos", "2").status == 0)
        let test = try SynthVTT.split(.test)
        let (a, b) = test.temporalPairs[0]
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.contains("#\(a)  synthvtt/test  temporal pair with #\(b)"))
        #expect(text.contains("#\(b)  synthvtt/test  temporal pair with #\(a)"))
        let train = data("preview", "synthvtt", "--out", out, "--pairs", "--split", "train")
        #expect(train.status == 1 && train.errors.contains("no temporal pairs"))
    }

    @Test("an unknown dataset fails and suggests the nearest one")
    func unknownDataset() {
        let result = data("preview", "msrvtt")
        #expect(result.status == 1)
        #expect(result.errors.contains("unknown dataset \"msrvtt\"") && result.errors.contains("Did you mean \"synthvtt\"?"))
    }

    @Test("an unknown action, split, count or file type is a usage error")
    func usageErrors() {
        #expect(data("show", "synthvtt").status == 2)
        #expect(data("preview", "synthvtt", "--split", "dev").status == 2)
        #expect(data("preview", "synthvtt", "--videos", "0").status == 2)
        #expect(data("preview", "synthvtt", "--out", "sheet.jpg").status == 2)
    }
}
