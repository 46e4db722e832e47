// Netpbm colour and grey images, read natively so that tests and ffmpeg-less machines need no
// decoder: P6/P5 (binary) and P3/P2 (plain text), maxval 1...65535, `#` comments in the header.
import Foundation

extension RGBImage {
    /// Decodes a PPM (P6, P3) or PGM (P5, P2) image. Grey images become RGB with three equal
    /// channels; samples with a maxval other than 255 are rescaled to 0...255 with rounding
    /// (`(v * 255 + maxval / 2) / maxval`; 16-bit samples are big-endian). Only the first image of
    /// a multi-image file is read. `source` names the data in error messages (usually its path).
    ///
    /// Throws `ImageError.malformedPPM` for a bad header, a sample above maxval, or too few bytes.
    public init(ppmData data: Data, source: String = "<PPM data>") throws(ImageError) {
        let result: Result<RGBImage, ImageError> = data.withUnsafeBytes { raw in
            Result { () throws(ImageError) -> RGBImage in
                var parser = PNMParser(bytes: raw.bindMemory(to: UInt8.self), source: source)
                return try parser.parse()
            }
        }
        self = try result.get()
    }

    /// The image as a binary PPM file (P6, maxval 255): header `P6\n<width> <height>\n255\n`,
    /// then the pixels as stored.
    public func ppmData() -> Data {
        var data = Data("P6\n\(width) \(height)\n255\n".utf8)
        data.append(contentsOf: pixels)
        return data
    }

    /// Whether `bytes` start like a PPM or PGM file this reader decodes (`P2`, `P3`, `P5`, `P6`
    /// followed by whitespace or a comment).
    public static func looksLikePPM(_ bytes: some Collection<UInt8>) -> Bool {
        let prefix = Array(bytes.prefix(3))
        guard prefix.count == 3, prefix[0] == UInt8(ascii: "P") else { return false }
        return [UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "5"), UInt8(ascii: "6")].contains(prefix[1])
            && (PNMParser.isWhitespace(prefix[2]) || prefix[2] == UInt8(ascii: "#"))
    }
}

/// A cursor over the bytes of one PNM file.
struct PNMParser {
    let bytes: UnsafeBufferPointer<UInt8>
    let source: String
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>, source: String) {
        self.bytes = bytes
        self.source = source
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)               // space, \t \n \v \f \r
    }

    func malformed(_ reason: String) -> ImageError { .malformedPPM(path: source, reason: reason) }

    /// Skips whitespace and `#` comments (to the end of their line).
    mutating func skipWhitespaceAndComments() {
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "#") {
                while position < bytes.count && bytes[position] != 0x0A && bytes[position] != 0x0D { position += 1 }
            } else if PNMParser.isWhitespace(byte) {
                position += 1
            } else {
                return
            }
        }
    }

    /// Reads a decimal number after optional whitespace and comments.
    mutating func readNumber(_ what: String) throws(ImageError) -> Int {
        skipWhitespaceAndComments()
        guard position < bytes.count else { throw malformed("the file ends before the \(what)") }
        var value = 0, digits = 0
        while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 {
            value = value * 10 + Int(bytes[position] - 0x30)
            digits += 1
            position += 1
            if value > 1 << 31 { throw malformed("the \(what) is absurdly large") }
        }
        guard digits > 0 else {
            let found = bytes[position]
            let shown = found >= 0x20 && found < 0x7F ? "'\(Character(Unicode.Scalar(found)))'" : String(format: "byte 0x%02X", found)
            throw malformed("expected the \(what) as a decimal number at byte \(position), found \(shown)")
        }
        return value
    }

    mutating func parse() throws(ImageError) -> RGBImage {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "P") else {
            throw malformed("it does not start with a PPM/PGM magic number (P2, P3, P5 or P6)")
        }
        let kind = bytes[1]
        let plain: Bool, channels: Int
        switch kind {
        case UInt8(ascii: "6"): (plain, channels) = (false, 3)
        case UInt8(ascii: "5"): (plain, channels) = (false, 1)
        case UInt8(ascii: "3"): (plain, channels) = (true, 3)
        case UInt8(ascii: "2"): (plain, channels) = (true, 1)
        case UInt8(ascii: "1"), UInt8(ascii: "4"): throw malformed("it is a black-and-white PBM (P1/P4), which is not supported")
        case UInt8(ascii: "7"): throw malformed("it is a PAM (P7), which is not supported")
        default: throw malformed("it does not start with a PPM/PGM magic number (P2, P3, P5 or P6)")
        }
        position = 2
        guard position < bytes.count, PNMParser.isWhitespace(bytes[position]) || bytes[position] == UInt8(ascii: "#") else {
            throw malformed("the magic number must be followed by whitespace")
        }
        let width = try readNumber("width"), height = try readNumber("height"), maxval = try readNumber("maxval")
        guard width > 0, height > 0 else { throw malformed("the size \(width)x\(height) is empty") }
        guard maxval >= 1 && maxval <= 65535 else { throw malformed("maxval \(maxval) is outside 1...65535") }
        let (pixelCount, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixelCount <= 1 << 32 else { throw malformed("the size \(width)x\(height) is too large") }
        let sampleCount = pixelCount * channels

        // The pixels are allocated only once the file is known to hold them: a header may promise
        // billions of pixels in a few bytes.
        var samples: [UInt8]
        let scale = ScaleToByte(maxval: maxval)
        if plain {
            // Every sample needs at least a digit and a separator: reject before allocating much.
            guard sampleCount <= (bytes.count - position) / 2 + 1 else {
                throw malformed("truncated: the header promises \(width)x\(height) with \(sampleCount) samples, "
                                + "but only \(bytes.count - position) bytes follow")
            }
            samples = [UInt8](repeating: 0, count: pixelCount * 3)
            for index in 0..<sampleCount {
                skipWhitespaceAndComments()
                guard position < bytes.count else {
                    throw malformed("truncated: the header promises \(sampleCount) samples, the file ends after \(index)")
                }
                let value = try readNumber("sample \(index)")
                guard value <= maxval else { throw malformed("sample \(index) is \(value), above maxval \(maxval)") }
                store(scale(value), at: index, channels: channels, into: &samples)
            }
        } else {
            // Exactly one whitespace byte (or a comment ending in one) separates maxval and pixels.
            guard position < bytes.count else { throw malformed("truncated: the file ends right after the header") }
            if bytes[position] == UInt8(ascii: "#") { skipWhitespaceAndCommentLine() } else {
                guard PNMParser.isWhitespace(bytes[position]) else {
                    throw malformed("expected one whitespace byte after maxval, found byte 0x\(String(bytes[position], radix: 16))")
                }
                position += 1
            }
            let bytesPerSample = maxval < 256 ? 1 : 2
            let needed = sampleCount * bytesPerSample, available = bytes.count - position
            guard available >= needed else {
                throw malformed("truncated: the header promises \(width)x\(height) (\(needed) bytes of pixels), "
                                + "but only \(available) bytes follow")
            }
            samples = [UInt8](repeating: 0, count: pixelCount * 3)
            try decodeBinary(samples: &samples, count: sampleCount, channels: channels, bytesPerSample: bytesPerSample, scale: scale)
        }
        return RGBImage(width: width, height: height, pixels: samples)
    }

    /// Skips a comment that stands where the single byte after maxval belongs, and its newline.
    private mutating func skipWhitespaceAndCommentLine() {
        while position < bytes.count && bytes[position] != 0x0A && bytes[position] != 0x0D { position += 1 }
        if position < bytes.count { position += 1 }
    }

    private func store(_ value: UInt8, at index: Int, channels: Int, into samples: inout [UInt8]) {
        if channels == 3 {
            samples[index] = value
        } else {
            samples[index * 3] = value; samples[index * 3 + 1] = value; samples[index * 3 + 2] = value
        }
    }

    private func decodeBinary(samples: inout [UInt8], count: Int, channels: Int, bytesPerSample: Int,
                              scale: ScaleToByte) throws(ImageError) {
        let source = bytes.baseAddress! + position
        let maxval = scale.maxval
        var badIndex = -1, badValue = 0
        samples.withUnsafeMutableBufferPointer { target in
            let out = target.baseAddress!
            if bytesPerSample == 1 && maxval == 255 && channels == 3 {
                out.update(from: source, count: count)
                return
            }
            for index in 0..<count {
                let value = bytesPerSample == 1 ? Int(source[index]) : Int(source[2 * index]) << 8 | Int(source[2 * index + 1])
                if value > maxval { badIndex = index; badValue = value; return }
                let byte = scale(value)
                if channels == 3 {
                    out[index] = byte
                } else {
                    out[3 * index] = byte; out[3 * index + 1] = byte; out[3 * index + 2] = byte
                }
            }
        }
        if badIndex >= 0 { throw malformed("sample \(badIndex) is \(badValue), above maxval \(maxval)") }
    }
}

/// Maps a sample in 0...maxval to 0...255 with rounding.
struct ScaleToByte {
    let maxval: Int
    @inline(__always) func callAsFunction(_ value: Int) -> UInt8 {
        maxval == 255 ? UInt8(truncatingIfNeeded: value) : UInt8(truncatingIfNeeded: (value * 255 + maxval / 2) / maxval)
    }
}
