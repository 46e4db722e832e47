// What a researcher asks `zoo-new-method` for, checked against the same rules the manifest
// validator applies, so that a request accepted here always yields a zoo.json the build accepts.
import ZooManifest

/// The kinds the scaffold can generate. Encoders and recipes are left out on purpose: an
/// encoder has no registry protocol of its own yet, and a recipe is data, not code.
public enum ScaffoldKind: String, CaseIterable, Sendable {
    /// A whole `ZooModel` (forward pass, task loss, example batch).
    case model
    /// A `SimilarityHead` over text and video features.
    case head
    /// A `DistillationLoss` between a student's and a teacher's outputs.
    case loss

    /// The manifest's kind for it.
    public var entryKind: EntryKind {
        switch self {
        case .model: .model
        case .head: .head
        case .loss: .loss
        }
    }

    /// The word appended to the target to name the generated type (`DemoHead`, `DemoLoss`).
    var typeSuffix: String {
        switch self {
        case .model: "Model"
        case .head: "Head"
        case .loss: "Loss"
        }
    }
}

/// A validated request for a new method: its registry name, what it is, where it lives and
/// which paper it implements. Build one with `init(name:kind:family:...)`, which checks every
/// field and fills in the defaults.
public struct ScaffoldRequest: Sendable, Equatable {
    /// The zoo.json name, e.g. `my-method`.
    public var name: String
    public var kind: ScaffoldKind
    public var family: Family
    /// The SwiftPM target and module, e.g. `MyMethod`.
    public var target: String
    public var paper: Paper

    /// Placeholders written when the paper is not given, easy to find with `grep TODO`. The
    /// author is one word so that `zoo list`'s citation column reads "TODO 2026".
    public static let titlePlaceholder = "TODO: the paper's title"
    public static let authorsPlaceholder = "TODO"

    /// Checks every field and derives the defaults.
    ///
    /// - Parameters:
    ///   - target: the target name; derived from `name` when nil (`my-method` → `MyMethod`).
    ///   - authors: comma-separated full names (`"Ada Lovelace, Alan Turing"`).
    ///   - year: defaults to `currentYear`.
    /// - Throws: `ScaffoldError` naming the rule a field breaks.
    public init(name: String, kind: String, family: String, target: String? = nil, title: String? = nil,
                authors: String? = nil, year: Int? = nil, arxiv: String? = nil, code: String? = nil,
                currentYear: Int) throws(ScaffoldError) {
        guard NameRules.isValidName(name) else { throw .invalidName(name) }
        guard let kind = ScaffoldKind(rawValue: kind) else {
            throw .invalidChoice(option: "kind", value: kind, choices: ScaffoldKind.allCases.map(\.rawValue))
        }
        guard let family = Family(rawValue: family) else {
            throw .invalidChoice(option: "family", value: family, choices: Family.allCases.map(\.rawValue))
        }
        // SimilarityHead scores text against video; there is no classification counterpart.
        if kind == .head, family != .retrieval { throw .headNeedsRetrieval }
        let derived = target == nil
        let target = target ?? Self.derivedTarget(from: name)
        try Self.checkTarget(target, derived: derived)

        let title = title?.trimmed ?? Self.titlePlaceholder
        guard !title.isEmpty else { throw .emptyValue(option: "title") }
        let authorList = (authors ?? Self.authorsPlaceholder).split(separator: ",").map { String($0).trimmed }
        guard !authorList.isEmpty, authorList.allSatisfy({ !$0.isEmpty }) else { throw .emptyValue(option: "authors") }
        let year = year ?? currentYear
        guard NameRules.plausibleYears.contains(year) else { throw .invalidYear(year) }
        if let arxiv, !NameRules.isValidArxiv(arxiv) { throw .invalidArxiv(arxiv) }
        if let code, !NameRules.isValidURL(code) { throw .invalidURL(code) }

        self.name = name
        self.kind = kind
        self.family = family
        self.target = target
        paper = Paper(title: title, authors: authorList, year: year, arxiv: arxiv, code: code)
    }

    /// The target a name gets by default: each `-` separated word capitalised and joined
    /// (`my-method` → `MyMethod`, `clip4clip-seqtransf` → `Clip4clipSeqtransf`).
    public static func derivedTarget(from name: String) -> String {
        name.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// Module names that would shadow a system or toolchain module every target imports.
    static let systemModules: Set<String> = ["Foundation", "FoundationEssentials", "Dispatch", "Glibc", "Darwin", "Musl",
                                             "Swift", "Testing", "XCTest", "PackageDescription", "PackagePlugin",
                                             "Observation", "Synchronization", "Distributed", "RegexBuilder"]

    private static func checkTarget(_ target: String, derived: Bool) throws(ScaffoldError) {
        guard NameRules.isValidTarget(target) else { throw .invalidTarget(target, derived: derived) }
        if NameRules.isReservedTarget(target) { throw .reservedTarget(target, derived: derived) }
        // `<T>Tests` is the test target's name; a method target ending in Tests could collide with one.
        if target.hasSuffix("Tests") || systemModules.contains(target) { throw .clashingTarget(target, derived: derived) }
    }

    /// The `MethodEntry` type that registers the target's names.
    public var entryType: String { target + "Entry" }

    /// The generated model, head or loss type: `<Target>Head`, or `<Target>Module` when the
    /// target already ends in the kind's word (`DemoHead` would otherwise become `DemoHeadHead`,
    /// and a type may not share its module's name without confusing qualified lookups).
    public var implementationType: String {
        target.hasSuffix(kind.typeSuffix) ? target + "Module" : target + kind.typeSuffix
    }

    /// Folder of the method target, relative to the package.
    public var sourceFolder: String { "Sources/Methods/\(target)" }
    /// Folder of its tests, relative to the package.
    public var testFolder: String { "Tests/\(target)Tests" }
}

extension String {
    var trimmed: String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
