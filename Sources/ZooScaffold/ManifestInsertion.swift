// Appends an entry to zoo.json as text. Re-serialising the parsed tree would rewrite the whole
// file (its hand-kept line breaks, one-line arrays, number spellings), turning a one-entry
// change into a noisy diff; splicing keeps every existing byte where it was.
import ZooManifest

/// The textual edit that adds one entry at the end of zoo.json's `entries` array.
public enum ManifestInsertion {
    /// `manifest` with `entry` appended as the last item of its top-level `entries` array.
    ///
    /// The entry is indented like the array's last item (or two spaces deeper than the array
    /// when it is empty) and uses the file's line ending. Every original character is kept:
    /// the result is `manifest` with one run of text inserted before the array's closing `]`.
    /// - Returns: the new text and the 1-based line on which the new entry's `{` stands.
    /// - Throws: `ScaffoldError.manifestLayout` when the text is not an object with an
    ///   `entries` array.
    public static func appending(_ entry: JSONNode, to manifest: String) throws(ScaffoldError) -> (text: String, line: Int) {
        let root: JSONNode
        do {
            root = try JSONParser.parse(manifest)
        } catch {
            throw .manifestLayout("zoo.json is not valid JSON (\(error))")
        }
        guard let entriesNode = root["entries"], let items = entriesNode.items else {
            throw .manifestLayout("zoo.json has no top-level \"entries\" array")
        }
        let scalars = Array(manifest.unicodeScalars)
        let newline = manifest.contains("\r\n") ? "\r\n" : "\n"
        guard let open = offset(of: entriesNode.position, in: scalars), scalars[open] == "[",
              let close = matchingBracket(from: open, in: scalars) else {
            throw .manifestLayout("the \"entries\" array could not be located in the text")
        }

        // Insert right after the last non-blank character before `]`: the last item's `}` (or
        // the `[` itself), so the whitespace before `]` (the closing bracket's indentation) stays.
        var insertAt = close
        while insertAt > open + 1, scalars[insertAt - 1].properties.isWhitespace { insertAt -= 1 }
        let indent: String
        if let last = items.last, let lastStart = offset(of: last.position, in: scalars) {
            indent = indentation(ofLineContaining: lastStart, in: scalars)
        } else {
            indent = indentation(ofLineContaining: open, in: scalars) + "  "
        }
        let body = JSONWriter.pretty(entry).trimmingTrailingNewline
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { indent + $0 }
            .joined(separator: newline)
        var inserted = (items.isEmpty ? "" : ",") + newline + body
        if items.isEmpty { inserted += newline + indentation(ofLineContaining: open, in: scalars) }

        var result = String.UnicodeScalarView(scalars[..<insertAt])
        result.append(contentsOf: inserted.unicodeScalars)
        result.append(contentsOf: scalars[insertAt...])
        let line = scalars[..<insertAt].count(where: { $0 == "\n" }) + 2
        return (String(result), line)
    }

    /// The scalar offset of a parser position (lines split at `\n`, columns count scalars).
    static func offset(of position: SourcePosition, in scalars: [Unicode.Scalar]) -> Int? {
        var line = 1, index = 0
        while line < position.line {
            guard let newline = scalars[index...].firstIndex(of: "\n") else { return nil }
            index = newline + 1
            line += 1
        }
        let target = index + position.column - 1
        return target < scalars.count ? target : nil
    }

    /// The offset of the `]` or `}` closing the bracket at `open`, skipping string contents.
    static func matchingBracket(from open: Int, in scalars: [Unicode.Scalar]) -> Int? {
        var depth = 0, inString = false, escaped = false
        for index in open..<scalars.count {
            let scalar = scalars[index]
            if inString {
                if escaped { escaped = false } else if scalar == "\\" { escaped = true } else if scalar == "\"" { inString = false }
                continue
            }
            switch scalar {
            case "\"": inString = true
            case "[", "{": depth += 1
            case "]", "}":
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
        }
        return nil
    }

    /// The spaces and tabs that start the line holding `offset`.
    static func indentation(ofLineContaining offset: Int, in scalars: [Unicode.Scalar]) -> String {
        var start = offset
        while start > 0, scalars[start - 1] != "\n" { start -= 1 }
        var end = start
        while end < scalars.count, scalars[end] == " " || scalars[end] == "\t" { end += 1 }
        return String(String.UnicodeScalarView(scalars[start..<end]))
    }
}

extension String {
    var trimmingTrailingNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}
