// Caption cleaning exactly as open_clip's tokenizer does it before BPE (`_clean_lower`):
// ftfy.fix_text, html.unescape twice, strip, collapse whitespace, lower-case. Everything works on
// arrays of Unicode scalars, because Python's str is a sequence of code points and every rule
// below (and the pre-tokeniser after it) is stated per code point.

import Foundation

/// open_clip's caption cleaning, reproduced on Unicode scalars.
///
/// `fixText` is the part of ftfy's `fix_text` (default settings) that applies to ordinary text:
/// HTML entities (only while the line has no `<`, as ftfy's "auto" mode decides), C1 control
/// characters read as Windows-1252, Latin ligatures split (`ﬁ` to `fi`), half- and full-width
/// forms to their normal forms (`Ａ` to `A`, U+3000 to a space), curly quotes straightened, line
/// breaks unified, terminal colour codes and stray control characters removed, NFC; repeated
/// until nothing changes, one line at a time, as ftfy does. ftfy's other job, repairing mojibake
/// (`cafÃ©` back to `café`), is not reproduced: such text keeps its garbled characters here,
/// where open_clip would repair it before tokenizing.
enum CaptionCleaning {
    /// The whole cleaning: the text the pre-tokeniser sees.
    static func clean(_ text: String) -> [Unicode.Scalar] {
        var scalars = fixText(Array(text.unicodeScalars))
        scalars = HTMLEntities.unescape(HTMLEntities.unescape(scalars))
        return lowercased(stripAndCollapseWhitespace(scalars))
    }

    // MARK: ftfy

    /// ftfy's `fix_text` without mojibake repair (see the type's documentation).
    static func fixText(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        // Most captions are plain printable ASCII with nothing to fix.
        if text.allSatisfy({ ($0.value >= 0x20 && $0.value < 0x7F && $0 != "&") || $0 == "\n" || $0 == "\t" || $0 == "\u{0C}" }) {
            return text
        }
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(text.count)
        var unescapeEntities = true
        var start = 0
        while start < text.count {
            // ftfy fixes each line (ending with its "\n") on its own, 1,000,000 characters at most;
            // once a line contains "<" the text is taken for HTML and entities stay for good.
            var end = start
            while end < text.count && text[end] != "\n" && end - start < 1_000_000 { end += 1 }
            if end < text.count && text[end] == "\n" { end += 1 }
            let segment = Array(text[start..<end])
            if unescapeEntities && segment.contains("<") { unescapeEntities = false }
            output.append(contentsOf: fixSegment(segment, unescapeEntities: unescapeEntities))
            start = end
        }
        return output
    }

    /// One line through ftfy's fixes, repeated until it stops changing.
    private static func fixSegment(_ segment: [Unicode.Scalar], unescapeEntities: Bool) -> [Unicode.Scalar] {
        var text = segment
        // Only input can hold ESC (no fix produces one), and removing other control characters
        // first could make a colour code appear, so those lines take the two steps separately.
        let hasEscape = segment.contains("\u{1B}")
        while true {
            let previous = text
            if unescapeEntities { text = unescapeFtfy(text) }
            text = mapCharacters(text, removeControls: !hasEscape)
            if hasEscape {
                text = removeTerminalEscapes(text)
                text = text.filter { !isRemovedControl($0.value) }
            }
            if text.contains(where: { $0.value >= 0x300 }) {  // below U+0300 every string is already NFC
                text = Array(String(String.UnicodeScalarView(text)).precomposedStringWithCanonicalMapping.unicodeScalars)
            }
            if text == previous { return text }
        }
    }

    /// ftfy's per-character fixes in its order: C1 controls as Windows-1252, Latin ligatures,
    /// character width, curly quotes, line breaks, and (when asked) control-character removal.
    private static func mapCharacters(_ text: [Unicode.Scalar], removeControls: Bool) -> [Unicode.Scalar] {
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(text.count)
        func emit(_ value: UInt32) {
            var value = value
            switch value {
            case 0x02BC, 0x2018...0x201B: value = 0x27  // ' (uncurl_quotes)
            case 0x201C...0x201F: value = 0x22  // "
            case 0x2028, 0x2029, 0x85: value = 0x0A  // fix_line_breaks
            default: break
            }
            if removeControls && isRemovedControl(value) { return }
            output.append(Unicode.Scalar(value)!)
        }
        func emitAfterLigatures(_ value: UInt32) {
            if value == 0x3000 { emit(0x20) } else if (0xFF01...0xFFEF).contains(value), let wide = widthMap[Int(value - 0xFF01)] {
                wide.forEach { emit($0.value) }
            } else {
                emit(value)
            }
        }
        var index = 0
        while index < text.count {
            var value = text[index].value
            index += 1
            if value == 0x0D {  // "\r\n" and a lone "\r" both become "\n"
                if index < text.count && text[index] == "\n" { continue }
                value = 0x0A
            }
            if (0x80...0x9F).contains(value) { value = HTMLEntities.windows1252High[Int(value - 0x80)] }
            if (0x0132...0x01F3).contains(value) || (0xFB00...0xFB06).contains(value), let parts = latinLigatures[value] {
                parts.forEach(emitAfterLigatures)
            } else {
                emitAfterLigatures(value)
            }
        }
        return output
    }

    /// ftfy's `remove_control_chars` set: C0 controls other than \t \n \f \r, DEL, the deprecated
    /// Arabic format controls, the byte order mark and the interlinear annotation characters.
    @inline(__always)
    private static func isRemovedControl(_ value: UInt32) -> Bool {
        switch value {
        case 0x00...0x08, 0x0B, 0x0E...0x1F, 0x7F, 0x206A...0x206F, 0xFEFF, 0xFFF9...0xFFFC: true
        default: false
        }
    }

    /// ftfy's Latin ligatures and digraphs (its `LIGATURES`; other scripts' ligatures stay).
    private static let latinLigatures: [UInt32: [UInt32]] = [
        0x0132: [0x49, 0x4A], 0x0133: [0x69, 0x6A], 0x0149: [0x02BC, 0x6E],
        0x01F1: [0x44, 0x5A], 0x01F2: [0x44, 0x7A], 0x01F3: [0x64, 0x7A],
        0x01C4: [0x44, 0x017D], 0x01C5: [0x44, 0x017E], 0x01C6: [0x64, 0x017E],
        0x01C7: [0x4C, 0x4A], 0x01C8: [0x4C, 0x6A], 0x01C9: [0x6C, 0x6A],
        0x01CA: [0x4E, 0x4A], 0x01CB: [0x4E, 0x6A], 0x01CC: [0x6E, 0x6A],
        0xFB00: [0x66, 0x66], 0xFB01: [0x66, 0x69], 0xFB02: [0x66, 0x6C], 0xFB03: [0x66, 0x66, 0x69],
        0xFB04: [0x66, 0x66, 0x6C], 0xFB05: [0x017F, 0x74], 0xFB06: [0x73, 0x74],
    ]

    /// ftfy's width map for U+FF01...U+FFEF: each character's NFKC form where that differs
    /// (full-width ASCII, half-width katakana and Hangul, full-width symbols); nil elsewhere.
    private static let widthMap: [[Unicode.Scalar]?] = (0xFF01...0xFFEF).map { value in
        let character = String(Unicode.Scalar(UInt32(value))!)
        let normal = Array(character.precomposedStringWithCompatibilityMapping.unicodeScalars)
        return normal == Array(character.unicodeScalars) ? nil : normal
    }

    /// ftfy's `remove_terminal_escapes`: `ESC [ (digits or ;)* letter` goes (digits in Python's
    /// Unicode sense of `\d`).
    private static func removeTerminalEscapes(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var output: [Unicode.Scalar] = []
        var index = 0
        while index < text.count {
            if text[index] == "\u{1B}", index + 1 < text.count, text[index + 1] == "[" {
                var end = index + 2
                while end < text.count && (text[end] == ";" || text[end].properties.generalCategory == .decimalNumber) { end += 1 }
                if end < text.count, text[end].isASCII, text[end].properties.isAlphabetic {
                    index = end + 1
                    continue
                }
            }
            output.append(text[index])
            index += 1
        }
        return output
    }

    /// ftfy's own entity decoding: only `&name;` and `&#...;` with the semicolon (so "this&not
    /// that" survives), names from `HTMLEntities`, plus all-caps spellings of lower-case names
    /// (`&EACUTE;` gives `É`) where the all-caps name means nothing else.
    private static func unescapeFtfy(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard text.contains("&") else { return text }
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            // `&#?[0-9A-Za-z]{1,24};`
            guard text[index] == "&" else { output.append(text[index]); index += 1; continue }
            let hasHash = index + 1 < text.count && text[index + 1] == "#"
            let nameStart = index + (hasHash ? 2 : 1)
            var nameEnd = nameStart
            while nameEnd < text.count && nameEnd - nameStart <= 24 && isASCIIAlphanumeric(text[nameEnd]) { nameEnd += 1 }
            guard (1...24).contains(nameEnd - nameStart), nameEnd < text.count, text[nameEnd] == ";" else {
                output.append("&")
                index += 1
                continue
            }
            let entity = Array(text[index...nameEnd])
            if hasHash {
                // A numeric reference counts only when Python consumes the whole of it.
                let decoded = HTMLEntities.unescape(entity)
                output.append(contentsOf: decoded.contains(";") ? entity : decoded)
            } else if let replacement = ftfyEntities[String(String.UnicodeScalarView(text[nameStart...nameEnd]))] {
                output.append(contentsOf: replacement)
            } else {
                output.append(contentsOf: entity)
            }
            index = nameEnd + 1
        }
        return output
    }

    @inline(__always)
    private static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))
    }

    /// Names with their semicolon (`eacute;`) to replacements, ftfy's way: every table name that
    /// ends in `;`, and for lower-case names the all-caps spelling, mapped to the upper-cased
    /// character, unless Python's `html.unescape` would already read that spelling as something.
    private static let ftfyEntities: [String: [Unicode.Scalar]] = {
        var entities: [String: [Unicode.Scalar]] = [:]
        for (name, scalar) in HTMLEntities.table where name.hasSuffix(";") {
            entities[name] = [scalar]
            guard name == name.lowercased() else { continue }
            let upper = name.uppercased()
            let written = Array(("&" + upper).unicodeScalars)
            if HTMLEntities.unescape(written) == written {
                entities[upper] = Array(scalar.properties.uppercaseMapping.unicodeScalars)
            }
        }
        return entities
    }()

    // MARK: Whitespace and case

    /// Python's `text.strip()`, then `regex.sub(r"\s+", " ", text)`: ends trimmed of what
    /// `str.isspace` accepts (White_Space plus U+001C...U+001F), inner runs of White_Space
    /// characters replaced by one space. (The second `strip()` open_clip does has nothing left to do.)
    static func stripAndCollapseWhitespace(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        func isPythonSpace(_ scalar: Unicode.Scalar) -> Bool { (0x1C...0x1F).contains(scalar.value) || isWhiteSpace(scalar) }
        var low = 0, high = text.count
        while low < high && isPythonSpace(text[low]) { low += 1 }
        while high > low && isPythonSpace(text[high - 1]) { high -= 1 }
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(high - low)
        var afterSpace = false
        for scalar in text[low..<high] {
            if isWhiteSpace(scalar) {
                if !afterSpace { output.append(" ") }
                afterSpace = true
            } else {
                output.append(scalar)
                afterSpace = false
            }
        }
        return output
    }

    /// The Unicode White_Space property (what the `regex` module's `\s` matches).
    @inline(__always)
    static func isWhiteSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x80 ? (scalar.value == 0x20 || (0x09...0x0D).contains(scalar.value)) : scalar.properties.isWhitespace
    }

    /// Python's `str.lower()`: full lower-case mappings (`İ` gives `i̇`), and a capital sigma
    /// becomes final `ς` when a cased letter precedes it and none follows (case-ignorable
    /// characters skipped both ways), `σ` otherwise. Swift's `lowercased()` lacks the sigma rule.
    static func lowercased(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        if text.allSatisfy(\.isASCII) {
            return text.map { ("A"..."Z").contains($0) ? Unicode.Scalar($0.value + 32)! : $0 }
        }
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(text.count)
        for (index, scalar) in text.enumerated() {
            if scalar.isASCII {
                output.append(("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar)
            } else if scalar == "\u{03A3}" {
                output.append(isFinalSigma(text, at: index) ? "\u{03C2}" : "\u{03C3}")
            } else if scalar.properties.changesWhenLowercased {
                output.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            } else {
                output.append(scalar)
            }
        }
        return output
    }

    private static func isFinalSigma(_ text: [Unicode.Scalar], at index: Int) -> Bool {
        var before = index - 1
        while before >= 0 && text[before].properties.isCaseIgnorable { before -= 1 }
        guard before >= 0 && text[before].properties.isCased else { return false }
        var after = index + 1
        while after < text.count && text[after].properties.isCaseIgnorable { after += 1 }
        return after == text.count || !text[after].properties.isCased
    }
}
