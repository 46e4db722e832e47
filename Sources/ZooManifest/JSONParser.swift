// A strict RFC 8259 JSON parser that records the line and column of every value and key.
// Why not JSONSerialization: it reports no positions, and a bad zoo.json must fail the build
// with `zoo.json:LINE:COL`. Duplicate keys are rejected too: JSONSerialization would silently
// keep the last one, and the manifest reader in Package.swift would then disagree with us.

/// A JSON syntax error and where it is.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var position: SourcePosition

    public var description: String { "\(position): \(message)" }
}

/// Parses JSON text into a `JSONNode` tree with source positions.
public enum JSONParser {
    /// Deeper nesting is rejected rather than risking the stack on hostile input.
    public static let maximumDepth = 256

    /// Parses a complete JSON document.
    /// - Throws: `JSONSyntaxError` at the first syntax error.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONNode {
        var scanner = Scanner(bytes: Array(text.utf8))
        scanner.skipByteOrderMark()
        scanner.skipWhitespace()
        let root = try scanner.parseValue(depth: 0)
        scanner.skipWhitespace()
        if !scanner.isAtEnd {
            throw scanner.error("unexpected \(scanner.describeCurrent()) after the end of the JSON document")
        }
        return root
    }
}

private struct Scanner {
    let bytes: [UInt8]
    var index = 0
    var line = 1
    var column = 1

    init(bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { index >= bytes.count }
    var current: UInt8? { index < bytes.count ? bytes[index] : nil }
    var position: SourcePosition { SourcePosition(line: line, column: column) }

    func error(_ message: String, at position: SourcePosition? = nil) -> JSONSyntaxError {
        JSONSyntaxError(message: message, position: position ?? self.position)
    }

    mutating func advance() {
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            // Only the first byte of a UTF-8 sequence starts a new column.
            column += 1
        }
    }

    mutating func skipByteOrderMark() {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            advance()
        }
    }

    /// The current character in words, for messages: `'x'`, `end of file`.
    func describeCurrent() -> String {
        guard !isAtEnd else { return "end of file" }
        var end = index + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        let character = String(decoding: bytes[index..<end], as: UTF8.self)
        return "'\(character)'"
    }

    mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONNode {
        guard depth < JSONParser.maximumDepth else {
            throw error("values are nested more than \(JSONParser.maximumDepth) levels deep")
        }
        let start = position
        guard let byte = current else { throw error("unexpected end of file; expected a value") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return JSONNode(.string(try parseString()), at: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"): return try parseLiteral()
        case UInt8(ascii: "'"): throw error("strings must be in double quotes, not single quotes")
        case UInt8(ascii: "/"): throw error("comments are not allowed in JSON")
        default: throw error("expected a value, found \(describeCurrent())")
        }
    }

    mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONNode {
        let start = position
        advance()  // {
        var members: [JSONNode.Member] = []
        var firstKeyLine: [String: Int] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            advance()
            return JSONNode(.object([]), at: start)
        }
        while true {
            skipWhitespace()
            let keyPosition = position
            guard current == UInt8(ascii: "\"") else {
                if current == UInt8(ascii: "}"), let last = members.last {
                    throw error("trailing comma after the value of \"\(last.key)\"; remove the comma")
                }
                throw error("expected a key in double quotes, found \(describeCurrent())")
            }
            let key = try parseString()
            if let firstLine = firstKeyLine[key] {
                throw error("duplicate key \"\(key)\" (first given on line \(firstLine))", at: keyPosition)
            }
            firstKeyLine[key] = keyPosition.line
            skipWhitespace()
            guard current == UInt8(ascii: ":") else {
                throw error("expected ':' after the key \"\(key)\", found \(describeCurrent())")
            }
            advance()
            skipWhitespace()
            let value = try parseValue(depth: depth + 1)
            members.append(JSONNode.Member(key: key, keyPosition: keyPosition, value: value))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","):
                advance()
            case UInt8(ascii: "}"):
                advance()
                return JSONNode(.object(members), at: start)
            default:
                throw error("expected ',' or '}' after the value of \"\(key)\" (line \(value.position.line)), found \(describeCurrent())")
            }
        }
    }

    mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONNode {
        let start = position
        advance()  // [
        var items: [JSONNode] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            advance()
            return JSONNode(.array([]), at: start)
        }
        while true {
            skipWhitespace()
            if current == UInt8(ascii: "]"), !items.isEmpty {
                throw error("trailing comma after the last array element; remove the comma")
            }
            let item = try parseValue(depth: depth + 1)
            items.append(item)
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","):
                advance()
            case UInt8(ascii: "]"):
                advance()
                return JSONNode(.array(items), at: start)
            default:
                throw error("expected ',' or ']' after an array element (line \(item.position.line)), found \(describeCurrent())")
            }
        }
    }

    mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = position
        advance()  // opening quote
        var utf8: [UInt8] = []
        while true {
            guard let byte = current else { throw error("unterminated string", at: start) }
            switch byte {
            case UInt8(ascii: "\""):
                advance()
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                let escapePosition = position
                advance()
                try parseEscape(into: &utf8, at: escapePosition)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw error("unterminated string (a string cannot span lines; write \\n)", at: start)
            case 0..<0x20:
                throw error("control character U+\(hex(byte, width: 4)) inside a string; escape it")
            default:
                utf8.append(byte)
                advance()
            }
        }
    }

    mutating func parseEscape(into utf8: inout [UInt8], at escapePosition: SourcePosition) throws(JSONSyntaxError) {
        guard let byte = current else { throw error("unterminated string") }
        advance()
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F,
            UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A,
            UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
        ]
        if let replacement = simple[byte] {
            utf8.append(replacement)
            return
        }
        guard byte == UInt8(ascii: "u") else {
            throw error("invalid escape '\\\(Character(Unicode.Scalar(byte)))' in a string", at: escapePosition)
        }
        var scalarValue = try parseHexQuad(escapePosition)
        if (0xD800..<0xDC00).contains(scalarValue) {
            // A high surrogate must be followed by an escaped low surrogate.
            guard current == UInt8(ascii: "\\") else { throw error("unpaired surrogate \\u\(hex(scalarValue, width: 4))", at: escapePosition) }
            advance()
            guard current == UInt8(ascii: "u") else { throw error("unpaired surrogate \\u\(hex(scalarValue, width: 4))", at: escapePosition) }
            advance()
            let low = try parseHexQuad(escapePosition)
            guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate \\u\(hex(scalarValue, width: 4))", at: escapePosition) }
            scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00..<0xE000).contains(scalarValue) {
            throw error("unpaired surrogate \\u\(hex(scalarValue, width: 4))", at: escapePosition)
        }
        guard let scalar = Unicode.Scalar(scalarValue) else { throw error("invalid \\u escape", at: escapePosition) }
        utf8.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    mutating func parseHexQuad(_ escapePosition: SourcePosition) throws(JSONSyntaxError) -> UInt32 {
        var result: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = hexDigitValue(byte) else {
                throw error("\\u must be followed by four hexadecimal digits", at: escapePosition)
            }
            result = result * 16 + digit
            advance()
        }
        return result
    }

    mutating func parseNumber() throws(JSONSyntaxError) -> JSONNode {
        let start = position
        let startIndex = index
        if current == UInt8(ascii: "-") { advance() }
        guard let first = current, isDigit(first) else { throw error("expected a digit after '-'") }
        advance()
        if first == UInt8(ascii: "0"), let next = current, isDigit(next) {
            throw error("numbers cannot have leading zeros", at: start)
        }
        skipDigits()
        if current == UInt8(ascii: ".") {
            advance()
            guard let digit = current, isDigit(digit) else { throw error("expected a digit after the decimal point") }
            skipDigits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            advance()
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { advance() }
            guard let digit = current, isDigit(digit) else { throw error("expected a digit in the exponent") }
            skipDigits()
        }
        let text = String(decoding: bytes[startIndex..<index], as: UTF8.self)
        return JSONNode(.number(text), at: start)
    }

    mutating func skipDigits() {
        while let byte = current, isDigit(byte) { advance() }
    }

    mutating func parseLiteral() throws(JSONSyntaxError) -> JSONNode {
        let start = position
        for (word, value) in [("true", JSONNode.Value.bool(true)), ("false", .bool(false)), ("null", .null)] {
            let wordBytes = Array(word.utf8)
            if bytes[index...].starts(with: wordBytes) {
                let end = index + wordBytes.count
                if end < bytes.count, isIdentifierByte(bytes[end]) { break }
                for _ in wordBytes { advance() }
                return JSONNode(value, at: start)
            }
        }
        throw error("unexpected word; expected a value (strings need double quotes; literals are true, false and null)")
    }
}

private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

private func isIdentifierByte(_ byte: UInt8) -> Bool {
    isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_")
}

private func hexDigitValue(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
    default: nil
    }
}

private func hex<T: BinaryInteger>(_ value: T, width: Int) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
