// `zoo info NAME`: everything zoo.json knows about one entry (paper, configs, variants, status),
// plus details only a built method can answer (parameter counts, taps), which the caller
// supplies through `details` so that this library stays independent of the model code.
import ZooManifest

/// A fact about an entry computed at run time, shown by `zoo info` after the manifest's facts.
public struct InfoDetail: Sendable, Equatable {
    /// The key in `zoo info --json`, e.g. `parameters`.
    public var key: String
    /// The label in human output, e.g. `Parameters`.
    public var label: String
    /// The human-readable value (may span lines).
    public var text: String
    /// The value in `zoo info --json`.
    public var json: JSONNode

    public init(key: String, label: String, text: String, json: JSONNode) {
        self.key = key
        self.label = label
        self.text = text
        self.json = json
    }
}

/// `zoo info NAME [--json]`.
public struct InfoCommand: Command {
    /// Computes the run-time details of an entry; errors it throws fail the command (exit 1).
    public typealias DetailProvider = (ManifestEntry) throws -> [InfoDetail]

    public let manifest: Manifest
    public let details: DetailProvider

    public init(manifest: Manifest, details: @escaping DetailProvider = { _ in [] }) {
        self.manifest = manifest
        self.details = details
    }

    public var name: String { "info" }
    public var summary: String { "Show one entry: paper, configs, variants, status" }

    public var arguments: ArgumentSpec {
        ArgumentSpec(
            options: [.flag("json", help: "Print a JSON object (keys: docs/cli-json.md)")],
            positionals: [PositionalSpec("NAME", help: "An entry name from 'zoo list'")])
    }

    public var discussion: String {
        """
        Examples:
          zoo info xclip
          zoo info hinton-kd --json
        """
    }

    public func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        let query = arguments.positionals[0]
        guard let entry = manifest.entry(named: query.lowercased()) else {
            throw RuntimeError("no entry named \"\(query)\"." + Suggestions.didYouMeanNearest(query, in: manifest.names)
                               + " Run 'zoo list' to see all \(manifest.entries.count) names.")
        }
        let extra = try details(entry)
        if arguments.flag("json") {
            let members = extra.map { JSONNode.Member(key: $0.key, value: $0.json) }
            console.write(JSONWriter.pretty(entry.infoJSON(extra: members)))
        } else {
            console.write(Self.render(entry, details: extra))
        }
        return ExitStatus.success
    }

    /// The human-readable page for `entry`.
    static func render(_ entry: ManifestEntry, details: [InfoDetail]) -> String {
        var text = entry.name + "\n"
        if let summary = entry.summary { text += "  \(summary)\n" }
        text += "\n" + fields([
            ("Kind", entry.kind.rawValue),
            ("Family", entry.families.map(\.rawValue).joined(separator: ", ")),
            ("Status", "\(entry.status.rawValue) (\(statusMeaning(entry.status)))"),
            ("Target", "\(entry.target) (Sources/Methods/\(entry.target)), registered by \(entry.entryType)"),
            ("Tags", entry.tags.isEmpty ? "none" : entry.tags.joined(separator: ", ")),
        ])
        text += "\nPaper\n" + paperLines(entry.paper).map { "  \($0)\n" }.joined()
        text += "\nConfig (zoo.json: run settings and overrides of the method's defaults)\n" + configLines(entry.config)
        text += "\nTiny config (for tests)\n" + configLines(entry.tinyConfig)
        if !entry.variants.isEmpty {
            text += "\nVariants\n" + fields(entry.variants.map { variant in
                let summary = variant.summary ?? ""
                let overrides = variant.config.members?.isEmpty == false ? "  \(variant.config)" : ""
                return (variant.name, summary + overrides)
            })
        }
        if !details.isEmpty {
            text += "\n" + fields(details.map { ($0.label, $0.text) })
        }
        return text
    }

    static func statusMeaning(_ status: Status) -> String {
        switch status {
        case .stable: "built and checked against the official code"
        case .experimental: "built and usable, still changing"
        case .planned: "on the roadmap, not built yet"
        }
    }

    static func paperLines(_ paper: Paper) -> [String] {
        var lines = [paper.title, "\(paper.authors.joined(separator: ", ")) (\(paper.year))"]
        if let venue = paper.venue { lines.append(venue) }
        if let arxiv = paper.arxiv, let url = paper.arxivURL { lines.append("arXiv:\(arxiv)  \(url)") }
        lines.append("Code: \(paper.code ?? "none released")")
        if let note = paper.note { lines.append("Note: \(note)") }
        return lines
    }

    /// One `key  value` line per config member, values as compact JSON.
    static func configLines(_ config: JSONNode) -> String {
        guard let members = config.members, !members.isEmpty else { return "  (empty)\n" }
        return fields(members.map { ($0.key, $0.value.description) })
    }

    /// Indented, aligned `label  value` lines; continuation lines of a value stay aligned.
    static func fields(_ rows: [(String, String)]) -> String {
        let width = (rows.map(\.0.count).max() ?? 0) + 2
        return rows.map { label, value in
            let padding = String(repeating: " ", count: width - label.count)
            let indent = "\n  " + String(repeating: " ", count: width)
            let aligned = value.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: indent)
            return "  " + label + padding + aligned + "\n"
        }.joined()
    }
}
