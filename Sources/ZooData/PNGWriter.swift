// A minimal PNG encoder for 8-bit RGB images (previews, contact sheets), with no dependency: the
// zlib stream is deflate with fixed Huffman codes over a simple LZ77 (hash of 3 bytes, short
// chains), or stored blocks. Filter type 0 (none) on every row: the images are small, flat
// synthetic drawings where LZ77 alone already finds the repeats.
// Formats: PNG (ISO/IEC 15948), zlib (RFC 1950), deflate (RFC 1951).
import Foundation

/// Encodes `RGBImage`s as PNG files.
public enum PNGWriter {
    /// How the image data is compressed.
    public enum Compression: Sendable {
        /// Stored (uncompressed) deflate blocks: simplest, about the raw size.
        case stored
        /// Fixed-Huffman deflate with LZ77 matches: several times smaller on flat drawings.
        case fixedHuffman
    }

    /// The eight bytes every PNG file starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The PNG file of `image` (colour type 2: RGB, 8 bits per channel, no interlace).
    public static func encode(_ image: RGBImage, compression: Compression = .fixedHuffman) -> [UInt8] {
        var header: [UInt8] = []
        appendBigEndian(UInt32(image.width), to: &header)
        appendBigEndian(UInt32(image.height), to: &header)
        header += [8, 2, 0, 0, 0]   // bit depth 8, colour type RGB, deflate, adaptive filtering, no interlace
        // Every row starts with its filter type byte, 0 (none).
        let rowBytes = image.width * 3
        var raw = [UInt8](repeating: 0, count: image.height * (rowBytes + 1))
        for y in 0..<image.height {
            raw.replaceSubrange((y * (rowBytes + 1) + 1)..<((y + 1) * (rowBytes + 1)),
                                with: image.pixels[(y * rowBytes)..<((y + 1) * rowBytes)])
        }
        return signature + chunk("IHDR", header) + chunk("IDAT", zlib(raw, compression: compression)) + chunk("IEND", [])
    }

    /// Writes the PNG of `image` to `url` (replacing it atomically).
    public static func write(_ image: RGBImage, to url: URL, compression: Compression = .fixedHuffman) throws {
        try Data(encode(image, compression: compression)).write(to: url, options: .atomic)
    }

    /// One chunk: length, type, data, and the CRC-32 of type and data.
    public static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        precondition(typeBytes.count == 4, "PNG chunk types have four letters, got \"\(type)\"")
        var result: [UInt8] = []
        appendBigEndian(UInt32(data.count), to: &result)
        result += typeBytes + data
        appendBigEndian(crc32(typeBytes + data), to: &result)
        return result
    }

    /// CRC-32 as PNG and zlib's `crc32` define it (polynomial 0xEDB88320, reflected, inverted).
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    private static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// Adler-32, the checksum that ends a zlib stream.
    public static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        // 5552 bytes is the longest run before the sums can overflow 32 bits (zlib's NMAX).
        var start = 0
        while start < bytes.count {
            let end = min(start + 5552, bytes.count)
            for i in start..<end { a &+= UInt32(bytes[i]); b &+= a }
            a %= 65521
            b %= 65521
            start = end
        }
        return b << 16 | a
    }

    /// A zlib stream (RFC 1950) of `data`.
    public static func zlib(_ data: [UInt8], compression: Compression = .fixedHuffman) -> [UInt8] {
        // CMF 0x78: deflate, 32 KiB window; FLG 0x01 makes (CMF * 256 + FLG) a multiple of 31.
        var result: [UInt8] = [0x78, 0x01]
        switch compression {
        case .stored: result += storedDeflate(data)
        case .fixedHuffman: result += FixedHuffmanDeflate.compress(data)
        }
        appendBigEndian(adler32(data), to: &result)
        return result
    }

    /// Deflate with stored blocks of at most 65535 bytes.
    static func storedDeflate(_ data: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var start = 0
        repeat {
            let end = min(start + 65535, data.count)
            let length = UInt16(end - start)
            result.append(end == data.count ? 1 : 0)   // BFINAL, BTYPE 00; the rest of the byte is padding
            result += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
            result += data[start..<end]
            start = end
        } while start < data.count
        return result
    }

    static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}

/// Deflate (RFC 1951) as one block with the fixed Huffman codes, matches found through a hash of
/// the next three bytes and up to 32 earlier positions with the same hash.
enum FixedHuffmanDeflate {
    static let window = 32768
    static let maxChain = 32

    /// Base lengths of codes 257...285 and their extra bits.
    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    /// Base distances of codes 0...29 and their extra bits.
    static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
                               3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    static func compress(_ data: [UInt8]) -> [UInt8] {
        var bits = DeflateBitWriter()
        bits.write(1, count: 1)   // BFINAL
        bits.write(1, count: 2)   // BTYPE 01: fixed Huffman
        let hashSize = 1 << 15
        var head = [Int](repeating: -1, count: hashSize)
        var previous = [Int](repeating: -1, count: data.count)
        func hash(_ i: Int) -> Int { (Int(data[i]) << 10 ^ Int(data[i + 1]) << 5 ^ Int(data[i + 2])) & (hashSize - 1) }
        func insert(_ i: Int) {
            guard i + 2 < data.count else { return }
            let h = hash(i)
            previous[i] = head[h]
            head[h] = i
        }
        var i = 0
        while i < data.count {
            var bestLength = 0, bestDistance = 0
            if i + 2 < data.count {
                var candidate = head[hash(i)]
                var chain = 0
                let limit = min(258, data.count - i)
                while candidate >= 0, i - candidate <= window, chain < maxChain {
                    var length = 0
                    while length < limit, data[candidate + length] == data[i + length] { length += 1 }
                    if length > bestLength { bestLength = length; bestDistance = i - candidate }
                    if length == limit { break }
                    candidate = previous[candidate]
                    chain += 1
                }
            }
            if bestLength >= 3 {
                writeLength(bestLength, to: &bits)
                writeDistance(bestDistance, to: &bits)
                for k in i..<(i + bestLength) { insert(k) }
                i += bestLength
            } else {
                writeLiteral(Int(data[i]), to: &bits)
                insert(i)
                i += 1
            }
        }
        writeLiteral(256, to: &bits)   // end of block
        return bits.finish()
    }

    /// The fixed literal/length code of `symbol` (0...287), written most significant bit first.
    static func writeLiteral(_ symbol: Int, to bits: inout DeflateBitWriter) {
        switch symbol {
        case 0...143: bits.writeHuffman(0x30 + symbol, count: 8)
        case 144...255: bits.writeHuffman(0x190 + symbol - 144, count: 9)
        case 256...279: bits.writeHuffman(symbol - 256, count: 7)
        default: bits.writeHuffman(0xC0 + symbol - 280, count: 8)
        }
    }

    static func writeLength(_ length: Int, to bits: inout DeflateBitWriter) {
        var code = lengthBase.count - 1
        while lengthBase[code] > length { code -= 1 }
        // 258 has its own code (285) although 227 + 31 would also reach it.
        writeLiteral(257 + code, to: &bits)
        bits.write(length - lengthBase[code], count: lengthExtra[code])
    }

    static func writeDistance(_ distance: Int, to bits: inout DeflateBitWriter) {
        var code = distanceBase.count - 1
        while distanceBase[code] > distance { code -= 1 }
        bits.writeHuffman(code, count: 5)
        bits.write(distance - distanceBase[code], count: distanceExtra[code])
    }
}

/// Packs bits least significant first, as deflate orders them.
struct DeflateBitWriter {
    private(set) var bytes: [UInt8] = []
    private var buffer: UInt64 = 0
    private var used = 0

    /// The low `count` bits of `value`, least significant first (header fields, extra bits).
    mutating func write(_ value: Int, count: Int) {
        guard count > 0 else { return }
        buffer |= UInt64(value & ((1 << count) - 1)) << UInt64(used)
        used += count
        while used >= 8 {
            bytes.append(UInt8(buffer & 0xFF))
            buffer >>= 8
            used -= 8
        }
    }

    /// A Huffman code of `count` bits, most significant first (deflate's rule for codes).
    mutating func writeHuffman(_ code: Int, count: Int) {
        var reversed = 0
        for k in 0..<count where code & (1 << k) != 0 { reversed |= 1 << (count - 1 - k) }
        write(reversed, count: count)
    }

    /// The bytes, the last one padded with zero bits.
    mutating func finish() -> [UInt8] {
        if used > 0 { bytes.append(UInt8(buffer & 0xFF)) }
        buffer = 0
        used = 0
        return bytes
    }
}
