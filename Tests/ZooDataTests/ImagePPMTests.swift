// The native PPM/PGM reader and writer, and the errors for files that are missing or broken.
import Foundation
import Testing
import ZooData

/// A fresh temporary folder for one test, removed when the value goes away.
final class TemporaryFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-image-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `data` to `name` inside the folder and returns its URL.
    func write(_ data: Data, to name: String) throws -> URL {
        let file = url.appendingPathComponent(name)
        try data.write(to: file)
        return file
    }
}

/// A small image with distinct values in every byte.
func testPattern(width: Int, height: Int) -> RGBImage {
    RGBImage(width: width, height: height) { x, y in
        (UInt8((x * 37 + y * 11) % 256), UInt8((x * 5 + y * 71 + 13) % 256), UInt8((x * y * 3 + 200) % 256))
    }
}

/// A broken PPM file and the words its error must contain (shown by that cause in test output).
struct BrokenPPM: Sendable, CustomTestStringConvertible {
    let text: String, cause: String
    init(_ text: String, cause: String) { self.text = text; self.cause = cause }
    var testDescription: String { "\(String(reflecting: String(text.prefix(24)))) -> '\(cause)'" }
}

@Suite("PPM and PGM images")
struct ImagePPMTests {
    @Test("an image written as PPM reads back identical, from data and from a file")
    func roundTrip() throws {
        let image = testPattern(width: 7, height: 5)
        let data = image.ppmData()
        #expect(data.starts(with: Data("P6\n7 5\n255\n".utf8)))
        #expect(data.count == 11 + 7 * 5 * 3)
        #expect(try RGBImage(ppmData: data) == image)
        let folder = try TemporaryFolder()
        let file = try folder.write(data, to: "pattern.ppm")
        #expect(try RGBImage(contentsOf: file) == image)
        // The content decides, not the name: a PPM called .jpg is still read natively.
        #expect(try RGBImage(contentsOf: folder.write(data, to: "really-a-ppm.jpg"), ffmpeg: FFmpeg(executable: "/nonexistent/ffmpeg")) == image)
    }

    @Test("plain P3 with comments and irregular whitespace decodes like binary P6")
    func plainColour() throws {
        let text = "P3 # a comment after the magic\n# a full-line comment\n2\t2\n255\n255 0 0   0 255 0\n0 0 255 # trailing\n 10 20 30\n"
        let image = try RGBImage(ppmData: Data(text.utf8))
        #expect(image.width == 2 && image.height == 2)
        #expect(image.pixels == [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30])
    }

    @Test("grey P2 and P5 images become RGB with three equal channels")
    func grey() throws {
        let plain = try RGBImage(ppmData: Data("P2\n3 1\n255\n0 128 255\n".utf8))
        #expect(plain.pixels == [0, 0, 0, 128, 128, 128, 255, 255, 255])
        var binary = Data("P5\n3 1\n255\n".utf8)
        binary.append(contentsOf: [0, 128, 255])
        #expect(try RGBImage(ppmData: binary) == plain)
    }

    @Test("16-bit samples (maxval 65535, big-endian) and small maxvals are rescaled to bytes with rounding")
    func otherMaxvals() throws {
        var wide = Data("P6\n2 1\n65535\n".utf8)
        // 0, 65535, 257*100 = 25700, 32896 (-> 128.0), 128 (-> 0.498 -> 0), 129 (-> 0.502 -> 1)
        for value in [0, 65535, 25700, 32896, 128, 129] { wide.append(contentsOf: [UInt8(value >> 8), UInt8(value & 0xFF)]) }
        #expect(try RGBImage(ppmData: wide).pixels == [0, 255, 100, 128, 0, 1])
        var wideGrey = Data("P5 1 1 65535\n".utf8)
        wideGrey.append(contentsOf: [0xFF, 0xFF])
        #expect(try RGBImage(ppmData: wideGrey).pixels == [255, 255, 255])
        #expect(try RGBImage(ppmData: Data("P2 4 1 3 0 1 2 3".utf8)).pixels == [0, 0, 0, 85, 85, 85, 170, 170, 170, 255, 255, 255])
        #expect(try RGBImage(ppmData: Data("P3 1 1 65535 65535 0 32767".utf8)).pixels == [255, 0, 127])
    }

    @Test("a comment right after maxval ends the header; only the first image of a file is read")
    func headerEdgeCases() throws {
        var data = Data("P6 1 1 255#note\n".utf8)
        data.append(contentsOf: [1, 2, 3, 9, 9, 9])
        #expect(try RGBImage(ppmData: data).pixels == [1, 2, 3])
        // A raster byte that looks like whitespace is data, not part of the header.
        var spaced = Data("P5 1 1 255\n".utf8)
        spaced.append(0x20)
        #expect(try RGBImage(ppmData: spaced).pixels == [32, 32, 32])
    }

    @Test("truncated and malformed files throw malformedPPM naming the file and the cause", arguments: [
        BrokenPPM("P6\n4 4\n255\n" + String(repeating: "x", count: 10), cause: "truncated"),
        BrokenPPM("P6\n4 4\n", cause: "ends before the maxval"),
        BrokenPPM("P6\n4 4\n255", cause: "truncated"),
        BrokenPPM("P6\n4 x\n255\n", cause: "height"),
        BrokenPPM("P6\n0 4\n255\n", cause: "empty"),
        BrokenPPM("P6\n1 1\n70000\nabc", cause: "maxval 70000"),
        BrokenPPM("P6\n1 1\n0\nabc", cause: "maxval 0"),
        BrokenPPM("P3\n2 1\n255\n1 2 3 4 5\n", cause: "truncated"),
        BrokenPPM("P2\n2 1\n15\n3 16\n", cause: "above maxval"),
        BrokenPPM("P5\n2 1\n15\n\u{3}\u{10}", cause: "above maxval"),
        BrokenPPM("P4\n8 1\n\u{0}", cause: "PBM"),
        BrokenPPM("P6x", cause: "whitespace"),
        BrokenPPM("P6\n99999999999 99999999999\n255\n", cause: "large"),
    ])
    func malformed(_ broken: BrokenPPM) throws {
        let (text, cause) = (broken.text, broken.cause)
        let folder = try TemporaryFolder()
        let file = try folder.write(Data(text.utf8), to: "broken.ppm")
        let error = #expect(throws: ImageError.self) { try RGBImage(ppmData: Data(text.utf8), source: file.path) }
        guard case .malformedPPM(let path, let reason)? = error else {
            Issue.record("expected malformedPPM, got \(String(describing: error))"); return
        }
        #expect(path == file.path)
        #expect(reason.contains(cause), "reason: \(reason)")
        #expect(error!.description.contains(file.path) && error!.description.contains("write it again"))
    }

    @Test("the truncation message gives the expected and the actual byte counts")
    func truncationFigures() throws {
        var data = Data("P6\n2 2\n255\n".utf8)
        data.append(contentsOf: [UInt8](repeating: 7, count: 5))
        let error = #expect(throws: ImageError.self) { try RGBImage(ppmData: data, source: "cut.ppm") }
        #expect(error?.description.contains("12 bytes") == true && error?.description.contains("only 5 bytes") == true,
                "\(String(describing: error))")
    }

    @Test("a missing file throws fileNotFound with its path; a folder or a pipe is unreadable, without hanging")
    func missingFiles() throws {
        let folder = try TemporaryFolder()
        let missing = folder.url.appendingPathComponent("nowhere.ppm")
        #expect(throws: ImageError.fileNotFound(path: missing.path)) { try RGBImage(contentsOf: missing) }
        let message = ImageError.fileNotFound(path: missing.path).description
        #expect(message.contains(missing.path) && message.contains("no such file"))

        let error = #expect(throws: ImageError.self) { try RGBImage(contentsOf: folder.url) }
        #expect(error?.description.contains("folder") == true)

        let fifo = folder.url.appendingPathComponent("pipe.ppm")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let pipeError = #expect(throws: ImageError.self) { try RGBImage(contentsOf: fifo) }
        #expect(pipeError?.description.contains("not a regular file") == true)
    }

    @Test("looksLikePPM accepts the four supported magic numbers only")
    func sniffing() {
        #expect(RGBImage.looksLikePPM(Array("P6\n".utf8)))
        #expect(RGBImage.looksLikePPM(Array("P2 ".utf8)))
        #expect(RGBImage.looksLikePPM(Array("P5#".utf8)))
        #expect(!RGBImage.looksLikePPM(Array("P7\n".utf8)))
        #expect(!RGBImage.looksLikePPM(Array("P6".utf8)))
        #expect(!RGBImage.looksLikePPM([0xFF, 0xD8, 0xFF]))
    }

    @Test("crops copy the right window; centre-crop offsets round halves to even like Python")
    func cropping() {
        let image = testPattern(width: 6, height: 4)
        let window = image.cropped(left: 2, top: 1, width: 3, height: 2)
        #expect(window.width == 3 && window.height == 2)
        #expect(window[0, 0] == image[2, 1] && window[2, 1] == image[4, 2])
        #expect(RGBImage.centerCropOffsets(width: 298, height: 224, cropWidth: 224, cropHeight: 224) == (37, 0))
        #expect(RGBImage.centerCropOffsets(width: 224, height: 326, cropWidth: 224, cropHeight: 224) == (0, 51))
        // (225-224)/2 = 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, 3.5 -> 4: round half to even.
        #expect(RGBImage.centerCropOffsets(width: 225, height: 227, cropWidth: 224, cropHeight: 224) == (0, 2))
        #expect(RGBImage.centerCropOffsets(width: 229, height: 231, cropWidth: 224, cropHeight: 224) == (2, 4))
        #expect(image.centerCropped(width: 4, height: 2) == image.cropped(left: 1, top: 1, width: 4, height: 2))
    }
}
