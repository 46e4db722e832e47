import Testing
@testable import ZooManifest

/// Parses `text` and returns the syntax error it must raise.
private func syntaxError(_ text: String) -> JSONSyntaxError? {
    do {
        _ = try JSONParser.parse(text)
        return nil
    } catch {
        return error
    }
}

@Suite("JSON parser")
struct JSONParserTests {
    @Test("records the line and column of every value and key")
    func positions() throws {
        let root = try JSONParser.parse("{\n  \"a\": 1,\n  \"b\": [true,\n    \"x\"]\n}")
        #expect(root.position == SourcePosition(line: 1, column: 1))
        let members = try #require(root.members)
        #expect(members[0].keyPosition == SourcePosition(line: 2, column: 3))
        #expect(members[0].value.position == SourcePosition(line: 2, column: 8))
        #expect(members[1].value.items?[1].position == SourcePosition(line: 4, column: 5))
    }

    @Test("counts columns in characters, not UTF-8 bytes")
    func columnsCountCharacters() throws {
        let root = try JSONParser.parse("{\"é\": \"ü\", \"k\": 1}")
        #expect(root.members?[1].keyPosition.column == 12)
    }

    @Test("decodes escapes, including surrogate pairs")
    func escapes() throws {
        let node = try JSONParser.parse(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#)
        #expect(node.stringValue == "a\"b\\c/d\n\té😀")
    }

    @Test("keeps number text verbatim and reads integers")
    func numbers() throws {
        let node = try JSONParser.parse("[0, -12, 1.5e-3, 1E+2]")
        #expect(node.items?.map(\.description) == ["0", "-12", "1.5e-3", "1E+2"])
        #expect(node.items?[1].intValue == -12)
        #expect(node.items?[2].intValue == nil)
        #expect(node.items?[2].doubleValue == 0.0015)
    }

    @Test("keeps object members in source order")
    func memberOrder() throws {
        let node = try JSONParser.parse(#"{"z": 1, "a": 2, "m": 3}"#)
        #expect(node.members?.map(\.key) == ["z", "a", "m"])
    }

    @Test("accepts literals, empty containers and a byte-order mark")
    func literalsAndEmpties() throws {
        let node = try JSONParser.parse("\u{FEFF}{\"t\": true, \"f\": false, \"n\": null, \"o\": {}, \"a\": []}")
        #expect(node["t"] == .bool(true))
        #expect(node["f"] == .bool(false))
        #expect(node["n"]?.isNull == true)
        #expect(node["o"]?.members?.isEmpty == true)
        #expect(node["a"]?.items?.isEmpty == true)
    }

    @Test("a missing comma is reported at the token that follows, naming the previous line")
    func missingComma() {
        let error = syntaxError("{\n  \"a\": 1\n  \"b\": 2\n}")
        #expect(error?.position.line == 3)
        #expect(error?.message.contains("after the value of \"a\" (line 2)") == true)
    }

    @Test("a trailing comma in an object or array is rejected at the closing bracket")
    func trailingCommas() {
        #expect(syntaxError("{\"a\": 1,\n}")?.position.line == 2)
        #expect(syntaxError("{\"a\": 1,\n}")?.message.contains("trailing comma") == true)
        #expect(syntaxError("[1,\n\n]")?.position.line == 3)
        #expect(syntaxError("[1,\n\n]")?.message.contains("trailing comma") == true)
    }

    @Test("an unterminated string is reported on the line where it starts")
    func unterminatedString() {
        let error = syntaxError("{\n  \"name\": \"clip\n}")
        #expect(error?.position == SourcePosition(line: 2, column: 11))
        #expect(error?.message.contains("unterminated string") == true)
        #expect(syntaxError("\"abc")?.message == "unterminated string")
    }

    @Test("duplicate keys are rejected at the second key, naming the first line")
    func duplicateKeys() {
        let error = syntaxError("{\n\"a\": 1,\n\"a\": 2}")
        #expect(error?.position.line == 3)
        #expect(error?.message.contains("duplicate key \"a\" (first given on line 2)") == true)
    }

    @Test("rejects what JSON does not allow, each with its own message", arguments: [
        ("[01]", "leading zeros"),
        ("['a']", "double quotes"),
        ("// note\n{}", "comments"),
        ("{a: 1}", "key in double quotes"),
        ("[1 2]", "expected ',' or ']'"),
        ("{\"a\" 1}", "expected ':'"),
        ("[tru]", "unexpected word"),
        ("[nullx]", "unexpected word"),
        ("[1.]", "after the decimal point"),
        ("[1e]", "in the exponent"),
        ("[-]", "digit after '-'"),
        ("\"\\x\"", "invalid escape"),
        ("\"\\u12\"", "four hexadecimal digits"),
        ("\"\\ud800\"", "unpaired surrogate"),
        ("\"a\u{01}\"", "control character"),
        ("{} {}", "after the end of the JSON document"),
        ("", "unexpected end of file"),
        ("[", "unexpected end of file"),
        ("]", "expected a value"),
    ])
    func rejections(text: String, expected: String) {
        let error = syntaxError(text)
        #expect(error != nil, "\(text) should be rejected")
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "accepted") should mention \(expected)")
    }

    @Test("rejects nesting deeper than the limit instead of overflowing the stack")
    func depthLimit() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(syntaxError(deep)?.message.contains("nested more than") == true)
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(syntaxError(fine) == nil)
    }
}
