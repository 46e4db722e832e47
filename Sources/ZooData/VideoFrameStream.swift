// Running ffmpeg with its frames streamed back one at a time. `FFmpeg.run` collects all of stdout
// before returning, which for a long high-resolution video means hundreds of megabytes of raw RGB;
// here each binary PPM frame is handed over as soon as it has arrived, so only one full-size frame
// is ever held. stderr is drained on its own thread (a chatty ffmpeg can never stall), and the
// same deadline rule as `FFmpeg.run` applies: SIGTERM when it passes, SIGKILL two seconds later.
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why streaming stopped early: ffmpeg's own failure, output that is not a PPM stream, or a log
/// the caller's `admit` check refused before the first frame.
enum VideoStreamFailure: Error {
    case ffmpeg(FFmpegError)
    case malformed(String)
    case notAdmitted(log: String)
}

enum VideoFrameStream {
    /// Runs ffmpeg (resolved through `ffmpeg`) with `arguments`, which must make it write binary
    /// PPM frames (P6, maxval 255) to stdout, and calls `body` with each frame in order.
    ///
    /// Returns the first non-empty line of ffmpeg's stderr (ffmpeg may report a problem and still
    /// exit 0, e.g. a filter that could not be set up). Throws `.ffmpeg(.notInstalled)`,
    /// `.ffmpeg(.failed)` on a non-zero exit, `.ffmpeg(.timedOut)`, or `.malformed`.
    ///
    /// With `admit`, the whole log ffmpeg wrote before its first frame (`ErrorDrain.caughtUp`) is
    /// passed to `admit` before `body` sees any frame; when it returns false (or the log was too
    /// long to keep), ffmpeg is stopped and `.notAdmitted` thrown, with no frame delivered. A run
    /// that delivers no
    /// frame at all also ends in `.notAdmitted`. Messages then come from the log's first line
    /// tagged `[error]`, `[fatal]` or `[panic]` (`-loglevel level+…`), without the tag.
    static func run(_ ffmpeg: FFmpeg, arguments: [String], input: String,
                    admit: ((String) -> Bool)? = nil,
                    body: (RGBImage) -> Void) throws(VideoStreamFailure) -> String {
        guard let path = ffmpeg.resolvedPath(of: .ffmpeg) else {
            let tried = ffmpeg.executable
            throw .ffmpeg(.notInstalled(tool: "ffmpeg", tried: tried,
                                        reason: tried.contains("/") ? "no executable file there" : "not found on PATH"))
        }
        let started: ChildProcess.Started
        do { started = try ChildProcess.start(executable: path, arguments: arguments) } catch {
            throw .ffmpeg(.notInstalled(tool: "ffmpeg", tried: path, reason: String(describing: error)))
        }
        let process = started.process, exited = started.exited

        let errors = ErrorDrain(started.errors)
        let deadline = Deadline(process: process, seconds: ffmpeg.timeout)
        var parser = PPMStreamParser()
        var failure: String?
        var admitted = admit == nil, refused = false
        let descriptor = started.output.fileDescriptor
        let chunk = 1 << 16
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        reading: while true {
            let count = read(descriptor, buffer, chunk)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            parser.append(UnsafeRawBufferPointer(start: buffer, count: count))
            do throws(PPMStreamParser.Malformed) {
                while let frame = try parser.nextFrame() {
                    if !admitted, let admit {
                        // ffmpeg wrote its log up to here before this frame: all of it is read now.
                        let log = errors.caughtUp()
                        guard log.isWhole, admit(String(decoding: log.data, as: UTF8.self)) else {
                            refused = true
                            process.terminate()
                            break reading
                        }
                        admitted = true
                    }
                    body(frame)
                }
            } catch {
                failure = error.reason
                process.terminate()                                  // stop decoding output we cannot read
                break reading
            }
        }
        try? started.output.close()
        exited.wait()
        let timedOut = deadline.cancel()
        let log = errors.wait()
        let message = admit == nil ? FFmpeg.firstLine(of: log) : FFmpeg.firstErrorLine(ofLevelTagged: log)
        if timedOut { throw .ffmpeg(.timedOut(tool: "ffmpeg", input: input, seconds: ffmpeg.timeout)) }
        if refused || !admitted { throw .notAdmitted(log: String(decoding: log, as: UTF8.self)) }
        if let failure { throw .malformed(failure) }
        let status = process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
        guard status == 0 else { throw .ffmpeg(.failed(tool: "ffmpeg", input: input, status: status, message: message)) }
        guard parser.isEmpty else { throw .malformed("the output ends in the middle of a frame") }
        return message
    }

    /// Reads a pipe to its end on a thread of its own.
    final class ErrorDrain: @unchecked Sendable {
        private var data = Data()
        private var finished = false
        private var dropped = false
        /// The reader has seen the end of the pipe (set under the lock, before the pipe is closed).
        private var atEnd = false
        private let descriptor: Int32
        private let condition = NSCondition()
        /// Keep only the start: the first lines are all that is reported or read.
        private static let kept = 1 << 16
        init(_ handle: FileHandle) {
            descriptor = handle.fileDescriptor
            let reader = Thread { [self] in
                // Waits for bytes outside the lock and reads them inside it, so that a caller
                // holding the lock knows no read is half done (`caughtUp()`). read(2), not
                // FileHandle.read(upToCount:), which waits for a whole count.
                let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 16, alignment: 16)
                defer { buffer.deallocate() }
                while true {
                    var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                    if poll(&ready, 1, -1) < 0 {
                        if errno == EINTR { continue }
                        condition.lock(); atEnd = true; condition.broadcast(); condition.unlock()
                        break
                    }
                    condition.lock()
                    var count = read(descriptor, buffer, 1 << 16)
                    while count < 0 && errno == EINTR { count = read(descriptor, buffer, 1 << 16) }
                    if count > 0 {
                        if data.count < ErrorDrain.kept {
                            data.append(buffer.assumingMemoryBound(to: UInt8.self), count: count)
                        } else {
                            dropped = true
                        }
                    } else {
                        atEnd = true
                    }
                    condition.broadcast()
                    condition.unlock()
                    if count <= 0 { break }
                }
                try? handle.close()
                condition.lock()
                finished = true
                condition.broadcast()
                condition.unlock()
            }
            reader.stackSize = 1 << 20
            reader.start()
        }
        /// Whether, once the pipe is closed, nothing was left out of what `wait()` returns.
        var keptEverything: Bool {
            condition.lock()
            defer { condition.unlock() }
            return finished && !dropped
        }
        /// Everything kept, once the pipe is closed.
        func wait() -> Data {
            condition.lock()
            defer { condition.unlock() }
            while !finished { condition.wait() }
            return data
        }
        /// Everything written to the pipe before this call: waits until the pipe holds no unread
        /// byte (or has ended), and says whether any of it was left out (past the kept size). A
        /// caller that has seen output ffmpeg wrote after some log lines thus has those lines.
        func caughtUp() -> (data: Data, isWhole: Bool) {
            condition.lock()
            defer { condition.unlock() }
            while !atEnd {
                var unread: Int32 = 0
                // With the lock held no read is under way: what is not in the pipe is in `data`.
                guard ioctl(descriptor, UInt(FIONREAD), &unread) == 0 else { return (data, false) }
                if unread == 0 { break }
                condition.wait()
            }
            return (data, !dropped)
        }
    }

    /// Stops the process when the time is up, unless cancelled first. A timer source rather than
    /// `asyncAfter`, because cancelling it releases the handler (and the process) at once.
    private final class Deadline: @unchecked Sendable {
        private let lock = NSLock()
        private var finished = false, fired = false
        private let process: Process
        private let timer = DispatchSource.makeTimerSource(queue: .global())
        init(process: Process, seconds: Double) {
            self.process = process
            timer.schedule(deadline: .now() + max(0, seconds), repeating: 2)
            timer.setEventHandler { [weak self] in self?.expire() }
            timer.resume()
        }
        /// First tick: SIGTERM (ffmpeg stops cleanly); a tick two seconds later: SIGKILL.
        private func expire() {
            lock.lock(); defer { lock.unlock() }
            guard !finished, process.isRunning else { return }
            if fired { kill(process.processIdentifier, SIGKILL) } else { process.terminate() }
            fired = true
        }
        /// Marks the run finished (the process has exited); returns whether the deadline had fired.
        func cancel() -> Bool {
            timer.cancel()
            lock.lock(); defer { lock.unlock() }
            finished = true
            return fired
        }
    }
}

/// Splits a byte stream of concatenated binary PPM images (as ffmpeg's `image2pipe` muxer with
/// the `ppm` encoder writes them: `P6\n<w> <h>\n255\n` then w·h·3 bytes) into `RGBImage`s.
struct PPMStreamParser {
    private var bytes: [UInt8] = []
    private var start = 0

    struct Malformed: Error { let reason: String }

    var isEmpty: Bool { start == bytes.count }

    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        if start > 0 && start >= bytes.count / 2 {                  // drop consumed frames now and then
            bytes.removeFirst(start)
            start = 0
        }
        bytes.append(contentsOf: chunk)
    }

    /// The next complete frame, or nil when more bytes are needed.
    mutating func nextFrame() throws(Malformed) -> RGBImage? {
        var position = start
        var fields: [Int] = []
        guard bytes.count - start >= 2 else { return nil }
        guard bytes[start] == UInt8(ascii: "P"), bytes[start + 1] == UInt8(ascii: "6") else {
            throw Malformed(reason: "a frame does not start with the binary PPM magic number P6")
        }
        position += 2
        // Three decimal fields (width, height, maxval), each preceded by whitespace.
        while fields.count < 3 {
            guard position < bytes.count else { return nil }
            guard PNMParser.isWhitespace(bytes[position]) else { throw Malformed(reason: "unexpected byte in a frame header") }
            while position < bytes.count, PNMParser.isWhitespace(bytes[position]) { position += 1 }
            var value = 0, digits = 0
            while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39, digits < 10 {
                value = value * 10 + Int(bytes[position] - 0x30); digits += 1; position += 1
            }
            guard position < bytes.count else { return nil }         // the number may continue
            guard digits > 0 && digits < 10 else { throw Malformed(reason: "a frame header has a bad number") }
            fields.append(value)
        }
        guard fields[0] > 0, fields[1] > 0, fields[2] == 255 else {
            throw Malformed(reason: "frame header \(fields[0])x\(fields[1]) maxval \(fields[2]) is not 8-bit RGB")
        }
        guard PNMParser.isWhitespace(bytes[position]) else { throw Malformed(reason: "no whitespace after maxval") }
        position += 1
        let payload = fields[0] * fields[1] * 3
        guard bytes.count - position >= payload else { return nil }
        let pixels = Array(bytes[position..<(position + payload)])
        start = position + payload
        return RGBImage(width: fields[0], height: fields[1], pixels: pixels)
    }
}
