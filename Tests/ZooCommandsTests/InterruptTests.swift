// Ctrl-C during `zoo train`, sent to the real program: it stops after the step in flight, says
// how to continue, keeps a checkpoint the resume takes, and exits 130 as interrupted programs do.
import Foundation
import Testing

@Suite("Ctrl-C during training")
struct InterruptTests {
    @Test("the first SIGINT stops after the current step with a resumable checkpoint and exit 130")
    func sigintStopsWithCheckpoint() throws {
        let runs = FileManager.default.temporaryDirectory.appendingPathComponent("interrupt-\(UUID())")
        defer { try? FileManager.default.removeItem(at: runs) }   // best-effort cleanup
        let out = runs.appendingPathComponent("mlp")
        let process = Process()
        process.executableURL = try zooExecutable()
        process.arguments = ["train", "mlp-student", "--steps", "100000", "--out", out.path]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        // Wait for a few logged steps (at most a minute), then press Ctrl-C.
        let log = out.appendingPathComponent("log.jsonl")
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let text = FileManager.default.contents(atPath: log.path), text.filter({ $0 == 0x0A }).count >= 3 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.interrupt()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130, "\(stderr)")
        #expect(stderr.contains("stopping after this step") && stderr.contains("interrupted after step"), "\(stderr)")
        #expect(stderr.contains("--resume"), "\(stderr)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("last.safetensors").path))
        // No half-written checkpoint is left behind.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }
}

/// The `zoo` program built beside the test bundle (`swift build --build-tests` builds it).
func zooExecutable() throws -> URL {
    let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [products, products.deletingLastPathComponent()].map { $0.appendingPathComponent("zoo") }
    return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
                        "zoo was not built next to the tests (looked in \(candidates.map(\.path)))")
}
