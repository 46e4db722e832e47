// The pre-tokeniser: splits a cleaned caption into the words BPE works on. A hand-written scanner
// over Unicode scalars replaces open_clip's regular expression (NSRegularExpression is slow on
// Linux and its \p classes follow ICU, not the Python `regex` module).

/// One piece of a caption: a word (a range of the cleaned scalars) or a special token.
enum PreToken: Equatable {
    case word(Range<Int>)
    /// 0 for `<start_of_text>`, 1 for `<end_of_text>` (`BPEVocabulary.specialTokens` order).
    case special(Int)
}

/// open_clip's pattern, applied with Python `regex` semantics under IGNORECASE:
/// `<start_of_text>|<end_of_text>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+`.
///
/// Like `regex.findall`, it tries the alternatives in order at each position and moves one
/// character on where none matches (only whitespace, which so separates words and is dropped).
/// A run of "other" characters is greedy, so in `a.<end_of_text>` the `.<` run swallows the `<`
/// and no special token is seen, as in Python. Case-insensitivity matters only through
/// `ſ` (U+017F), which matches `s` (so `'ſ` is a contraction), since the text is lower-cased.
enum PreTokenizer {
    enum CharacterClass: UInt8 { case separator, letter, number, other }

    /// The pieces of `text`, in order.
    static func split(_ text: [Unicode.Scalar]) -> [PreToken] {
        var pieces: [PreToken] = []
        pieces.reserveCapacity(text.count / 3 + 1)
        var index = 0
        while index < text.count {
            let scalar = text[index]
            if scalar == "<", let special = matchSpecial(text, at: index) {
                pieces.append(.special(special.which))
                index += special.length
                continue
            }
            if scalar == "'", let length = matchContraction(text, at: index) {
                pieces.append(.word(index..<(index + length)))
                index += length
                continue
            }
            let kind = characterClass(scalar)
            switch kind {
            case .separator:
                index += 1
            case .number:  // digits are words of one character each
                pieces.append(.word(index..<(index + 1)))
                index += 1
            case .letter, .other:
                var end = index + 1
                while end < text.count && characterClass(text[end]) == kind { end += 1 }
                pieces.append(.word(index..<end))
                index = end
            }
        }
        return pieces
    }

    /// Which of the pattern's classes a character belongs to, as the `regex` module decides with
    /// IGNORECASE: letters are general categories L*, numbers N*, separators White_Space, and
    /// the rest is "other". One exception: U+0345 (combining ypogegrammeni, Mn) case-folds to a
    /// letter (ι), so under IGNORECASE it fails `[^\s\p{L}\p{N}]` yet `[\p{L}]` does not take it
    /// either; no alternative matches it, so it separates words like a space.
    @inline(__always)
    static func characterClass(_ scalar: Unicode.Scalar) -> CharacterClass {
        let value = scalar.value
        if value < 0x80 { return asciiClasses[Int(value)] }
        if value == 0x0345 || scalar.properties.isWhitespace { return .separator }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return .other
        }
    }

    private static let asciiClasses: [CharacterClass] = (0..<128).map { value in
        switch value {
        case 0x09...0x0D, 0x20: .separator
        case 0x30...0x39: .number
        case 0x41...0x5A, 0x61...0x7A: .letter
        default: .other
        }
    }

    /// `'s|'t|'re|'ve|'m|'ll|'d` at `index` (which holds the apostrophe): the match length.
    private static func matchContraction(_ text: [Unicode.Scalar], at index: Int) -> Int? {
        func letter(_ offset: Int) -> UInt32? {
            guard index + offset < text.count else { return nil }
            let value = text[index + offset].value
            if value == 0x017F { return 0x73 }  // ſ folds to s
            return (0x41...0x5A).contains(value) ? value + 32 : value
        }
        switch letter(1) {
        case 0x73, 0x74, 0x6D, 0x64: return 2  // 's 't 'm 'd
        case 0x72 where letter(2) == 0x65: return 3  // 're
        case 0x76 where letter(2) == 0x65: return 3  // 've
        case 0x6C where letter(2) == 0x6C: return 3  // 'll
        default: return nil
        }
    }

    private static let specialSpellings: [[UInt32]] = BPEVocabulary.specialTokens.map { $0.unicodeScalars.map(\.value) }

    /// A special token spelled at `index` (case-insensitively): which one and its length.
    private static func matchSpecial(_ text: [Unicode.Scalar], at index: Int) -> (which: Int, length: Int)? {
        for (which, spelling) in specialSpellings.enumerated() where index + spelling.count <= text.count {
            var matches = true
            for (offset, expected) in spelling.enumerated() {
                var value = text[index + offset].value
                if value == 0x017F { value = 0x73 } else if (0x41...0x5A).contains(value) { value += 32 }
                if value != expected { matches = false; break }
            }
            if matches { return (which, spelling.count) }
        }
        return nil
    }
}
