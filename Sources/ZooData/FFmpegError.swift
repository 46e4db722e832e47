// What can go wrong running ffmpeg or ffprobe, as values with messages that say how to fix it.
import Foundation

/// A failure to run ffmpeg or ffprobe (see `FFmpeg.run`).
///
/// Callers that know what the input was for (an image, a video) usually wrap this in their
/// own error with a more specific fix; `ImageError` does.
public enum FFmpegError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The program was not found or could not be started. `tried` is the path or name looked up
    /// (e.g. `ffmpeg` on PATH, or the value of `ZOO_FFMPEG`); `reason` says what failed.
    case notInstalled(tool: String, tried: String, reason: String)
    /// It ran on `input` and exited with a non-zero `status` (or was killed by a signal, then
    /// `status` is the signal number, negated). `message` is the first non-empty line of its stderr.
    case failed(tool: String, input: String, status: Int32, message: String)
    /// It ran on `input` for more than `seconds` and was stopped.
    case timedOut(tool: String, input: String, seconds: Double)

    /// How to install ffmpeg (ffprobe comes with it), for messages.
    public static let installAdvice =
        "install it with `apt-get install ffmpeg` (Debian/Ubuntu) or `brew install ffmpeg` (macOS), "
        + "or point ZOO_FFMPEG (and ZOO_FFPROBE) at the executables"

    public var description: String {
        switch self {
        case let .notInstalled(tool, tried, reason):
            return "\(tool) is not installed or cannot be started (tried '\(tried)': \(reason)); \(Self.installAdvice)"
        case let .failed(tool, input, status, message):
            let how = status < 0 ? "was killed by signal \(-status)" : "exited with status \(status)"
            let said = message.isEmpty ? "it printed no error message" : "it said: \(message)"
            return "\(tool) could not process '\(input)' (\(how)); \(said)"
        case let .timedOut(tool, input, seconds):
            return "\(tool) did not finish processing '\(input)' within \(Self.format(seconds)) s and was stopped; "
                + "the file may be very large or an endless stream: raise the limit with FFmpeg(timeout:)"
        }
    }

    public var errorDescription: String? { description }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}
