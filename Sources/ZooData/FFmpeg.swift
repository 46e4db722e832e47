// Locating and running ffmpeg/ffprobe: the one outside program the zoo may call, optional at run
// time. Everything that decodes media other than PPM goes through this type.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs ffmpeg and ffprobe as child processes (no shell) and returns what they write to stdout.
///
/// The executables are looked up on `PATH` unless given explicitly or through the environment
/// variables `ZOO_FFMPEG` / `ZOO_FFPROBE` (a path, or a name to look up on `PATH`). When only
/// `ZOO_FFMPEG` is a path, ffprobe is looked for beside it first.
///
/// Every run is bounded by `timeout`: past it the child gets SIGTERM, then SIGKILL two seconds
/// later, and the call throws `FFmpegError.timedOut`. stdout and stderr are drained concurrently,
/// so a child that writes a lot to either never blocks.
public struct FFmpeg: Sendable {
    /// The two programs of the ffmpeg package.
    public enum Tool: String, Sendable {
        case ffmpeg, ffprobe
    }

    /// The ffmpeg executable as configured: a path (contains `/`) or a name looked up on `PATH`.
    public var executable: String
    /// The ffprobe executable as configured, like `executable`.
    public var probeExecutable: String
    /// Longest time one run may take, in seconds.
    public var timeout: Double

    /// - Parameters:
    ///   - executable: ffmpeg's path or name; default `ZOO_FFMPEG`, else `ffmpeg`.
    ///   - probeExecutable: ffprobe's path or name; default `ZOO_FFPROBE`, else `ffprobe` beside
    ///     a `ZOO_FFMPEG` path when there is one, else `ffprobe`.
    ///   - timeout: seconds one run may take before it is stopped (default 120).
    public init(executable: String? = nil, probeExecutable: String? = nil, timeout: Double = 120) {
        let environment = ProcessInfo.processInfo.environment
        func configured(_ name: String) -> String? {
            guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        let ffmpeg = executable ?? configured("ZOO_FFMPEG") ?? "ffmpeg"
        self.executable = ffmpeg
        if let probeExecutable {
            self.probeExecutable = probeExecutable
        } else if let probe = configured("ZOO_FFPROBE") {
            self.probeExecutable = probe
        } else if ffmpeg.contains("/") {
            let sibling = URL(fileURLWithPath: ffmpeg).deletingLastPathComponent().appendingPathComponent("ffprobe").path
            self.probeExecutable = FFmpeg.isExecutableFile(sibling) ? sibling : "ffprobe"
        } else {
            self.probeExecutable = "ffprobe"
        }
        self.timeout = timeout
    }

    /// Whether the default configuration (environment and `PATH`) finds an ffmpeg executable.
    /// Tests that need ffmpeg use it to skip visibly: `.enabled(if: FFmpeg.isAvailable, "...")`.
    public static var isAvailable: Bool { FFmpeg().isAvailable }

    /// Whether this configuration's ffmpeg executable exists and is executable.
    public var isAvailable: Bool { resolvedPath(of: .ffmpeg) != nil }

    /// Whether this configuration's ffprobe executable exists and is executable.
    public var isProbeAvailable: Bool { resolvedPath(of: .ffprobe) != nil }

    /// The absolute path `tool` resolves to, or nil when it is missing or not executable.
    public func resolvedPath(of tool: Tool) -> String? {
        let configured = tool == .ffmpeg ? executable : probeExecutable
        if configured.contains("/") {
            let absolute = URL(fileURLWithPath: configured).standardizedFileURL.path
            return FFmpeg.isExecutableFile(absolute) ? absolute : nil
        }
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in searchPath.split(separator: ":") where !directory.isEmpty {
            let candidate = String(directory) + "/" + configured
            if FFmpeg.isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    static func isExecutableFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            && !isDirectory.boolValue && access(path, X_OK) == 0
    }

    /// Runs `tool` with `arguments` and returns everything it wrote to stdout.
    ///
    /// stdin is the null device (pass `-nostdin` to ffmpeg as well). `input` only names the file
    /// in error messages. Throws `FFmpegError.notInstalled` when the program is missing,
    /// `.failed` on a non-zero exit (with stderr's first line), `.timedOut` past `timeout`.
    public func run(_ tool: Tool, _ arguments: [String], input: String) throws(FFmpegError) -> Data {
        let tried = tool == .ffmpeg ? executable : probeExecutable
        guard let path = resolvedPath(of: tool) else {
            let reason = tried.contains("/") ? "no executable file there" : "not found on PATH"
            throw .notInstalled(tool: tool.rawValue, tried: tried, reason: reason)
        }
        let result: ChildProcessResult
        do {
            result = try ChildProcess.run(executable: path, arguments: arguments, timeout: timeout)
        } catch {
            throw .notInstalled(tool: tool.rawValue, tried: path, reason: String(describing: error))
        }
        if result.timedOut {
            throw .timedOut(tool: tool.rawValue, input: input, seconds: timeout)
        }
        guard result.status == 0 else {
            throw .failed(tool: tool.rawValue, input: input, status: result.status,
                          message: FFmpeg.firstLine(of: result.standardError))
        }
        return result.standardOutput
    }

    /// The first non-empty line of `data` as text, trimmed, without the object addresses ffmpeg
    /// prints (`[mjpeg @ 0x55…] No JPEG data…` becomes `[mjpeg] No JPEG data…`), at most 400 characters.
    static func firstLine(of data: Data) -> String {
        let text = String(decoding: data, as: UTF8.self)
        var line = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .first(where: { !$0.isEmpty }) ?? ""
        line = line.replacing(#/ @ 0x[0-9a-fA-F]+\]/#, with: "]")
        return line.count > 400 ? String(line.prefix(400)) + "…" : line
    }

    /// `firstLine(of:)` for a log written with `-loglevel level+…`: the first line tagged
    /// `[error]`, `[fatal]` or `[panic]`, without its tag, as `-v error` would have printed it.
    static func firstErrorLine(ofLevelTagged data: Data) -> String {
        let text = String(decoding: data, as: UTF8.self)
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            // The tag follows at most the `[context @ 0x…] ` prefix: text a file prints later on a
            // line is not a level.
            guard let tag = line.firstMatch(of: #/^(?:\[[^\]]*\] )?(\[(?:error|fatal|panic)\] )/#) else { continue }
            var untagged = line
            untagged.removeSubrange(tag.1.startIndex..<tag.1.endIndex)
            return firstLine(of: Data(String(untagged).utf8))
        }
        return ""
    }

    /// The width and height in pixels of the first video stream of `url`, as ffprobe reports
    /// them (`-select_streams v:0 -show_entries stream=width,height`). These are the coded sizes:
    /// rotation metadata is not applied.
    public func probeVideoSize(of url: URL) throws(FFmpegError) -> (width: Int, height: Int) {
        let path = url.standardizedFileURL.path
        let output = try run(.ffprobe, ["-v", "error", "-select_streams", "v:0",
                                        "-show_entries", "stream=width,height", "-of", "csv=p=0", path], input: path)
        let line = FFmpeg.firstLine(of: output)
        let fields = line.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard fields.count >= 2, let width = fields[0], let height = fields[1], width > 0, height > 0 else {
            throw .failed(tool: Tool.ffprobe.rawValue, input: path, status: 0,
                          message: line.isEmpty ? "no video stream found" : "unexpected size output '\(line)'")
        }
        return (width, height)
    }
}
