// Why a precomputed-features dataset could not be opened: each message names the file, the entry
// (captions.json position or tensor name) and the fix.
import Foundation
import ZooNN

/// A failure to open a `features:DIR` dataset (`FeatureSource`).
public enum FeatureSourceError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// `features.safetensors` or `captions.json` is not at `path` (`flag` overrides it).
    case missingFile(path: String, flag: String, overridden: Bool)
    /// The captions file could not be read.
    case unreadable(path: String, reason: String)
    /// The captions file is not valid JSON of the documented shape; `detail` has the line or entry.
    case malformedCaptions(path: String, detail: String)
    /// The captions file has no split called `split`.
    case unknownSplit(path: String, split: String, available: [String])
    /// The split lists no caption.
    case emptySplit(path: String, split: String)
    /// An entry has an empty `video` or `caption`; `entry` is e.g. `test[3]`.
    case emptyField(path: String, entry: String, field: String)
    /// The features file cannot be opened or is corrupted.
    case features(SafetensorsError)
    /// A caption (`entry`) names a video with no tensor in the features file.
    case missingFeatures(path: String, videoID: String, entry: String, suggestions: [String])
    /// A video's tensor is not a non-empty `[F_v, D]` floating-point tensor.
    case badTensor(path: String, videoID: String, reason: String)
    /// A sampled frame of a video's features holds NaN or infinity.
    case nonFinite(path: String, videoID: String, frame: Int)
    /// A video's feature width differs from the split's first video.
    case widthMismatch(path: String, videoID: String, width: Int, expected: Int, firstVideo: String)

    public var description: String {
        switch self {
        case let .missingFile(path, flag, overridden):
            let name = URL(fileURLWithPath: path).lastPathComponent
            let how = overridden ? "check the path given with \(flag)" : "put it there, or point \(flag) at it"
            return "cannot open features data: \(name) was not found at '\(path)'; \(how) (see docs/data-formats.md)"
        case let .unreadable(path, reason):
            return "cannot read captions file '\(path)': \(reason)"
        case let .malformedCaptions(path, detail):
            return "\(path): \(detail); captions.json must map split names to arrays of "
                + "{\"video\": ID, \"caption\": TEXT} (see docs/data-formats.md)"
        case let .unknownSplit(path, split, available):
            return "\(path) has no split '\(split)' (it has: \(available.isEmpty ? "none" : available.joined(separator: ", ")))"
        case let .emptySplit(path, split):
            return "\(path): split '\(split)' has no captions; add {\"video\": ID, \"caption\": TEXT} entries"
        case let .emptyField(path, entry, field):
            return "\(path): \(entry) has an empty \"\(field)\""
        case let .features(error):
            return error.description
        case let .missingFeatures(path, videoID, entry, suggestions):
            let close = suggestions.isEmpty ? "" : " (closest: \(suggestions.joined(separator: ", ")))"
            return "\(path) has no features for video '\(videoID)', which \(entry) of the captions names\(close); "
                + "every captioned video needs a [frames, width] tensor named by its id"
        case let .badTensor(path, videoID, reason):
            return "\(path): the features of video '\(videoID)' \(reason); each video needs a [frames, width] "
                + "float tensor (F32, F16, BF16 or F64) with at least one frame"
        case let .nonFinite(path, videoID, frame):
            return "\(path): frame \(frame) of video '\(videoID)' holds NaN or infinity; features must be finite numbers "
                + "(re-extract that video's features; --allow-nonfinite reads them anyway)"
        case let .widthMismatch(path, videoID, width, expected, firstVideo):
            return "\(path): the features of video '\(videoID)' are \(width) wide, but those of '\(firstVideo)' "
                + "are \(expected); all videos must come from the same encoder"
        }
    }

    public var errorDescription: String? { description }
}
