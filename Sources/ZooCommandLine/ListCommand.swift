// `zoo list`: the zoo's table of contents, filtered by glob patterns and by kind, family and
// status, like timm's `list_models('clip*')`. Planned entries are listed too, so the output is
// also the roadmap.
import ZooManifest

/// `zoo list [PATTERN...] [--kind K] [--family F] [--status S] [--exclude PATTERN] [--json]`.
public struct ListCommand: Command {
    public let manifest: Manifest

    public init(manifest: Manifest) { self.manifest = manifest }

    public var name: String { "list" }
    public var summary: String { "List registered models, encoders, heads and losses" }

    public var arguments: ArgumentSpec {
        ArgumentSpec(
            options: [
                .repeated("kind", valueName: "K", help: "Only this kind: \(choices(EntryKind.self))"),
                .repeated("family", valueName: "F", help: "Only this task family: \(choices(Family.self))"),
                .repeated("status", valueName: "S", help: "Only this status: \(choices(Status.self))"),
                .repeated("exclude", valueName: "PATTERN", help: "Leave out names matching this glob"),
                .flag("json", help: "Print a JSON array (keys: docs/cli-json.md)"),
            ],
            positionals: [
                PositionalSpec("PATTERN", arity: .variadic,
                               help: "Glob over names (* any run, ? one character, [abc] one of); all names when none"),
            ])
    }

    public var discussion: String {
        """
        Repeating --kind, --family or --status keeps entries matching any of the values.
        Quote patterns so the shell does not expand them.

        Examples:
          zoo list 'clip4clip-*'
          zoo list --kind loss --json
          zoo list 'clip-*' --exclude clip-tiny --status stable --status experimental
        """
    }

    public func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        let filter: EntryFilter
        do {
            filter = try EntryFilter(
                including: arguments.positionals.map { $0.lowercased() },
                excluding: arguments.values("exclude").map { $0.lowercased() },
                kinds: try Self.parseChoices(arguments.values("kind"), option: "kind"),
                families: try Self.parseChoices(arguments.values("family"), option: "family"),
                statuses: try Self.parseChoices(arguments.values("status"), option: "status"))
        } catch let error as Glob.Error {
            throw UsageError(error.description)
        }
        let entries = manifest.entries(matching: filter)
        if arguments.flag("json") {
            console.write(JSONWriter.pretty(.array(entries.map(\.listJSON))))
            return ExitStatus.success
        }
        guard !entries.isEmpty else {
            console.writeError(noMatchMessage(filter))
            return ExitStatus.success
        }
        let table = TextTable(
            headers: ["NAME", "KIND", "FAMILY", "STATUS", "PAPER"],
            rows: entries.map { entry in
                [entry.name, entry.kind.rawValue, entry.families.map(\.rawValue).joined(separator: ","),
                 entry.status.rawValue, Self.paperColumn(entry.paper)]
            })
        console.write(table.render())
        console.write("\n" + Self.countLine(entries))
        return ExitStatus.success
    }

    /// `Luo et al. 2021, arXiv:2104.08860`, or the venue when there is no arXiv id.
    static func paperColumn(_ paper: Paper) -> String {
        if let arxiv = paper.arxiv { return "\(paper.shortCitation), arXiv:\(arxiv)" }
        if let venue = paper.venue { return "\(paper.shortCitation), \(venue)" }
        return paper.shortCitation
    }

    /// `16 entries (2 stable, 14 planned)`.
    static func countLine(_ entries: [ManifestEntry]) -> String {
        let counts = Status.allCases.compactMap { status -> String? in
            let count = entries.filter { $0.status == status }.count
            return count == 0 ? nil : "\(count) \(status.rawValue)"
        }
        let noun = entries.count == 1 ? "entry" : "entries"
        return "\(entries.count) \(noun) (\(counts.joined(separator: ", ")))\n"
    }

    /// Turns option values into enum cases, or a usage error with the valid choices.
    static func parseChoices<T: CaseIterable & RawRepresentable & Hashable>(
        _ values: [String], option: String
    ) throws(UsageError) -> Set<T> where T.RawValue == String {
        var result: Set<T> = []
        for value in values {
            guard let choice = T(rawValue: value.lowercased()) else {
                let names = T.allCases.map(\.rawValue)
                throw UsageError("unknown --\(option) \"\(value)\"; expected one of \(names.joined(separator: ", "))."
                                 + Suggestions.didYouMean(value, in: names, limit: 1))
            }
            result.insert(choice)
        }
        return result
    }

    private func noMatchMessage(_ filter: EntryFilter) -> String {
        let unmatched = filter.unmatchedIncludes(in: manifest.entries)
        guard !unmatched.isEmpty else { return "No entries match these filters. Run 'zoo list' to see all of them.\n" }
        return unmatched.map { glob in
            glob.isLiteral
                ? "No entry is named \"\(glob.pattern)\"." + Suggestions.didYouMean(glob.pattern, in: manifest.names) + "\n"
                : "No entry matches \"\(glob.pattern)\".\n"
        }.joined()
    }
}

func choices<T: CaseIterable & RawRepresentable>(_: T.Type) -> String where T.RawValue == String {
    T.allCases.map(\.rawValue).joined(separator: ", ")
}
