// Decoding through ffmpeg: PNG and JPEG files the tests make themselves, ffmpeg's own errors,
// a missing ffmpeg, timeouts. Tests that need ffmpeg are skipped, visibly, where it is absent.
import Foundation
import Testing
import ZooData

let ffmpegMissingNote: Comment = "ffmpeg is not installed: install it with `apt-get install ffmpeg` to run the ffmpeg decoding tests"

/// Converts `image` with ffmpeg into `name` (the extension picks the format) inside `folder`.
func convertWithFFmpeg(_ image: RGBImage, to name: String, in folder: TemporaryFolder, extra: [String] = []) throws -> URL {
    let source = try folder.write(image.ppmData(), to: "source-\(UUID().uuidString).ppm")
    let target = folder.url.appendingPathComponent(name)
    _ = try FFmpeg().run(.ffmpeg, ["-nostdin", "-v", "error", "-i", source.path] + extra + ["-y", target.path], input: source.path)
    return target
}

@Suite("Image decoding through ffmpeg")
struct ImageFFmpegTests {
    @Test("a PNG made by ffmpeg decodes to exactly the original pixels", .enabled(if: FFmpeg.isAvailable, ffmpegMissingNote))
    func losslessPNG() throws {
        let folder = try TemporaryFolder()
        let image = testPattern(width: 33, height: 17)
        let png = try convertWithFFmpeg(image, to: "pattern.png", in: folder)
        #expect(try RGBImage(contentsOf: png) == image)
    }

    @Test("a grey PNG gives equal channels and an RGBA PNG drops alpha", .enabled(if: FFmpeg.isAvailable, ffmpegMissingNote))
    func greyAndAlpha() throws {
        let folder = try TemporaryFolder()
        let image = testPattern(width: 8, height: 6)
        let greyPNG = try convertWithFFmpeg(image, to: "grey.png", in: folder, extra: ["-pix_fmt", "gray"])
        let decoded = try RGBImage(contentsOf: greyPNG)
        #expect(decoded.width == 8 && decoded.height == 6)
        let pixels = decoded.pixels
        let channelsEqual = (0..<48).allSatisfy { (i: Int) -> Bool in pixels[3 * i] == pixels[3 * i + 1] && pixels[3 * i] == pixels[3 * i + 2] }
        #expect(channelsEqual)
        let rgbaPNG = try convertWithFFmpeg(image, to: "alpha.png", in: folder, extra: ["-pix_fmt", "rgba"])
        #expect(try RGBImage(contentsOf: rgbaPNG) == image)
    }

    @Test("a JPEG made by ffmpeg decodes to the right size and nearly the original pixels", .enabled(if: FFmpeg.isAvailable, ffmpegMissingNote))
    func lossyJPEG() throws {
        let folder = try TemporaryFolder()
        let image = RGBImage(width: 64, height: 40) { x, y in (UInt8(x * 4), UInt8(y * 6), 128) }
        let jpeg = try convertWithFFmpeg(image, to: "gradient.jpg", in: folder, extra: ["-q:v", "2"])
        let decoded = try RGBImage(contentsOf: jpeg)
        #expect(decoded.width == 64 && decoded.height == 40)
        let meanError = zip(decoded.pixels, image.pixels).map { abs(Double($0) - Double($1)) }.reduce(0, +) / Double(image.pixels.count)
        #expect(meanError < 3, "mean absolute error \(meanError) levels")
        #expect(try FFmpeg().probeVideoSize(of: jpeg) == (64, 40))
    }

    @Test("EXIF orientation is ignored, as PIL's Image.open ignores it: pixels come in stored order",
          .enabled(if: FFmpeg.isAvailable, ffmpegMissingNote))
    func exifOrientationIgnored() throws {
        let folder = try TemporaryFolder()
        let jpeg = try convertWithFFmpeg(testPattern(width: 32, height: 16), to: "plain.jpg", in: folder)
        let plain = try Data(contentsOf: jpeg)
        // An APP1 Exif segment (little-endian TIFF, one IFD entry) saying Orientation = 6, "rotate 90°
        // clockwise to display": ffmpeg's CLI would turn the frame into 16x32 without -noautorotate.
        let exif: [UInt8] = [0xFF, 0xE1, 0x00, 0x22] + Array("Exif".utf8) + [0, 0,
                             0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00,
                             0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00,
                             0x00, 0x00, 0x00, 0x00]
        let rotated = try folder.write(plain.prefix(2) + Data(exif) + plain.dropFirst(2), to: "rotated.jpg")
        let decoded = try RGBImage(contentsOf: rotated)
        #expect(decoded.width == 32 && decoded.height == 16)
        #expect(decoded == (try RGBImage(contentsOf: jpeg)))
    }

    @Test("file names with % and spaces are read literally, not as image sequences", .enabled(if: FFmpeg.isAvailable, ffmpegMissingNote))
    func literalNames() throws {
        let folder = try TemporaryFolder()
        let image = testPattern(width: 5, height: 4)
        for name in ["frame%03d.png", "100% sure.png", "two words [1].png"] {
            let file = try convertWithFFmpeg(image, to: "plain.png", in: folder)
            let renamed = folder.url.appendingPathComponent(name)
            try FileManager.default.moveItem(at: file, to: renamed)
            #expect(try RGBImage(contentsOf: renamed) == image, "\(name)")
        }
    }

    @Test("a file ffmpeg cannot read gives ffmpegCannotRead with ffmpeg's own message", .enabled(if: FFmpeg.isAvailable, ffmpegMissingNote))
    func unreadableByFFmpeg() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write(Data("this is not a picture\n".utf8), to: "notes.jpg")
        let error = #expect(throws: ImageError.self) { try RGBImage(contentsOf: file) }
        guard case .ffmpegCannotRead(let path, let message)? = error else {
            Issue.record("expected ffmpegCannotRead, got \(String(describing: error))"); return
        }
        #expect(path == file.path)
        #expect(!message.isEmpty && !message.contains(" @ 0x"), "message: \(message)")
        #expect(error!.description.contains(file.path) && error!.description.contains("convert it to PPM"))
        // A file with no video stream at all.
        let empty = try folder.write(Data(), to: "empty.png")
        #expect(throws: ImageError.self) { try RGBImage(contentsOf: empty) }
    }

    @Test("without ffmpeg a JPEG gives ffmpegNotInstalled, and the message says how to install it")
    func missingFFmpeg() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write(Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), to: "photo.jpg")
        let absent = FFmpeg(executable: "/nonexistent/bin/ffmpeg")
        #expect(!absent.isAvailable)
        #expect(throws: ImageError.ffmpegNotInstalled(path: file.path, tried: "/nonexistent/bin/ffmpeg")) {
            try RGBImage(contentsOf: file, ffmpeg: absent)
        }
        let message = ImageError.ffmpegNotInstalled(path: file.path, tried: "/nonexistent/bin/ffmpeg").description
        #expect(message.contains("apt-get install ffmpeg") && message.contains("convert the image to PPM") && message.contains(file.path))
        // A name that is not on PATH is reported the same way; PPM still needs no ffmpeg.
        let unknown = FFmpeg(executable: "ffmpeg-that-does-not-exist-\(UUID().uuidString)")
        #expect(throws: ImageError.self) { try RGBImage(contentsOf: file, ffmpeg: unknown) }
        let ppm = try folder.write(testPattern(width: 2, height: 2).ppmData(), to: "fine.ppm")
        #expect(try RGBImage(contentsOf: ppm, ffmpeg: absent) == testPattern(width: 2, height: 2))
        // The runner's own error.
        let runError = #expect(throws: FFmpegError.self) { try absent.run(.ffmpeg, ["-version"], input: "x") }
        #expect(runError?.description.contains("apt-get install ffmpeg") == true)
    }

    @Test("a run longer than the timeout is stopped and reported, not waited for", .enabled(if: FFmpeg.isAvailable, ffmpegMissingNote))
    func timeout() throws {
        let ffmpeg = FFmpeg(timeout: 0.5)
        let start = Date()
        // An endless synthetic stream, written nowhere.
        let error = #expect(throws: FFmpegError.self) {
            try ffmpeg.run(.ffmpeg, ["-nostdin", "-v", "error", "-re", "-f", "lavfi", "-i", "testsrc", "-f", "null", "-"], input: "testsrc")
        }
        #expect(Date().timeIntervalSince(start) < 10)
        guard case .timedOut(_, _, let seconds)? = error else { Issue.record("expected timedOut, got \(String(describing: error))"); return }
        #expect(seconds == 0.5)
    }

    @Test("large outputs on stdout and stderr are drained without blocking", .enabled(if: FFmpeg.isAvailable, ffmpegMissingNote))
    func largeOutput() throws {
        // 30 frames of 640x480 rgb24 (27.6 MB) on stdout while -v debug floods stderr.
        let output = try FFmpeg(timeout: 60).run(.ffmpeg, ["-nostdin", "-v", "debug", "-f", "lavfi", "-i", "testsrc=size=640x480:rate=30",
                                                           "-frames:v", "30", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], input: "testsrc")
        #expect(output.count == 30 * 640 * 480 * 3)
    }
}
