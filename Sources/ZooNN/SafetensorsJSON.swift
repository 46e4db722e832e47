// A small strict JSON parser for safetensors headers.
//
// Why not JSONSerialization: it turns integers into Double-backed NSNumbers (so a 2^63 offset
// silently loses precision or traps on conversion), it cannot report duplicate keys, and its
// error messages do not say where the header broke. Headers are small (kilobytes), so a plain
// recursive-descent parser over bytes is fast enough and lets us fail with typed errors.

/// A parsed JSON value. Objects keep their keys in file order.
enum SafetensorsJSON {
    /// One `"key": value` pair of an object.
    struct Member {
        var key: String
        var value: SafetensorsJSON
    }

    case object([Member])
    case array([SafetensorsJSON])
    case string(String)
    /// An integer literal (no fraction or exponent) that fits in `Int`.
    case integer(Int)
    /// Any other number: fractional, with exponent, or an integer too large for `Int`. Kept as text.
    case number(String)
    case bool(Bool)
    case null

    /// A short description of the value's JSON type for error messages ("a string", "1.5", ...).
    var kindDescription: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case let .string(text): return "the string \"\(text.prefix(40))\""
        case let .integer(value): return "the integer \(value)"
        case let .number(text): return "the number \(text.prefix(40))"
        case let .bool(value): return "\(value)"
        case .null: return "null"
        }
    }
}

/// Why parsing failed. `duplicateKey` is separate because it maps to its own public error.
enum SafetensorsJSONFailure: Error {
    case syntax(String)
    case duplicateKey(String)
}

/// Recursive-descent parser over the header bytes (already validated as UTF-8 by the caller).
struct SafetensorsJSONParser {
    /// Nesting deeper than this is refused, so a hostile header like `[[[[...` cannot overflow the stack.
    static let maxDepth = 64

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    /// Parses the whole buffer as one JSON value; only whitespace may follow it.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(SafetensorsJSONFailure) -> SafetensorsJSON {
        var parser = SafetensorsJSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0, path: "")
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.failure("unexpected data after the top-level value") }
        return value
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private func failure(_ message: String) -> SafetensorsJSONFailure {
        .syntax("\(message) at header byte \(position)")
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(SafetensorsJSONFailure) {
        guard position < bytes.count, bytes[position] == byte else { throw failure("expected \(what)") }
        position += 1
    }

    /// `path` names the enclosing key (e.g. `w.shape`) so duplicate keys can be reported precisely.
    private mutating func parseValue(depth: Int, path: String) throws(SafetensorsJSONFailure) -> SafetensorsJSON {
        guard depth < Self.maxDepth else { throw failure("nesting deeper than \(Self.maxDepth) levels") }
        guard position < bytes.count else { throw failure("unexpected end of header") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth, path: path)
        case UInt8(ascii: "["): return try parseArray(depth: depth, path: path)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try parseLiteral("null"); return .null
        default: throw failure("unexpected character")
        }
    }

    private mutating func parseLiteral(_ word: StaticString) throws(SafetensorsJSONFailure) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - position >= count else { throw failure("unexpected end of header") }
        for i in 0..<count where bytes[position + i] != word.utf8Start[i] { throw failure("invalid literal") }
        position += count
    }

    private mutating func parseObject(depth: Int, path: String) throws(SafetensorsJSONFailure) -> SafetensorsJSON {
        position += 1  // "{"
        var members: [SafetensorsJSON.Member] = []
        var seen = Set<String>()
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw failure("expected a quoted key")
            }
            let key = try parseString()
            let keyPath = path.isEmpty ? key : path + "." + key
            guard seen.insert(key).inserted else { throw .duplicateKey(keyPath) }
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "':' after a key")
            skipWhitespace()
            members.append(.init(key: key, value: try parseValue(depth: depth + 1, path: keyPath)))
            skipWhitespace()
            guard position < bytes.count else { throw failure("unterminated object") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            try expect(UInt8(ascii: "}"), "',' or '}' in an object")
            return .object(members)
        }
    }

    private mutating func parseArray(depth: Int, path: String) throws(SafetensorsJSONFailure) -> SafetensorsJSON {
        position += 1  // "["
        var elements: [SafetensorsJSON] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth + 1, path: path))
            skipWhitespace()
            guard position < bytes.count else { throw failure("unterminated array") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            try expect(UInt8(ascii: "]"), "',' or ']' in an array")
            return .array(elements)
        }
    }

    private mutating func parseString() throws(SafetensorsJSONFailure) -> String {
        position += 1  // opening quote
        var utf8: [UInt8] = []
        while true {
            guard position < bytes.count else { throw failure("unterminated string") }
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                // The caller validated the header as UTF-8 and escapes only add valid scalars.
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &utf8)
            case 0..<0x20:
                throw failure("control character inside a string")
            default:
                utf8.append(byte)
            }
        }
    }

    private mutating func parseEscape(into utf8: inout [UInt8]) throws(SafetensorsJSONFailure) {
        guard position < bytes.count else { throw failure("unterminated escape") }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(byte)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try parseHex4())
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate must be followed by an escaped low surrogate.
                try expect(UInt8(ascii: "\\"), "a low surrogate escape")
                try expect(UInt8(ascii: "u"), "a low surrogate escape")
                let low = UInt32(try parseHex4())
                guard (0xDC00..<0xE000).contains(low) else { throw failure("invalid surrogate pair") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw failure("lone surrogate escape") }
            utf8.append(contentsOf: String(Character(unicode)).utf8)
        default:
            throw failure("invalid escape sequence")
        }
    }

    private mutating func parseHex4() throws(SafetensorsJSONFailure) -> UInt16 {
        guard bytes.count - position >= 4 else { throw failure("truncated \\u escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt16(digit)
            position += 1
        }
        return value
    }

    /// Follows the JSON number grammar exactly; integers are accumulated with overflow checks
    /// so a huge literal becomes `.number(text)` instead of trapping.
    private mutating func parseNumber() throws(SafetensorsJSONFailure) -> SafetensorsJSON {
        let start = position
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        var magnitude: Int = 0
        var overflowed = false
        guard position < bytes.count, isDigit(bytes[position]) else { throw failure("invalid number") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            while position < bytes.count, isDigit(bytes[position]) {
                let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(Int(bytes[position] - UInt8(ascii: "0")))
                overflowed = overflowed || o1 || o2
                magnitude = sum
                position += 1
            }
        }
        var isInteger = true
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            try skipDigits()
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            try skipDigits()
        }
        if isInteger && !overflowed { return .integer(negative ? -magnitude : magnitude) }
        return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
    }

    private mutating func skipDigits() throws(SafetensorsJSONFailure) {
        guard position < bytes.count, isDigit(bytes[position]) else { throw failure("invalid number") }
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
