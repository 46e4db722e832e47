// Why an image could not be read, as values whose messages name the file, the cause and the fix.
import Foundation

/// A failure to read or decode an image file (`RGBImage(contentsOf:)`, `RGBImage(ppmData:)`).
public enum ImageError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// Nothing exists at `path`.
    case fileNotFound(path: String)
    /// The file exists but could not be read (a folder, no permission, an I/O error).
    case unreadable(path: String, reason: String)
    /// A PPM/PGM file (or ffmpeg's PPM output) that breaks the format: a bad header, a value
    /// above maxval, or too few pixel bytes (`reason` says which).
    case malformedPPM(path: String, reason: String)
    /// The file is not PPM/PGM and ffmpeg, which would decode it, is missing.
    case ffmpegNotInstalled(path: String, tried: String)
    /// ffmpeg ran but could not decode the file; `message` is the first line of its stderr.
    case ffmpegCannotRead(path: String, message: String)
    /// ffmpeg took longer than `seconds` and was stopped.
    case ffmpegTimedOut(path: String, seconds: Double)

    public var description: String {
        switch self {
        case let .fileNotFound(path):
            return "cannot read image '\(path)': no such file; check the path "
                + "(relative paths start at the current directory, '\(FileManager.default.currentDirectoryPath)')"
        case let .unreadable(path, reason):
            return "cannot read image '\(path)': \(reason); check that it is a regular file you may read"
        case let .malformedPPM(path, reason):
            return "cannot decode PPM/PGM image '\(path)': \(reason); the file is damaged or was cut short, "
                + "so write it again (P6 or P5 with maxval 255 is the safest), or convert the original with ffmpeg"
        case let .ffmpegNotInstalled(path, tried):
            return "cannot decode image '\(path)': it is not PPM/PGM, and ffmpeg, which decodes other formats, "
                + "is not installed (looked for '\(tried)'); install it with `apt-get install ffmpeg` "
                + "(or `brew install ffmpeg`; set ZOO_FFMPEG if it lives off PATH), or convert the image to PPM, "
                + "which the zoo reads without ffmpeg"
        case let .ffmpegCannotRead(path, message):
            return "cannot decode image '\(path)': ffmpeg could not read it (\(message.isEmpty ? "no message" : message)); "
                + "check that the file is a complete image in a format ffmpeg knows, or convert it to PPM or PNG"
        case let .ffmpegTimedOut(path, seconds):
            return "cannot decode image '\(path)': ffmpeg did not finish within \(FFmpegError.format(seconds)) s and was stopped; "
                + "the file may be huge or not an image: raise the limit with FFmpeg(timeout:) or convert it to PPM"
        }
    }

    public var errorDescription: String? { description }

    /// The image error for an ffmpeg failure while decoding `path`.
    init(_ error: FFmpegError, path: String) {
        switch error {
        case let .notInstalled(_, tried, _): self = .ffmpegNotInstalled(path: path, tried: tried)
        case let .failed(_, _, status, message):
            self = .ffmpegCannotRead(path: path, message: message.isEmpty ? "exit status \(status)" : message)
        case let .timedOut(_, _, seconds): self = .ffmpegTimedOut(path: path, seconds: seconds)
        }
    }
}
