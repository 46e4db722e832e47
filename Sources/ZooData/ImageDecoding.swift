// Reading an image file: PPM/PGM natively, everything else (JPEG, PNG, WebP, …) through ffmpeg.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RGBImage {
    /// Reads the image file at `url`.
    ///
    /// Files that start like PPM/PGM (P2, P3, P5, P6) are decoded natively, whatever their name;
    /// any other file is handed to ffmpeg, which must then be installed (see `FFmpeg`), and its
    /// first video frame is taken (so a GIF or a video gives its first frame).
    ///
    /// Orientation metadata (EXIF) is ignored, as `PIL.Image.open` and CLIP's preprocessing ignore
    /// it: pixels come in the order they are stored. Alpha is dropped without compositing, as
    /// PIL's `convert("RGB")` does.
    ///
    /// Throws `ImageError`: `.fileNotFound`, `.unreadable`, `.malformedPPM`, and for other formats
    /// `.ffmpegNotInstalled`, `.ffmpegCannotRead` (with ffmpeg's message) or `.ffmpegTimedOut`.
    public init(contentsOf url: URL, ffmpeg: FFmpeg = FFmpeg()) throws(ImageError) {
        let path = url.standardizedFileURL.path
        guard url.isFileURL else { throw .unreadable(path: url.absoluteString, reason: "it is not a local file URL") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .fileNotFound(path: path) }
        guard !isDirectory.boolValue else { throw .unreadable(path: path, reason: "it is a folder, not a file") }
        // A FIFO or a device could block a read forever: only regular files (links followed) are read.
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            throw .unreadable(path: path, reason: "it is not a regular file (a pipe, socket or device)")
        }
        guard FileManager.default.isReadableFile(atPath: path) else { throw .unreadable(path: path, reason: "permission denied") }

        let head: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            head = try handle.read(upToCount: 3) ?? Data()
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        if RGBImage.looksLikePPM(head) {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw .unreadable(path: path, reason: error.localizedDescription)
            }
            self = try RGBImage(ppmData: data, source: path)
        } else {
            self = try RGBImage.decodeWithFFmpeg(path: path, ffmpeg: ffmpeg)
        }
    }

    /// The arguments that make ffmpeg decode the first frame of `path` to a binary PPM (rgb24)
    /// on stdout; the PPM header carries the size, so no separate ffprobe run is needed.
    ///
    /// Chosen to come close to what PIL (libjpeg-turbo) decodes, which CLIP's reference
    /// preprocessing starts from:
    /// - `-noautorotate`: keep the stored pixel order (see `init(contentsOf:)`);
    /// - `-idct int`: the JPEG reference integer IDCT, the algorithm family of libjpeg's default
    ///   (`JDCT_ISLOW`); on the CLIP test fixture, preprocessed pixels then differ from PIL's by at
    ///   most 1 level instead of 3 with ffmpeg's default IDCT (decoders without an IDCT ignore it);
    /// - `-sws_flags bilinear+accurate_rnd+full_chroma_int`: for 4:2:0/4:2:2 JPEGs, upsample chroma
    ///   linearly with exact rounding, as libjpeg's "fancy upsampling" (a triangle filter) does,
    ///   instead of swscale's default nearest-chroma fast path (2-5x further from PIL's pixels).
    public static func ffmpegDecodingArguments(path: String) -> [String] {
        ["-nostdin", "-hide_banner", "-v", "error",
         "-noautorotate", "-idct", "int", "-i", path,
         "-map", "0:v:0", "-frames:v", "1",
         "-sws_flags", "bilinear+accurate_rnd+full_chroma_int",
         "-f", "image2pipe", "-c:v", "ppm", "-pix_fmt", "rgb24", "-"]
    }

    /// Decodes any file ffmpeg reads (its first video frame) with `ffmpeg`, skipping the PPM check.
    public static func decodeWithFFmpeg(path: String, ffmpeg: FFmpeg = FFmpeg()) throws(ImageError) -> RGBImage {
        let output: Data
        do {
            output = try ffmpeg.withLiteralInputPath(path) { (input) throws(FFmpegError) -> Data in
                try ffmpeg.run(.ffmpeg, ffmpegDecodingArguments(path: input), input: path)
            }
        } catch {
            throw ImageError(error, path: path)
        }
        guard !output.isEmpty else { throw .ffmpegCannotRead(path: path, message: "it produced no frame") }
        do {
            return try RGBImage(ppmData: output, source: path)
        } catch {
            throw .ffmpegCannotRead(path: path, message: "its output was not a valid PPM frame: \(error)")
        }
    }
}
