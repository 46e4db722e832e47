// Where commands write. Commands never call print() directly, so tests can capture both
// streams and check that results go to stdout and errors to stderr.
import Foundation

/// Output streams for a command: results on standard output, errors and notes on standard error.
public protocol Console: AnyObject {
    /// Writes `text` to standard output as is (add the newline yourself).
    func write(_ text: String)
    /// Writes `text` to standard error as is.
    func writeError(_ text: String)
    /// Whether standard output is a terminal (for progress bars and colour; false when piped).
    var isTerminal: Bool { get }
}

/// The process's real standard output and standard error.
public final class StandardConsole: Console {
    public init() {}

    public func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    public func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    public var isTerminal: Bool { isatty(STDOUT_FILENO) != 0 }
}

/// A console that keeps everything written to it, for tests.
public final class BufferConsole: Console {
    /// Everything written to standard output.
    public private(set) var output = ""
    /// Everything written to standard error.
    public private(set) var errors = ""
    public let isTerminal: Bool

    public init(isTerminal: Bool = false) { self.isTerminal = isTerminal }

    public func write(_ text: String) { output += text }
    public func writeError(_ text: String) { errors += text }
}
