// Progress for people (a one-line bar on a terminal, periodic plain lines otherwise) and for
// scripts (a JSONL log with one object per step and per evaluation).
import Foundation

/// Writes progress to stderr and the JSONL log.
public final class ProgressReporter {
    let isTerminal: Bool
    let log: FileHandle?
    let logURL: URL?
    let started = Date()
    var lastLine = Date.distantPast
    public var quiet = false

    /// - logURL: the JSONL file (created or appended to).
    public init(logURL: URL?, isTerminal: Bool = isatty(STDERR_FILENO) != 0) throws {
        self.isTerminal = isTerminal
        self.logURL = logURL
        if let logURL {
            if !FileManager.default.fileExists(atPath: logURL.path) {
                _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: logURL)
            try handle.seekToEnd()
            log = handle
        } else {
            log = nil
        }
    }

    deinit { try? log?.close() }   // closing a log at exit cannot be acted on

    /// Drops the log lines of steps after `step` (an interrupted run wrote them past its last
    /// checkpoint; the resumed run writes them again), so each step is logged once.
    public func truncate(afterStep step: Int) throws {
        guard let log, let logURL else { return }
        let lines = try String(contentsOf: logURL, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
        let kept = lines.filter { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],   // a torn last line is dropped
                  let lineStep = object["step"] as? Int else { return false }
            return lineStep <= step
        }
        let text = kept.map { $0 + "\n" }.joined()
        try log.truncate(atOffset: 0)
        try log.write(contentsOf: Data(text.utf8))
        try log.seekToEnd()
    }

    /// One JSON object per line, keys sorted so logs diff cleanly.
    /// - Throws: when the line cannot be written (a full disk: the throwing `write(contentsOf:)`,
    ///   never the legacy `write(_:)`, which traps), or holds a value JSON cannot (NaN).
    public func record(_ object: [String: Any]) throws {
        guard let log else { return }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        do { try log.write(contentsOf: data + Data("\n".utf8)) } catch {
            // The handle's error does not say which file; the message should.
            let failure = error as NSError
            var info = failure.userInfo
            info[NSFilePathErrorKey] = logURL?.path
            throw NSError(domain: failure.domain, code: failure.code, userInfo: info)
        }
    }

    /// Writes to stderr. A failure there (a closed or full stderr) has no one left to tell, so it
    /// is dropped; the legacy `FileHandle.write(_:)` would trap instead.
    static func writeToStandardError(_ text: String) {
        do { try FileHandle.standardError.write(contentsOf: Data(text.utf8)) } catch {}
    }

    /// The progress line for `step` of `total`.
    public func step(_ step: Int, of total: Int, loss: Float, examplesPerSecond: Double) {
        guard !quiet else { return }
        let fraction = Double(step) / Double(Swift.max(total, 1))
        let elapsed = Date().timeIntervalSince(started)
        let eta = fraction > 0 ? elapsed / fraction - elapsed : 0
        let text = String(format: "step %d/%d  loss %.4f  %.1f ex/s  elapsed %@  eta %@", step, total, loss, examplesPerSecond,
                          Self.duration(elapsed), Self.duration(eta))
        if isTerminal {
            let width = 24, filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            Self.writeToStandardError("\r[\(bar)] \(text)\u{1B}[K")
            if step == total { Self.writeToStandardError("\n") }
        } else if Date().timeIntervalSince(lastLine) >= 10 || step == total || step == 1 {
            lastLine = Date()
            Self.writeToStandardError(text + "\n")
        }
    }

    /// A line that interrupts the bar (evaluations, checkpoints).
    public func note(_ text: String) {
        guard !quiet else { return }
        Self.writeToStandardError((isTerminal ? "\r\u{1B}[K" : "") + text + "\n")
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s % 3600 / 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
