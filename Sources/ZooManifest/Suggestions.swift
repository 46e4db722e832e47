// "Did you mean" for names, commands, options and manifest fields. Typos in model names are
// mostly one slip (a dropped, doubled or swapped letter), which Damerau-Levenshtein distance
// counts as one edit; a threshold that grows with the length keeps the suggestions plausible.

/// Finds the candidates closest to a mistyped string.
public enum Suggestions {
    /// The optimal-string-alignment (restricted Damerau-Levenshtein) distance: insertions,
    /// deletions, substitutions and swaps of adjacent characters each cost one.
    public static func distance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs)
        let b = Array(rhs)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        // Three rolling rows: two back (for swaps), previous, current.
        var twoBack = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    best = min(best, twoBack[j - 2] + 1)
                }
                current[j] = best
            }
            (twoBack, previous, current) = (previous, current, twoBack)
        }
        return previous[b.count]
    }

    /// The largest distance still worth suggesting for a query of this length:
    /// 1 for up to 3 characters, then about a third of the length, at most 4.
    public static func threshold(forLength length: Int) -> Int {
        length <= 3 ? 1 : min(4, max(2, length / 3))
    }

    /// Up to `limit` candidates close to `query`, closest first (ties in natural order).
    ///
    /// The comparison ignores case and treats `_` and spaces as `-`. A candidate also counts as
    /// close when the query is a prefix of it of at least 3 characters (`clip4clip` suggests the
    /// `clip4clip-*` names). An exact match is never suggested.
    public static func closest(to query: String, in candidates: some Sequence<String>, limit: Int = 3) -> [String] {
        let normalizedQuery = normalize(query)
        let maximum = threshold(forLength: normalizedQuery.count)
        var scored: [(candidate: String, score: Int)] = []
        var seen: Set<String> = []
        for candidate in candidates where candidate != query && seen.insert(candidate).inserted {
            let normalized = normalize(candidate)
            let score: Int
            if normalized == normalizedQuery {
                score = 0
            } else if normalizedQuery.count >= 3, normalized.hasPrefix(normalizedQuery) {
                score = 1
            } else {
                score = distance(normalizedQuery, normalized)
            }
            if score <= maximum { scored.append((candidate, score)) }
        }
        scored.sort { lhs, rhs in
            lhs.score != rhs.score ? lhs.score < rhs.score : NaturalOrder.areInIncreasingOrder(lhs.candidate, rhs.candidate)
        }
        return scored.prefix(limit).map(\.candidate)
    }

    /// The single closest candidate, if any is close enough.
    public static func best(for query: String, in candidates: some Sequence<String>) -> String? {
        closest(to: query, in: candidates, limit: 1).first
    }

    /// A sentence to append to an error: ` Did you mean "a"?` or ` Did you mean "a", "b" or "c"?`,
    /// or the empty string when nothing is close.
    public static func didYouMean(_ query: String, in candidates: some Sequence<String>, limit: Int = 3) -> String {
        let matches = closest(to: query, in: candidates, limit: limit).map { "\"\($0)\"" }
        switch matches.count {
        case 0: return ""
        case 1: return " Did you mean \(matches[0])?"
        default: return " Did you mean \(matches.dropLast().joined(separator: ", ")) or \(matches.last!)?"
        }
    }

    /// The `limit` nearest candidates by edit distance, however far: for an unknown name where
    /// nothing is close, still the best guesses (`Did you mean …?` must always offer something).
    public static func nearest(to query: String, in candidates: some Sequence<String>, limit: Int = 3) -> [String] {
        let normalizedQuery = normalize(query)
        return Array(Set(candidates)).filter { $0 != query }
            .map { ($0, distance(normalizedQuery, normalize($0))) }
            .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : NaturalOrder.areInIncreasingOrder($0.0, $1.0) }
            .prefix(limit).map(\.0)
    }

    /// Like `didYouMean`, but falls back to the nearest names when none is close.
    public static func didYouMeanNearest(_ query: String, in candidates: some Sequence<String>, limit: Int = 3) -> String {
        let close = didYouMean(query, in: candidates, limit: limit)
        if !close.isEmpty { return close }
        let names = nearest(to: query, in: candidates, limit: limit).map { "\"\($0)\"" }
        guard let last = names.last else { return "" }
        return names.count == 1 ? " Did you mean \(last)?" : " Did you mean \(names.dropLast().joined(separator: ", ")) or \(last)?"
    }

    private static func normalize(_ text: String) -> String {
        String(text.lowercased().map { $0 == "_" || $0 == " " ? "-" : $0 })
    }
}
