// Running a child process with Foundation.Process: no shell, stdin from /dev/null, stdout and
// stderr drained on their own threads (so neither pipe can fill up and stall the child), and a
// deadline after which the child is terminated, then killed.
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a finished (or stopped) child process left behind.
struct ChildProcessResult: Sendable {
    /// Exit status; the negated signal number when a signal ended it.
    var status: Int32
    var standardOutput: Data
    var standardError: Data
    /// Whether the deadline passed and the child was stopped.
    var timedOut: Bool
}

enum ChildProcess {
    /// Bytes read from one pipe, handed from the reading thread to the caller.
    private final class Drain: @unchecked Sendable {
        private let lock = NSLock()
        private var bytes = Data()
        func store(_ data: Data) { lock.lock(); bytes = data; lock.unlock() }
        var data: Data { lock.lock(); defer { lock.unlock() }; return bytes }
    }

    /// A started child: the process, its stdout and stderr pipes, and a semaphore signalled when
    /// it exits (observed through the termination handler: `waitUntilExit` polls a run loop and
    /// adds tens of milliseconds to every short run).
    struct Started {
        let process: Process
        let output: FileHandle
        let errors: FileHandle
        let exited: DispatchSemaphore
    }

    /// Starts `executable` (an absolute path) with `arguments`, no shell, stdin from /dev/null.
    /// Throws only when the process cannot be started.
    static func start(executable: String, arguments: [String]) throws -> Started {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let outputPipe = Pipe(), errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        process.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        return Started(process: process, output: outputPipe.fileHandleForReading, errors: errorPipe.fileHandleForReading,
                       exited: exited)
    }

    /// Starts `executable` with `arguments` and waits for it, at most `timeout` seconds.
    /// Throws only when the process cannot be started.
    static func run(executable: String, arguments: [String], timeout: Double) throws -> ChildProcessResult {
        let started = try start(executable: executable, arguments: arguments)
        let process = started.process, exited = started.exited

        let drained = DispatchGroup()
        let output = Drain(), errors = Drain()
        for (handle, drain) in [(started.output, output), (started.errors, errors)] {
            drained.enter()
            let reader = Thread {
                drain.store(Self.readToEnd(handle))
                drained.leave()
            }
            reader.stackSize = 1 << 20
            reader.start()
        }

        let deadline = DispatchTime.now() + max(0, timeout)
        var timedOut = false
        if drained.wait(timeout: deadline) == .timedOut || exited.wait(timeout: deadline) == .timedOut {
            timedOut = true
            process.terminate()                                        // SIGTERM: ffmpeg stops cleanly
            if exited.wait(timeout: .now() + 2) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                exited.wait()
            }
            // The pipes close with the child; the bound only guards against a grandchild holding them.
            _ = drained.wait(timeout: .now() + 5)
        }
        let status = process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
        return ChildProcessResult(status: status, standardOutput: output.data, standardError: errors.data, timedOut: timedOut)
    }

    /// Reads `handle` until end of file with plain `read(2)` calls, retrying on EINTR.
    private static func readToEnd(_ handle: FileHandle) -> Data {
        let descriptor = handle.fileDescriptor
        var data = Data()
        let chunk = 1 << 16
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer, chunk)
            if count > 0 {
                data.append(buffer.assumingMemoryBound(to: UInt8.self), count: count)
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                break                                                  // end of file, or an error
            }
        }
        try? handle.close()
        return data
    }
}
