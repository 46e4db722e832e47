// A tiny reader for NumPy's .npy files (format versions 1-3), enough for test fixtures:
// little-endian float32/float64, C order.
import Foundation

struct NumpyFile {
    struct FormatError: Error, CustomStringConvertible {
        let description: String
    }

    let shape: [Int]
    /// The values in C (row-major) order, as float32.
    let values: [Float]

    init(contentsOf url: URL) throws {
        let data = try Data(contentsOf: url)
        let bytes = [UInt8](data)
        func fail(_ reason: String) -> FormatError { FormatError(description: "\(url.lastPathComponent): \(reason)") }
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw fail("not a .npy file (no \\x93NUMPY magic)")
        }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1: headerLength = Int(bytes[8]) | Int(bytes[9]) << 8; headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header") }
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }; headerStart = 12
        default: throw fail("unsupported format version \(major)")
        }
        guard bytes.count >= headerStart + headerLength else { throw fail("truncated header") }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)

        func value(of key: String) throws -> Substring {
            guard let keyRange = header.range(of: "'\(key)':") else { throw fail("header lacks '\(key)'") }
            return header[keyRange.upperBound...].drop(while: { $0 == " " })
        }
        let descr = try value(of: "descr")
        let isFloat32 = descr.hasPrefix("'<f4'"), isFloat64 = descr.hasPrefix("'<f8'")
        guard isFloat32 || isFloat64 else { throw fail("unsupported dtype \(descr.prefix(6)); only <f4 and <f8") }
        guard try value(of: "fortran_order").hasPrefix("False") else { throw fail("Fortran order is not supported") }
        let shapeText = try value(of: "shape")
        guard shapeText.first == "(", let close = shapeText.firstIndex(of: ")") else { throw fail("unreadable shape") }
        shape = shapeText[shapeText.index(after: shapeText.startIndex)..<close]
            .split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }

        let count = shape.reduce(1, *)
        let start = headerStart + headerLength, width = isFloat32 ? 4 : 8
        guard bytes.count - start >= count * width else { throw fail("truncated data: need \(count * width) bytes") }
        var values = [Float](repeating: 0, count: count)
        for i in 0..<count {
            let offset = start + i * width
            if isFloat32 {
                let bits = (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
                values[i] = Float(bitPattern: bits)
            } else {
                let bits = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
                values[i] = Float(Double(bitPattern: bits))
            }
        }
        self.values = values
    }
}
