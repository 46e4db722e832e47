// Several files through one ffmpeg process, each to its own output. Starting ffmpeg costs ≈0.08 s
// of CPU on a typical Linux install (its 200-odd libraries are bound at load time), which is most
// of what decoding a short clip costs; one process for a few clips pays it once. Each output is a
// named pipe in a private temporary folder, opened here without blocking before ffmpeg starts, and
// all of them are read in one `poll` loop: ffmpeg interleaves its outputs, so a reader that waited
// on one pipe while another filled would stall it. The deadline rule of `VideoFrameStream` applies
// to the whole process: SIGTERM when it passes, SIGKILL two seconds later.
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one ffmpeg process writing several outputs left behind.
struct VideoGroupRun {
    /// Exit status; the negated signal number when a signal ended it.
    var status: Int32
    /// Whether the deadline passed and the process was stopped.
    var timedOut: Bool
    /// ffmpeg's stderr, and whether all of it was kept (the drain keeps the first 64 KiB).
    var log: String
    var logIsWhole: Bool
    /// Why an output was not a stream of binary PPM frames, when one was not (ffmpeg was then
    /// stopped).
    var malformed: String?
}

enum VideoGroupStream {
    /// Runs ffmpeg (resolved through `ffmpeg`) with `arguments(paths)`, where `paths` are
    /// `outputs` named pipes that the arguments must make ffmpeg write binary PPM frames to, and
    /// calls `body(k, frame)` with each frame of output k as it arrives.
    ///
    /// Throws `.ffmpeg(.notInstalled)` when ffmpeg cannot be started, and `.malformed` when the
    /// pipes cannot be made; everything else (status, time-out, log, unreadable output) is in the
    /// returned `VideoGroupRun` for the caller to judge.
    static func run(_ ffmpeg: FFmpeg, outputs: Int, arguments: (_ paths: [String]) -> [String],
                    body: (_ output: Int, _ frame: RGBImage) -> Void) throws(VideoStreamFailure) -> VideoGroupRun {
        guard let path = ffmpeg.resolvedPath(of: .ffmpeg) else {
            let tried = ffmpeg.executable
            throw .ffmpeg(.notInstalled(tool: "ffmpeg", tried: tried,
                                        reason: tried.contains("/") ? "no executable file there" : "not found on PATH"))
        }
        let manager = FileManager.default
        removeFoldersOfEndedProcesses()
        let folder = manager.temporaryDirectory.appendingPathComponent("\(folderPrefix)\(getpid())-\(UUID().uuidString)")
        do {
            try manager.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .malformed("no temporary folder for ffmpeg's outputs: \(error)")
        }
        defer { try? manager.removeItem(at: folder) }
        let paths = (0..<outputs).map { folder.appendingPathComponent("output\($0).ppm").path }
        var descriptors: [Int32] = []
        defer { for descriptor in descriptors where descriptor >= 0 { close(descriptor) } }
        for fifo in paths {
            // Opened for reading before ffmpeg starts, without blocking: ffmpeg's own open then
            // finds a reader and never waits.
            guard mkfifo(fifo, 0o600) == 0 else { throw .malformed("could not make a pipe at \(fifo): \(String(cString: strerror(errno)))") }
            let descriptor = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            guard descriptor >= 0 else { throw .malformed("could not open the pipe \(fifo): \(String(cString: strerror(errno)))") }
            descriptors.append(descriptor)
        }

        let started: ChildProcess.Started
        do { started = try ChildProcess.start(executable: path, arguments: arguments(paths)) } catch {
            throw .ffmpeg(.notInstalled(tool: "ffmpeg", tried: path, reason: String(describing: error)))
        }
        let process = started.process
        let errors = VideoFrameStream.ErrorDrain(started.errors)
        var parsers = [PPMStreamParser](repeating: PPMStreamParser(), count: outputs)
        var malformed: String?
        var open = [Bool](repeating: true, count: outputs), hadData = [Bool](repeating: false, count: outputs)
        let chunk = 1 << 16
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }

        /// Reads what output k holds now; false once its writer has closed it and it is empty.
        func readAvailable(_ k: Int) -> Bool {
            while true {
                let count = read(descriptors[k], buffer, chunk)
                if count < 0 && errno == EINTR { continue }
                if count < 0 { return true }                          // EAGAIN: nothing more for now
                if count == 0 { return false }
                hadData[k] = true
                guard malformed == nil else { continue }              // ffmpeg is being stopped: discard
                parsers[k].append(UnsafeRawBufferPointer(start: buffer, count: count))
                do throws(PPMStreamParser.Malformed) {
                    while let frame = try parsers[k].nextFrame() { body(k, frame) }
                } catch {
                    malformed = "output \(k): \(error.reason)"
                    process.terminate()
                }
            }
        }

        let deadline = (DispatchTime.now() + max(0, ffmpeg.timeout)).uptimeNanoseconds
        var terminatedAt: UInt64?, timedOut = false, exited = false
        while !exited {
            // Exited before this poll: everything it wrote is in the pipes, read below to the end.
            exited = started.exited.wait(timeout: .now()) == .success
            var polled = (0..<outputs).map { pollfd(fd: open[$0] ? descriptors[$0] : -1, events: Int16(POLLIN), revents: 0) }
            if !exited { _ = poll(&polled, nfds_t(outputs), 50) }
            for k in 0..<outputs where open[k] && (exited || polled[k].revents != 0) {
                // A pipe ffmpeg has not opened yet reads as ended: only a hang-up after data, or
                // the process's exit, closes it for good.
                if !readAvailable(k) && (exited || (hadData[k] && polled[k].revents & Int16(POLLHUP) != 0)) { open[k] = false }
            }
            let now = DispatchTime.now().uptimeNanoseconds
            if !exited && now > deadline && process.isRunning {
                if let terminatedAt {
                    if now &- terminatedAt > 2_000_000_000 { kill(process.processIdentifier, SIGKILL) }
                } else {
                    timedOut = true
                    terminatedAt = now
                    process.terminate()
                }
            }
        }
        try? started.output.close()
        let log = errors.wait()
        let status = process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
        if malformed == nil, let k = parsers.indices.first(where: { !parsers[$0].isEmpty }) {
            malformed = "output \(k) ends in the middle of a frame"
        }
        return VideoGroupRun(status: status, timedOut: timedOut, log: String(decoding: log, as: UTF8.self),
                             logIsWhole: errors.keptEverything, malformed: malformed)
    }

    /// Temporary folders are named `zoo-ffmpeg-group-<pid>-<uuid>`.
    static let folderPrefix = "zoo-ffmpeg-group-"

    /// Removes the pipe folders that processes killed outright (SIGKILL, a second Ctrl-C) left
    /// behind: those whose process no longer exists. Once per process.
    private static func removeFoldersOfEndedProcesses() {
        _ = sweptOnce
    }

    private static let sweptOnce: Void = {
        let manager = FileManager.default
        let temporary = manager.temporaryDirectory
        let names: [String]
        do { names = try manager.contentsOfDirectory(atPath: temporary.path) } catch { return }   // nothing to sweep
        for name in names where name.hasPrefix(folderPrefix) {
            let fields = name.dropFirst(folderPrefix.count).split(separator: "-", maxSplits: 1)
            guard let pid = fields.first.flatMap({ pid_t($0) }), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            // Another user's or a vanished folder is left as it is.
            do { try manager.removeItem(at: temporary.appendingPathComponent(name)) } catch { continue }
        }
    }()
}
