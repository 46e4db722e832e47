// Why a video could not be turned into frames, as values whose messages name the video id, the
// file, the cause and the fix.
import Foundation

/// A failure to decode a video (`VideoDecoder`). `videoID` is the dataset's id for the video
/// (e.g. `video7020`), or the file name when the caller gave none; `path` is the file.
public enum VideoError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// Nothing (or no regular file) exists at `path`.
    case fileNotFound(videoID: String, path: String)
    /// ffmpeg (or ffprobe) is missing; `tried` is the name or path looked up.
    case ffmpegNotInstalled(videoID: String, path: String, tried: String)
    /// ffmpeg or ffprobe ran and failed; `message` is the first line of its stderr.
    case undecodable(videoID: String, path: String, message: String)
    /// ffmpeg finished without giving a single frame (no video stream, or an empty one).
    case noFrames(videoID: String, path: String, message: String)
    /// ffmpeg's output was not the stream of PPM frames asked for.
    case malformedOutput(videoID: String, path: String, reason: String)
    /// Decoding took longer than `seconds` and ffmpeg was stopped.
    case timedOut(videoID: String, path: String, seconds: Double)

    public var description: String {
        switch self {
        case let .fileNotFound(id, path):
            return "cannot decode video '\(id)': no video file at '\(path)'; check the videos folder "
                + "(relative paths start at '\(FileManager.default.currentDirectoryPath)')"
        case let .ffmpegNotInstalled(id, path, tried):
            return "cannot decode video '\(id)' ('\(path)'): ffmpeg is needed to decode videos and was not found "
                + "(looked for '\(tried)'); \(FFmpegError.installAdvice); "
                + "or train on precomputed frame features instead (--data features:DIR)"
        case let .undecodable(id, path, message):
            return "cannot decode video '\(id)' ('\(path)'): ffmpeg could not read it (\(message.isEmpty ? "no message" : message)); "
                + "the file is damaged, cut short or not a video: replace it, or re-encode it with "
                + "`ffmpeg -i IN -c:v libx264 -pix_fmt yuv420p OUT.mp4`"
        case let .noFrames(id, path, message):
            let said = message.isEmpty ? "" : " (ffmpeg said: \(message))"
            return "cannot decode video '\(id)' ('\(path)'): ffmpeg produced no frame\(said); "
                + "check that the file has a video stream (`ffprobe '\(path)'`), or replace it"
        case let .malformedOutput(id, path, reason):
            return "cannot decode video '\(id)' ('\(path)'): ffmpeg's frame output was malformed (\(reason)); "
                + "this is unexpected: check the ffmpeg installation (`ffmpeg -version`)"
        case let .timedOut(id, path, seconds):
            return "cannot decode video '\(id)' ('\(path)'): ffmpeg did not finish within \(FFmpegError.format(seconds)) s "
                + "and was stopped; the video may be very long: raise the limit with FFmpeg(timeout:) or cut the video"
        }
    }

    public var errorDescription: String? { description }

    /// The video id and file when the fault lies with that one file (it is gone, damaged, has no
    /// frames or decodes too slowly), so a split may leave it out; nil when ffmpeg itself is
    /// missing or misbehaving, which no other video would escape.
    public var brokenFile: (id: String, path: String)? {
        switch self {
        case let .fileNotFound(id, path), let .undecodable(id, path, _), let .noFrames(id, path, _), let .timedOut(id, path, _):
            return (id, path)
        case .ffmpegNotInstalled, .malformedOutput:
            return nil
        }
    }

    /// The video error for an ffmpeg or ffprobe failure on video `videoID` at `path`.
    init(_ error: FFmpegError, videoID: String, path: String) {
        switch error {
        case let .notInstalled(_, tried, _): self = .ffmpegNotInstalled(videoID: videoID, path: path, tried: tried)
        case let .failed(_, _, status, message):
            self = .undecodable(videoID: videoID, path: path, message: message.isEmpty ? "exit status \(status)" : message)
        case let .timedOut(_, _, seconds): self = .timedOut(videoID: videoID, path: path, seconds: seconds)
        }
    }
}
