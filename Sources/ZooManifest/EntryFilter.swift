// Selecting entries for `zoo list` and for anything else that takes name patterns
// (later: `zoo compare 'clip4clip-*'`). Kept here, not in the CLI, so every caller filters alike.

/// Which entries to keep: names matching any include pattern (all names when there is none) and
/// no exclude pattern, whose kind, family and status are among the requested ones (any when a
/// set is empty). An entry with several families matches when any of them is requested.
public struct EntryFilter: Sendable, Equatable {
    public var include: [Glob]
    public var exclude: [Glob]
    public var kinds: Set<EntryKind>
    public var families: Set<Family>
    public var statuses: Set<Status>

    public init(include: [Glob] = [], exclude: [Glob] = [], kinds: Set<EntryKind> = [],
                families: Set<Family> = [], statuses: Set<Status> = []) {
        self.include = include
        self.exclude = exclude
        self.kinds = kinds
        self.families = families
        self.statuses = statuses
    }

    /// A filter from pattern strings.
    /// - Throws: `Glob.Error` for a malformed pattern.
    public init(including include: [String], excluding exclude: [String] = [], kinds: Set<EntryKind> = [],
                families: Set<Family> = [], statuses: Set<Status> = []) throws(Glob.Error) {
        var includeGlobs: [Glob] = []
        for pattern in include { includeGlobs.append(try Glob(pattern)) }
        var excludeGlobs: [Glob] = []
        for pattern in exclude { excludeGlobs.append(try Glob(pattern)) }
        self.init(include: includeGlobs, exclude: excludeGlobs, kinds: kinds, families: families, statuses: statuses)
    }

    /// Whether `entry` passes every condition.
    public func matches(_ entry: ManifestEntry) -> Bool {
        (include.isEmpty || include.contains { $0.matches(entry.name) })
            && !exclude.contains { $0.matches(entry.name) }
            && (kinds.isEmpty || kinds.contains(entry.kind))
            && (families.isEmpty || entry.families.contains(where: families.contains))
            && (statuses.isEmpty || statuses.contains(entry.status))
    }

    /// The matching entries in natural name order (`clip-vit-b16` before `clip-vit-l14`).
    public func apply(to entries: [ManifestEntry]) -> [ManifestEntry] {
        entries.filter(matches).sorted { NaturalOrder.areInIncreasingOrder($0.name, $1.name) }
    }

    /// Include patterns that match no entry at all (before the other conditions), so callers
    /// can say which part of a request found nothing.
    public func unmatchedIncludes(in entries: [ManifestEntry]) -> [Glob] {
        include.filter { glob in !entries.contains { glob.matches($0.name) } }
    }
}

extension Manifest {
    /// The entries `filter` keeps, in natural name order.
    public func entries(matching filter: EntryFilter) -> [ManifestEntry] {
        filter.apply(to: entries)
    }
}
