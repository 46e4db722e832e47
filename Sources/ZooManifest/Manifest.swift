// The manifest model: what zoo.json says, after validation.
// zoo.schema.json documents the same fields for editors; ManifestDecoder.swift enforces them.

/// What a registered thing is.
public enum EntryKind: String, CaseIterable, Sendable, Codable {
    /// A whole model with encoders and a similarity head or classifier (e.g. `clip-vit-b32`).
    case model
    /// A text or video encoder on its own.
    case encoder
    /// A similarity head over text and video features (e.g. `clip4clip-seqtransf`).
    case head
    /// A training or distillation loss (e.g. `hinton-kd`).
    case loss
    /// A named combination of student, teacher, losses, data and optimizer.
    case recipe
}

/// The task family an entry serves. Combinations are checked to stay within one family.
public enum Family: String, CaseIterable, Sendable, Codable {
    /// Text-to-video (and video-to-text) retrieval.
    case retrieval
    /// Image or fine-grained classification.
    case classification
}

/// How far along an entry is.
public enum Status: String, CaseIterable, Sendable, Codable {
    /// Built, tested against the official code, safe to depend on.
    case stable
    /// Built and usable, but not yet proven or still changing.
    case experimental
    /// On the roadmap; no code yet. Its target is not declared in Package.swift.
    case planned
}

/// The paper an entry implements.
public struct Paper: Sendable, Equatable {
    public var title: String
    /// Authors in the paper's order, full names.
    public var authors: [String]
    /// The year the cited title first appeared publicly (arXiv or venue, whichever came first).
    public var year: Int
    /// The arXiv identifier without prefix (`2104.08860`), or nil when there is none.
    public var arxiv: String?
    /// The official code repository's URL, or nil when none was released.
    public var code: String?
    /// Where the peer-reviewed version appeared (`ICLR 2020`), if anywhere.
    public var venue: String?
    /// Anything a reader should know about the citation.
    public var note: String?

    public init(title: String, authors: [String], year: Int, arxiv: String? = nil, code: String? = nil,
                venue: String? = nil, note: String? = nil) {
        self.title = title
        self.authors = authors
        self.year = year
        self.arxiv = arxiv
        self.code = code
        self.venue = venue
        self.note = note
    }

    /// A short citation for tables: `Luo et al. 2021`, `Tian and Isola 2020`, `Hinton 2015`.
    public var shortCitation: String {
        let surnames = authors.map { $0.split(separator: " ").last.map(String.init) ?? $0 }
        let who = switch surnames.count {
        case 0: "?"
        case 1: surnames[0]
        case 2: "\(surnames[0]) and \(surnames[1])"
        default: "\(surnames[0]) et al."
        }
        return "\(who) \(year)"
    }

    /// The arXiv abstract page, when the paper has an arXiv id.
    public var arxivURL: String? { arxiv.map { "https://arxiv.org/abs/\($0)" } }
}

/// A named set of config overrides for an entry (another backbone, the paper's temperature...).
public struct Variant: Sendable, Equatable {
    public var name: String
    public var summary: String?
    /// Keys that replace the entry's `config` values; an empty object when the variant is only a label.
    public var config: JSONNode

    public init(name: String, summary: String? = nil, config: JSONNode = .object([:])) {
        self.name = name
        self.summary = summary
        self.config = config
    }
}

/// One registered thing: a model, encoder, head, loss or recipe.
public struct ManifestEntry: Sendable, Equatable {
    /// Lowercase, `-` separated: `clip4clip-seqtransf`.
    public var name: String
    public var kind: EntryKind
    /// One or more families; zoo.json may write a single string or an array.
    public var families: [Family]
    /// The SwiftPM target under `Sources/Methods/<target>` that implements it.
    public var target: String
    /// The Swift type in `target` that conforms to `MethodEntry` and registers it.
    public var entryType: String
    public var summary: String?
    public var paper: Paper
    /// Default hyper-parameters (an object), in zoo.json's key order.
    public var config: JSONNode
    /// A small config for tests (an object).
    public var tinyConfig: JSONNode
    public var variants: [Variant]
    public var tags: [String]
    public var status: Status
    /// The method targets whose code this entry's target imports (`dependsOn`: CLIP4Clip builds
    /// on CLIP); Package.swift makes them dependencies of the target.
    public var dependsOn: [String]
    /// The line of the entry's opening brace in zoo.json (0 for entries built in code).
    public var line: Int

    public init(name: String, kind: EntryKind, families: [Family], target: String, entryType: String,
                summary: String? = nil, paper: Paper, config: JSONNode = .object([:]),
                tinyConfig: JSONNode = .object([:]), variants: [Variant] = [], tags: [String] = [],
                status: Status, dependsOn: [String] = [], line: Int = 0) {
        self.name = name
        self.kind = kind
        self.families = families
        self.target = target
        self.entryType = entryType
        self.summary = summary
        self.paper = paper
        self.config = config
        self.tinyConfig = tinyConfig
        self.variants = variants
        self.tags = tags
        self.status = status
        self.dependsOn = dependsOn
        self.line = line
    }
}

/// A method target that the build compiles: one whose entries are not all `planned`.
public struct MethodTarget: Sendable, Equatable {
    /// The target (and module) name, e.g. `CLIP4Clip`.
    public var name: String
    /// The `MethodEntry` type that registers the target's entries.
    public var entryType: String
    /// The line of the first non-planned entry naming this target.
    public var line: Int
}

/// A validated zoo.json.
public struct Manifest: Sendable, Equatable {
    /// The manifest format version; this code reads version 1.
    public static let supportedVersion = 1

    public var version: Int
    /// Entries in zoo.json order.
    public var entries: [ManifestEntry]

    public init(version: Int = Manifest.supportedVersion, entries: [ManifestEntry]) {
        self.version = version
        self.entries = entries
    }

    /// The entry with exactly this name.
    public func entry(named name: String) -> ManifestEntry? {
        entries.first { $0.name == name }
    }

    /// Every name, in zoo.json order.
    public var names: [String] { entries.map(\.name) }

    /// The targets the build compiles, in order of first appearance, each once.
    public var methodTargets: [MethodTarget] {
        var seen: Set<String> = []
        var targets: [MethodTarget] = []
        for entry in entries where entry.status != .planned && seen.insert(entry.target).inserted {
            targets.append(MethodTarget(name: entry.target, entryType: entry.entryType, line: entry.line))
        }
        return targets
    }

    /// Diagnostics for non-planned targets missing from `declared`, the method targets the build
    /// graph really has. SwiftPM caches Package.swift's evaluation by its own text, so after an
    /// edit to zoo.json the graph can lag behind; this turns that into an error with the fix.
    public func undeclaredTargets(declared: [String]) -> [ManifestDiagnostic] {
        methodTargets
            .filter { !declared.contains($0.name) }
            .map { ManifestDiagnostic(.staleBuildGraph(target: $0.name), at: SourcePosition(line: $0.line, column: 1)) }
    }
}
