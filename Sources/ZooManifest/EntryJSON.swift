// The stable JSON shapes of entries for `zoo list --json` and `zoo info --json`.
// docs/cli-json.md documents these keys; scripts depend on them, so keys are only ever added.
// Every key is always present (null when there is no value) and `family` is always an array.

extension Paper {
    /// `{title, authors, year, arxiv, code, venue, note}`; absent values are null.
    public var json: JSONNode {
        .object([
            "title": .string(title),
            "authors": .array(authors.map(JSONNode.string)),
            "year": .number(year),
            "arxiv": arxiv.map(JSONNode.string) ?? .null,
            "code": code.map(JSONNode.string) ?? .null,
            "venue": venue.map(JSONNode.string) ?? .null,
            "note": note.map(JSONNode.string) ?? .null,
        ])
    }
}

extension Variant {
    /// `{name, summary, config}`.
    public var json: JSONNode {
        .object(["name": .string(name), "summary": summary.map(JSONNode.string) ?? .null, "config": config])
    }
}

extension ManifestEntry {
    /// The keys `zoo list --json` prints for each entry:
    /// `name, kind, family, status, target, entry, summary, paper, tags`.
    public var listJSON: JSONNode {
        .object(members: listMembers)
    }

    /// The object `zoo info --json` prints: the list keys, then `variants, config, tinyConfig`,
    /// then `extra` (members added by callers, e.g. parameter counts and taps).
    public func infoJSON(extra: [JSONNode.Member] = []) -> JSONNode {
        let detail: [JSONNode.Member] = [
            .init(key: "variants", value: .array(variants.map(\.json))),
            .init(key: "config", value: config),
            .init(key: "tinyConfig", value: tinyConfig),
        ]
        return .object(members: listMembers + detail + extra)
    }

    private var listMembers: [JSONNode.Member] {
        [
            .init(key: "name", value: .string(name)),
            .init(key: "kind", value: .string(kind.rawValue)),
            .init(key: "family", value: .array(families.map { .string($0.rawValue) })),
            .init(key: "status", value: .string(status.rawValue)),
            .init(key: "target", value: .string(target)),
            .init(key: "entry", value: .string(entryType)),
            .init(key: "summary", value: summary.map(JSONNode.string) ?? .null),
            .init(key: "paper", value: paper.json),
            .init(key: "tags", value: .array(tags.map(JSONNode.string))),
        ]
    }
}
