// The PNG encoder: checksums against published values, the file layout, and (where python3 is
// installed) a round trip through the reference zlib. The bitmap font it is used with.
import Foundation
import Testing
import ZooData

/// Whether `python3` with its zlib module can be run (it is optional: the checks that need it
/// are skipped without it).
private let pythonZlibAvailable: Bool = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import zlib"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}()

/// Decompresses `stream` with Python's zlib; nil if Python rejects it.
private func pythonInflate(_ stream: [UInt8]) throws -> [UInt8]? {
    let folder = try TemporaryFolder()
    let input = try folder.write(Data(stream), to: "stream.z")
    let output = folder.url.appendingPathComponent("raw")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import sys, zlib; open(sys.argv[2], 'wb').write(zlib.decompress(open(sys.argv[1], 'rb').read()))",
                         input.path, output.path]
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    return [UInt8](try Data(contentsOf: output))
}

/// Reads a big-endian 32-bit integer at `offset`.
private func bigEndian(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
}

/// Data with runs, repeats at many distances and noise, to exercise every match length and distance.
private func mixedData(count: Int) -> [UInt8] {
    var state: UInt32 = 12345
    var bytes: [UInt8] = []
    while bytes.count < count {
        state = state &* 1_103_515_245 &+ 12345
        switch state >> 29 {
        case 0, 1: bytes += [UInt8](repeating: UInt8(state >> 8 & 0xFF), count: Int(state >> 16 & 0x1FF))
        case 2, 3: if bytes.count > 10 {
            let distance = 1 + Int(state >> 8) % min(bytes.count, 32768)
            let length = 3 + Int(state >> 3) % 300
            for _ in 0..<length { bytes.append(bytes[bytes.count - distance]) }
        }
        default: bytes.append(UInt8(state >> 16 & 0xFF))
        }
    }
    return Array(bytes.prefix(count))
}

@Suite("PNG writer")
struct PNGWriterTests {
    @Test("CRC-32 and Adler-32 match their published check values")
    func checksums() {
        #expect(PNGWriter.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(PNGWriter.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(PNGWriter.adler32([]) == 1)
        // Long input: the sums are reduced before they can overflow.
        #expect(PNGWriter.adler32([UInt8](repeating: 255, count: 100_000)) == 0x149A_302C)
    }

    @Test("a chunk is length, type, data and the CRC of type and data (IEND's is AE 42 60 82)")
    func chunkLayout() {
        #expect(PNGWriter.chunk("IEND", []) == [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82])
        let chunk = PNGWriter.chunk("tEXt", Array("a=b".utf8))
        #expect(bigEndian(chunk, at: 0) == 3 && chunk.count == 15)
        #expect(bigEndian(chunk, at: 11) == PNGWriter.crc32(Array("tEXta=b".utf8)))
    }

    @Test("a PNG starts with the signature and an IHDR for 8-bit RGB of the image's size, and ends with IEND",
          arguments: [PNGWriter.Compression.stored, .fixedHuffman])
    func fileLayout(compression: PNGWriter.Compression) {
        let image = RGBImage(width: 7, height: 3) { x, y in (UInt8(x * 30), UInt8(y * 80), 200) }
        let png = PNGWriter.encode(image, compression: compression)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(String(decoding: png[12..<16], as: UTF8.self) == "IHDR")
        #expect(bigEndian(png, at: 16) == 7 && bigEndian(png, at: 20) == 3)
        #expect(Array(png[24..<29]) == [8, 2, 0, 0, 0])
        #expect(bigEndian(png, at: 29) == PNGWriter.crc32(Array(png[12..<29])))
        #expect(Array(png.suffix(12)) == PNGWriter.chunk("IEND", []))
        #expect(String(decoding: png[37..<41], as: UTF8.self) == "IDAT")
    }

    @Test("a stored zlib stream holds the bytes verbatim between header and Adler-32")
    func storedStream() {
        let data = Array("synthvtt".utf8)
        let stream = PNGWriter.zlib(data, compression: .stored)
        #expect(Array(stream.prefix(2)) == [0x78, 0x01] && (0x78 * 256 + 0x01) % 31 == 0)
        #expect(Array(stream[2..<7]) == [1, 8, 0, 0xF7, 0xFF])
        #expect(Array(stream[7..<15]) == data)
        #expect(bigEndian(stream, at: 15) == PNGWriter.adler32(data))
    }

    @Test("fixed-Huffman streams are smaller on repetitive data")
    func compresses() {
        let data = [UInt8](repeating: 7, count: 10_000) + Array("abcabcabc".utf8)
        #expect(PNGWriter.zlib(data).count < 200)
    }

    @Test("Python's zlib inflates both kinds of stream back to the input",
          .enabled(if: pythonZlibAvailable, "python3 with zlib is not installed"),
          arguments: [PNGWriter.Compression.stored, .fixedHuffman])
    func roundTrip(compression: PNGWriter.Compression) throws {
        for data in [[], Array("a".utf8), mixedData(count: 5000), mixedData(count: 150_000)] {
            #expect(try pythonInflate(PNGWriter.zlib(data, compression: compression)) == data)
        }
    }
}

@Suite("bitmap font")
struct BitmapFontTests {
    @Test("text is 6 pixels a character less the last gap, times the scale")
    func widths() {
        #expect(BitmapFont.textWidth("abc") == 17 && BitmapFont.textWidth("abc", scale: 2) == 34 && BitmapFont.textWidth("") == 0)
    }

    @Test("drawing 'l' lights its column and leaves the rest; unknown characters draw as '?'")
    func drawing() {
        var pixels = [UInt8](repeating: 0, count: 8 * 8 * 3)
        BitmapFont.draw("l", x: 1, y: 1, colour: (255, 255, 255), into: &pixels, imageWidth: 8, imageHeight: 8)
        let lit = (0..<64).filter { pixels[$0 * 3] == 255 }.map { ($0 % 8, $0 / 8) }
        // 'l': 0C 04 04 04 04 04 0E — 2 + 5 + 3 pixels.
        #expect(lit.count == 10 && lit.contains { $0 == (3, 3) } && !lit.contains { $0 == (1, 1) })
        #expect(BitmapFont.glyph("é") == BitmapFont.glyph("?"))
    }
}
