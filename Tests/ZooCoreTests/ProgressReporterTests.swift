// The training log on a full disk: the write fails with an error naming the log, never a trap
// (Foundation's legacy `FileHandle.write(_:)` traps on ENOSPC; /dev/full answers every write so).
import Foundation
import Testing
import ZooCore

@Suite("Progress reporter")
struct ProgressReporterTests {
    @Test("a log line that cannot be written (a full disk) is an error naming the log file")
    func fullDiskIsAnError() throws {
        let full = URL(fileURLWithPath: "/dev/full")
        try #require(FileManager.default.fileExists(atPath: full.path), "this system has no /dev/full")
        let reporter = try ProgressReporter(logURL: full, isTerminal: false)
        reporter.quiet = true
        #expect {
            try reporter.record(["step": 1, "loss": 0.5])
        } throws: { error in
            (error as NSError).userInfo[NSFilePathErrorKey] as? String == full.path
        }
    }

    @Test("a value JSON cannot hold (NaN) is an error, not a silently missing line")
    func nanIsAnError() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("log-\(UUID()).jsonl")
        defer { try? FileManager.default.removeItem(at: log) }   // best-effort cleanup
        let reporter = try ProgressReporter(logURL: log, isTerminal: false)
        #expect(throws: (any Error).self) { try reporter.record(["loss": Double.nan]) }
        try reporter.record(["loss": 0.25])
        #expect(try String(contentsOf: log, encoding: .utf8) == "{\"loss\":0.25}\n")
    }
}
