import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A long-lived `python3` child that answers one line per request line: the benchmarks' way of
/// timing numpy and PyTorch in the same run as the zoo, sample for sample.
final class PythonHelper {
    private let process: Process
    private let input: FileHandle
    private let outputFD: Int32
    private var buffer: [UInt8] = []

    /// Starts `python3 arguments...` with `environment` changes applied (nil removes a variable),
    /// or returns nil when python3 cannot be started. The child's stderr is ours unless
    /// `discardErrors` (PyTorch's import warnings, say).
    init?(arguments: [String], environment changes: [String: String?], discardErrors: Bool = false) {
        // A helper that exits early (python3 missing, torch failing to import) closes its end
        // of the pipe; a later write would raise SIGPIPE and kill the benchmark. Ignored, the
        // write fails with EPIPE instead, which `request` and `deinit` handle.
        signal(SIGPIPE, SIG_IGN)
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in changes { environment[name] = value }
        let toChild = Pipe(), fromChild = Pipe()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.environment = environment
        process.standardInput = toChild
        process.standardOutput = fromChild
        if discardErrors { process.standardError = FileHandle.nullDevice }
        do { try process.run() } catch { return nil }
        input = toChild.fileHandleForWriting
        outputFD = fromChild.fileHandleForReading.fileDescriptor
    }

    deinit {
        if process.isRunning {
            try? input.write(contentsOf: Data("quit\n".utf8))
            process.waitUntilExit()
        }
    }

    /// Sends one request line and returns the answer line, or nil when the helper is gone.
    func request(_ line: String) -> String? {
        do { try input.write(contentsOf: Data((line + "\n").utf8)) } catch { return nil }
        return readLine()
    }

    /// The next line the helper prints, or nil at end of output.
    func readLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let got = chunk.withUnsafeMutableBytes { read(outputFD, $0.baseAddress, 4096) }
            if got < 0 && errno == EINTR { continue }
            if got <= 0 { return nil }
            buffer.append(contentsOf: chunk[..<got])
        }
    }

    /// Stops the helper now (it is also stopped when released).
    func terminate() {
        if process.isRunning { process.terminate() }
    }
}
