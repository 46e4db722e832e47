// Syntax rules for the identifiers zoo.json holds. Written out by hand (no Regex) so the rules
// read as plain conditions and are the same ones Package.swift applies to target names.

/// The spelling rules for names, targets, entry types, tags, arXiv ids and URLs.
public enum NameRules {
    /// Lowercase ASCII words of letters and digits joined by single `-`, starting with a letter:
    /// `clip-vit-b32`, `clip4clip-seqtransf`.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return isDashSeparatedLowercase(name)
    }

    /// A recipe's name: names joined by `/` and `_`, e.g. `teachclip/clip4clip-seqtransf_from_xclip`
    /// (method / student `_from_` teacher, the torchdistill convention).
    public static func isValidRecipeName(_ name: String) -> Bool {
        let parts = name.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "_" }
        return !name.isEmpty && parts.allSatisfy { isValidName(String($0)) }
    }

    /// Like a name, but may start with a digit (`2d`, `vit-b16`).
    public static func isValidTag(_ tag: String) -> Bool { isDashSeparatedLowercase(tag) }

    /// A Swift module name for `Sources/Methods/<target>`: an uppercase ASCII letter, then
    /// letters and digits (`CLIP4Clip`, `HintonKD`).
    public static func isValidTarget(_ target: String) -> Bool {
        guard let first = target.unicodeScalars.first, ("A"..."Z").contains(first) else { return false }
        return target.unicodeScalars.allSatisfy(isASCIIAlphanumeric)
    }

    /// Target names starting with `Zoo` belong to the zoo's own layers (ZooCore, ZooNN, ...).
    public static func isReservedTarget(_ target: String) -> Bool { target.hasPrefix("Zoo") }

    /// A plain Swift type name: ASCII letters, digits and `_`, not starting with a digit.
    public static func isValidTypeName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || isASCIILetter(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || isASCIIAlphanumeric($0) }
    }

    /// A modern arXiv id without prefix or version: `YYMM.NNNN` or `YYMM.NNNNN`.
    public static func isValidArxiv(_ id: String) -> Bool {
        let parts = id.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, (4...5).contains(parts[1].count) else { return false }
        return parts.allSatisfy { $0.unicodeScalars.allSatisfy(isASCIIDigit) }
    }

    /// An absolute `https://` URL with a host and no whitespace.
    public static func isValidURL(_ url: String) -> Bool {
        guard url.hasPrefix("https://"), url.count > "https://".count else { return false }
        return !url.unicodeScalars.contains { $0.properties.isWhitespace }
    }

    /// Years the zoo's papers can plausibly have.
    public static let plausibleYears = 1950...2100

    private static func isDashSeparatedLowercase(_ text: String) -> Bool {
        let words = text.split(separator: "-", omittingEmptySubsequences: false)
        return !text.isEmpty && words.allSatisfy { word in
            !word.isEmpty && word.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || isASCIIDigit($0) }
        }
    }

    private static func isASCIIDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
    private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
    private static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        isASCIILetter(scalar) || isASCIIDigit(scalar)
    }
}
