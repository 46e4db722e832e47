// Deterministic JSON output for `--json` and for showing config values.
// Written by hand rather than with JSONSerialization because scripts rely on stable output:
// keys stay in the order they were given (zoo.json order for configs), numbers keep the
// exact text zoo.json wrote, and the layout never changes between Foundation versions.

/// Turns `JSONNode` trees into text.
public enum JSONWriter {
    /// Multi-line JSON with two-space indentation and a trailing newline.
    ///
    /// Arrays whose items are all scalars stay on one line (`[0.9, 0.98]`); everything else
    /// puts one item or member per line.
    public static func pretty(_ node: JSONNode) -> String {
        var output = ""
        writePretty(node, indent: 0, into: &output)
        output += "\n"
        return output
    }

    /// One-line JSON with a space after each `:` and `,`.
    public static func compact(_ node: JSONNode) -> String {
        var output = ""
        writeCompact(node, into: &output)
        return output
    }

    /// A JSON string literal for `text`, with quotes and escapes.
    public static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\u{00}"..."\u{1F}":
                let digits = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }

    private static func writePretty(_ node: JSONNode, indent: Int, into output: inout String) {
        let inner = String(repeating: "  ", count: indent + 1)
        let closing = String(repeating: "  ", count: indent)
        switch node.value {
        case let .object(members):
            guard !members.isEmpty else { output += "{}"; return }
            output += "{\n"
            for (index, member) in members.enumerated() {
                output += inner + quoted(member.key) + ": "
                writePretty(member.value, indent: indent + 1, into: &output)
                output += index == members.count - 1 ? "\n" : ",\n"
            }
            output += closing + "}"
        case let .array(items):
            guard !items.isEmpty else { output += "[]"; return }
            if items.allSatisfy(\.isScalar) {
                writeCompact(node, into: &output)
                return
            }
            output += "[\n"
            for (index, item) in items.enumerated() {
                output += inner
                writePretty(item, indent: indent + 1, into: &output)
                output += index == items.count - 1 ? "\n" : ",\n"
            }
            output += closing + "]"
        default:
            writeCompact(node, into: &output)
        }
    }

    private static func writeCompact(_ node: JSONNode, into output: inout String) {
        switch node.value {
        case let .object(members):
            output += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { output += ", " }
                output += quoted(member.key) + ": "
                writeCompact(member.value, into: &output)
            }
            output += "}"
        case let .array(items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += ", " }
                writeCompact(item, into: &output)
            }
            output += "]"
        case let .string(text): output += quoted(text)
        case let .number(text): output += text
        case let .bool(flag): output += flag ? "true" : "false"
        case .null: output += "null"
        }
    }
}

extension JSONNode {
    /// Whether the value is a string, number, boolean or null.
    var isScalar: Bool {
        switch value {
        case .object, .array: false
        default: true
        }
    }
}
