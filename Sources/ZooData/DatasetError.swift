// Why a dataset split could not be opened: each message names the file (and line or entry), the
// cause, and what fixes it.
import Foundation

/// A failure to read a dataset layout (`msvd:`, `lsmdc:`, `didemo:`, `activitynet:`, `list:`) or
/// to open one of its splits.
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// A folder the layout needs is not there; `flag` is the option that points elsewhere.
    case missingFolder(what: String, path: String, flag: String)
    /// A file the split needs is not there; `layout` says what the dataset folder should hold.
    case missingFile(path: String, layout: String)
    /// The file exists but could not be read.
    case unreadable(path: String, reason: String)
    /// The file is not in the layout's format; `place` is `line 4` or `entry "v_abc"` or empty.
    case malformed(path: String, place: String, detail: String)
    /// A caption pickle was refused or could not be parsed.
    case pickle(PickleError)
    /// The split has no video with a caption.
    case emptySplit(name: String, detail: String)
    /// `--split`/`--test-split` named a split the layout does not have.
    case unknownSplit(dataset: String, split: String, known: [String])
    /// More videos are missing or broken than `--max-missing` allows.
    case tooManyMissing(split: String, missing: [SkippedVideo], total: Int, allowed: Int, fraction: Double)

    public var description: String {
        switch self {
        case let .missingFolder(what, path, flag):
            return "\(what) was not found at '\(path)'; put the videos there or point \(flag) at their folder"
        case let .missingFile(path, layout):
            return "'\(path)' was not found; \(layout)"
        case let .unreadable(path, reason):
            return "cannot read '\(path)': \(reason)"
        case let .malformed(path, place, detail):
            return "\(path)\(place.isEmpty ? "" : " (\(place))"): \(detail)"
        case let .pickle(error):
            return error.description
        case let .emptySplit(name, detail):
            return "the split \(name) is empty: \(detail)"
        case let .unknownSplit(dataset, split, known):
            return "\(dataset) has no split \"\(split)\"; its splits are \(known.joined(separator: ", "))"
        case let .tooManyMissing(split, missing, total, allowed, fraction):
            let shown = missing.prefix(5).map { "\($0.id) (\($0.reason))" }.joined(separator: "; ")
            return "\(split): \(missing.count) of \(total) videos are missing or broken, more than --max-missing allows "
                + "(\(SkippedVideo.percent(fraction)), \(allowed) video\(allowed == 1 ? "" : "s")): \(shown)"
                + (missing.count > 5 ? "; and \(missing.count - 5) more" : "")
                + ". Put the files back or point the videos folder option (--videos-folder DIR, or --msrvtt-videos DIR) at them; or, if numbers over fewer videos than the paper's will do, allow more with --max-missing P% (`zoo data check` lists them all)"
        }
    }

    public var errorDescription: String? { description }
}
