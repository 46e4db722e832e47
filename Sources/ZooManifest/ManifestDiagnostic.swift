// Every way zoo.json can be rejected, each with its own case so tests can name it, and each
// with a message that says what to change.

/// One reason zoo.json was rejected.
public enum ManifestProblem: Sendable, Equatable, CustomStringConvertible {
    case invalidJSON(String)
    case notUTF8
    case wrongRootType(found: String)
    case unsupportedVersion(Int)
    case missingField(String, context: String)
    case unknownField(String, context: String, suggestion: String?)
    case wrongType(field: String, expected: String, found: String)
    case emptyValue(field: String)
    case invalidName(String)
    case duplicateName(String, firstLine: Int)
    case unknownKind(String, suggestion: String?)
    case unknownFamily(String, suggestion: String?)
    case duplicateFamily(String)
    case unknownStatus(String, suggestion: String?)
    case invalidTarget(String)
    case reservedTarget(String)
    case invalidEntryType(String)
    case conflictingEntryType(target: String, entryType: String, existing: String, line: Int)
    case entryTypeInTwoTargets(entryType: String, target: String, otherTarget: String, line: Int)
    case missingTargetFolder(target: String, path: String)
    case invalidYear(Int)
    case invalidArxiv(String)
    case invalidURL(String)
    case invalidTag(String)
    case duplicateTag(String)
    case invalidVariantName(String)
    case duplicateVariant(String)
    case staleBuildGraph(target: String)
    case unknownDependency(target: String, dependency: String, suggestion: String?)
    case dependencyCycle([String])

    public var description: String {
        switch self {
        case let .invalidJSON(message):
            "invalid JSON: \(message)"
        case .notUTF8:
            "zoo.json is not valid UTF-8 text; save it as UTF-8"
        case let .wrongRootType(found):
            "zoo.json must be an object with \"version\" and \"entries\", found \(found)"
        case let .unsupportedVersion(version):
            "unsupported manifest version \(version); this zoo reads version \(Manifest.supportedVersion)"
        case let .missingField(field, context):
            "\(context) lacks the required field \"\(field)\" (zoo.schema.json describes it)"
        case let .unknownField(field, context, suggestion):
            "unknown field \"\(field)\" in \(context)" + Self.hint(suggestion)
        case let .wrongType(field, expected, found):
            "\"\(field)\" must be \(expected), found \(found)"
        case let .emptyValue(field):
            "\"\(field)\" must not be empty"
        case let .invalidName(name):
            "invalid name \"\(name)\": use lowercase letters and digits in words joined by '-', starting with a letter (e.g. \"clip4clip-seqtransf\")"
        case let .duplicateName(name, firstLine):
            "duplicate name \"\(name)\": line \(firstLine) already registers it; names must be unique"
        case let .unknownKind(kind, suggestion):
            "unknown kind \"\(kind)\"; expected one of \(Self.choices(EntryKind.self))" + Self.hint(suggestion)
        case let .unknownFamily(family, suggestion):
            "unknown family \"\(family)\"; expected one of \(Self.choices(Family.self))" + Self.hint(suggestion)
        case let .duplicateFamily(family):
            "family \"\(family)\" is listed twice"
        case let .unknownStatus(status, suggestion):
            "unknown status \"\(status)\"; expected one of \(Self.choices(Status.self))" + Self.hint(suggestion)
        case let .invalidTarget(target):
            "invalid target \"\(target)\": a target is a Swift module name starting with an uppercase letter, letters and digits only (e.g. \"CLIP4Clip\")"
        case let .reservedTarget(target):
            "target \"\(target)\" starts with \"Zoo\", which is reserved for the zoo's own layers; name the target after the paper"
        case let .invalidEntryType(type):
            "invalid entry \"\(type)\": it must be a Swift type name (letters, digits, '_'), e.g. \"CLIP4ClipEntry\""
        case let .conflictingEntryType(target, entryType, existing, line):
            "target \(target) registers through \(existing) (line \(line)), but this entry names \(entryType); a target has one entry type"
        case let .entryTypeInTwoTargets(entryType, target, otherTarget, line):
            "entry type \(entryType) is in target \(otherTarget) (line \(line)), so it cannot also be in \(target)"
        case let .missingTargetFolder(target, path):
            "target \(target) is not planned, but its folder \(path) does not exist; create it, or set \"status\": \"planned\""
        case let .invalidYear(year):
            "year \(year) is not a plausible publication year"
        case let .invalidArxiv(id):
            "invalid arXiv id \"\(id)\": write the bare id such as \"2104.08860\" (no prefix, no version), or null"
        case let .invalidURL(url):
            "invalid URL \"\(url)\": write a full https:// address, or null"
        case let .invalidTag(tag):
            "invalid tag \"\(tag)\": use lowercase letters and digits joined by '-'"
        case let .duplicateTag(tag):
            "tag \"\(tag)\" is listed twice"
        case let .invalidVariantName(name):
            "invalid variant name \"\(name)\": use lowercase letters and digits joined by '-'"
        case let .duplicateVariant(name):
            "variant \"\(name)\" is listed twice in this entry"
        case let .unknownDependency(target, dependency, suggestion):
            "target \(target) depends on \"\(dependency)\", which is no built method target of zoo.json\(Self.hint(suggestion)); `dependsOn` lists the targets whose code this one imports"
        case let .dependencyCycle(targets):
            "dependsOn forms a cycle: \(targets.joined(separator: " → ")); a paper may build on another only in one direction"
        case let .staleBuildGraph(target):
            "target \(target) is not planned, but the build graph does not contain it: SwiftPM reused a cached evaluation of Package.swift made with an older zoo.json (it caches by Package.swift's text). Add \(target) to the `// zoo.json method targets:` line of Package.swift (zoo-scaffold does this for the methods it creates) and build again"
        }
    }

    private static func hint(_ suggestion: String?) -> String {
        suggestion.map { " (did you mean \"\($0)\"?)" } ?? ""
    }

    private static func choices<T: CaseIterable & RawRepresentable>(_: T.Type) -> String where T.RawValue == String {
        T.allCases.map(\.rawValue).joined(separator: ", ")
    }
}

/// A problem at a place in zoo.json.
public struct ManifestDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public var problem: ManifestProblem
    public var position: SourcePosition

    public init(_ problem: ManifestProblem, at position: SourcePosition) {
        self.problem = problem
        self.position = position
    }

    public var line: Int { position.line }

    /// `LINE:COL: error: message`.
    public var description: String { "\(position.line):\(position.column): error: \(problem)" }

    /// The compiler-style line editors and SwiftPM recognise: `/path/zoo.json:LINE:COL: error: message`.
    public func formatted(file: String) -> String {
        "\(file):\(max(position.line, 1)):\(max(position.column, 1)): error: \(problem)"
    }
}

/// zoo.json was rejected; `diagnostics` lists every problem found, in source order.
public struct ManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    public var diagnostics: [ManifestDiagnostic]

    public init(_ diagnostics: [ManifestDiagnostic]) {
        self.diagnostics = diagnostics.sorted { $0.position < $1.position }
    }

    /// The problems alone, for tests and matching.
    public var problems: [ManifestProblem] { diagnostics.map(\.problem) }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }

    /// All diagnostics as compiler-style lines naming `file`.
    public func formatted(file: String) -> String {
        diagnostics.map { $0.formatted(file: file) }.joined(separator: "\n")
    }
}
