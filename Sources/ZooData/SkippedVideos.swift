// Missing and broken videos are skipped, never fatal, up to a threshold: a split opens with the
// videos it can find, and a video that fails to decode later is left out where it is met
// (dropped from its training batch, left out of the evaluation), each one recorded with why.
import Foundation

/// A video left out of a split, and why.
public struct SkippedVideo: Codable, Sendable, Equatable {
    public var id: String
    /// Its file, or where it was looked for.
    public var path: String
    public var reason: String
    /// `open` (no file when the split opened) or `decode` (the file did not decode).
    public var stage: String

    public init(id: String, path: String, reason: String, stage: String) {
        (self.id, self.path, self.reason, self.stage) = (id, path, reason, stage)
    }

    /// `entries` as JSON Lines, one sorted-key object per line (`skipped.jsonl`, `skipped-videos.jsonl`).
    public static func jsonLines(_ entries: [SkippedVideo]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try entries.map { String(decoding: try encoder.encode($0), as: UTF8.self) + "\n" }.joined()
    }

    /// `1%`, `0.5%`, `25%`.
    static func percent(_ fraction: Double) -> String {
        let value = fraction * 100
        return value == value.rounded() ? "\(Int(value))%" : "\(value)%"
    }
}

/// How many of a split's videos may be missing or broken before it refuses to run
/// (`--max-missing`, default 1%).
public struct MissingVideoPolicy: Sendable, Equatable, Codable {
    /// The largest fraction of the split's videos that may be left out, in [0, 1].
    public var fraction: Double

    public init(fraction: Double = 0.01) {
        precondition(fraction >= 0 && fraction <= 1, "MissingVideoPolicy: fraction \(fraction) is outside [0, 1]")
        self.fraction = fraction
    }

    /// Parses `1%`, `0.5%` or a fraction `0.01`; nil when it is not a number in [0, 100%].
    public init?(text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let isPercent = trimmed.hasSuffix("%")
        guard let number = Double(isPercent ? String(trimmed.dropLast()) : trimmed), number.isFinite else { return nil }
        let fraction = isPercent ? number / 100 : number
        guard fraction >= 0, fraction <= 1 else { return nil }
        self.fraction = fraction
    }

    /// How many of `total` videos may be left out: ⌊fraction · total⌋.
    public func allowed(of total: Int) -> Int { Int((fraction * Double(total)).rounded(.down)) }
}

/// The videos a split has left out so far: those missing when it opened and those found broken
/// since. Shared by every user of the split (batches, evaluation, up-front encoding) and safe to
/// use from several threads.
public final class SkippedVideos: @unchecked Sendable {
    /// The split's name, for messages.
    public let split: String
    /// Videos in the split as annotated, before any was left out.
    public let total: Int
    public let policy: MissingVideoPolicy
    private let lock = NSLock()
    private var entries: [SkippedVideo]
    private var brokenIndices: Set<Int> = []
    /// Called once for each video found broken after the split opened (to tell the user at once).
    public var onBroken: (@Sendable (SkippedVideo) -> Void)?

    /// - Throws: `DatasetError.tooManyMissing` when `missing` alone is more than the policy allows.
    public init(split: String, total: Int, missing: [SkippedVideo], policy: MissingVideoPolicy) throws(DatasetError) {
        (self.split, self.total, self.policy, self.entries) = (split, total, policy, missing)
        try check(entries)
    }

    /// Every video left out so far, in the order they were found.
    public var all: [SkippedVideo] { lock.withLock { entries } }

    /// Whether video `index` (of the opened split) was found broken.
    public func isBroken(_ index: Int) -> Bool { lock.withLock { brokenIndices.contains(index) } }

    /// Records that video `index` of the opened split did not decode.
    /// - Throws: `DatasetError.tooManyMissing` once more videos are gone than the policy allows.
    public func recordBroken(index: Int, id: String, path: String, reason: String) throws(DatasetError) {
        let entry = SkippedVideo(id: id, path: path, reason: reason, stage: "decode")
        let snapshot: [SkippedVideo]? = lock.withLock {
            guard brokenIndices.insert(index).inserted else { return nil }
            entries.append(entry)
            return entries
        }
        guard let snapshot else { return }
        onBroken?(entry)
        try check(snapshot)
    }

    private func check(_ entries: [SkippedVideo]) throws(DatasetError) {
        let allowed = policy.allowed(of: total)
        if entries.count > allowed {
            throw .tooManyMissing(split: split, missing: entries, total: total, allowed: allowed, fraction: policy.fraction)
        }
    }

    /// The entries as JSON Lines (one object per video), for `skipped-videos.jsonl`.
    public func jsonLines(includingSplit: Bool = false) throws -> String {
        guard includingSplit else { return try SkippedVideo.jsonLines(all) }
        struct Line: Encodable {
            var entry: SkippedVideo
            var split: String?
            func encode(to encoder: Encoder) throws {
                try entry.encode(to: encoder)
                var container = encoder.container(keyedBy: Key.self)
                try container.encodeIfPresent(split, forKey: .split)
            }
            enum Key: String, CodingKey { case split }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try all.map { String(decoding: try encoder.encode(Line(entry: $0, split: split)), as: UTF8.self) + "\n" }.joined()
    }

    /// One line for logs: `left out 3 of 12 videos of SPLIT: a (reason); …`.
    public var summary: String {
        let entries = all
        return "left out \(entries.count) of \(total) video(s) of \(split) (--max-missing \(SkippedVideo.percent(policy.fraction))): "
            + entries.map { "\($0.id) (\($0.reason))" }.joined(separator: "; ")
    }
}
