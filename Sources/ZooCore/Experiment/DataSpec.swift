// Which dataset an experiment trains or evaluates on (`Experiment.data.dataset`, `--data`).
import Foundation
import ZooData
import ZooManifest

/// A parsed `--data` value: `synthvtt` (embedded), `msrvtt:DIR`, `msvd:DIR`, `lsmdc:DIR`,
/// `didemo:DIR`, `activitynet:DIR`, `list:FILE` or `features:DIR` (retrieval); `digits`
/// (shipped) or `synthfine` (embedded) (classification). docs/data-formats.md shows each layout.
public enum DataSpec: Equatable, Sendable, CustomStringConvertible {
    case synthvtt
    case msrvtt(String)
    case msvd(String)
    case lsmdc(String)
    case didemo(String)
    case activitynet(String)
    case list(String)
    case features(String)
    case digits
    case synthfine

    public static let examples = ["synthvtt", "msrvtt:DIR", "msvd:DIR", "lsmdc:DIR", "didemo:DIR", "activitynet:DIR",
                                  "list:FILE", "features:DIR", "digits", "synthfine"]

    public init(_ text: String) throws(ExperimentError) {
        if text == "synthvtt" { self = .synthvtt; return }
        if text == "digits" { self = .digits; return }
        if text == "synthfine" { self = .synthfine; return }
        if let colon = text.firstIndex(of: ":") {
            let kind = String(text[..<colon]), path = String(text[text.index(after: colon)...])
            guard !path.isEmpty else { throw .badValue(field: "the dataset", value: "\"\(text)\"", expected: "a directory after '\(kind):'") }
            switch kind {
            case "msrvtt": self = .msrvtt(path); return
            case "msvd": self = .msvd(path); return
            case "lsmdc": self = .lsmdc(path); return
            case "didemo": self = .didemo(path); return
            case "activitynet": self = .activitynet(path); return
            case "list": self = .list(path); return
            case "features": self = .features(path); return
            default: break
            }
        }
        throw .unknownDataset(text, suggestion: Suggestions.didYouMean(text, in: ["synthvtt", "msrvtt", "msvd", "lsmdc", "didemo", "activitynet",
                                                                                   "list", "features", "digits", "synthfine"]))
    }

    public var description: String {
        guard let path else { return kind }
        return "\(kind):\(path)"
    }

    /// The folder (or list file) of a dataset kept on disk; nil for embedded and shipped data.
    public var path: String? {
        switch self {
        case let .msrvtt(path), let .msvd(path), let .lsmdc(path), let .didemo(path), let .activitynet(path),
             let .list(path), let .features(path): return path
        case .synthvtt, .digits, .synthfine: return nil
        }
    }

    /// The dataset's kind without its path: `synthvtt`, `msrvtt`, `features`, `digits`, `synthfine`.
    public var kind: String {
        switch self {
        case .synthvtt: return "synthvtt"
        case .msrvtt: return "msrvtt"
        case .msvd: return "msvd"
        case .lsmdc: return "lsmdc"
        case .didemo: return "didemo"
        case .activitynet: return "activitynet"
        case .list: return "list"
        case .features: return "features"
        case .digits: return "digits"
        case .synthfine: return "synthfine"
        }
    }

    /// The task family of the data.
    public var family: Family {
        switch self {
        case .synthvtt, .msrvtt, .msvd, .lsmdc, .didemo, .activitynet, .list, .features: return .retrieval
        case .digits, .synthfine: return .classification
        }
    }

    /// Frames per video when `--frames` is not given (nil for classification data): CLIP4Clip's
    /// `max_frames` in its scripts, 12, and 64 for the paragraph datasets DiDeMo and ActivityNet.
    public var defaultFrames: Int? {
        switch self {
        case .synthvtt: return SynthVTTConfiguration().frames
        case .msrvtt, .msvd, .lsmdc, .list, .features: return 12
        case .didemo, .activitynet: return 64
        case .digits, .synthfine: return nil
        }
    }

    /// Caption tokens when `--words` is not given: nil (the recipe's, 32 as CLIP4Clip's
    /// `max_words`) except the paragraph datasets, whose official scripts use 64.
    public var defaultWords: Int? {
        switch self {
        case .didemo, .activitynet: return 64
        default: return nil
        }
    }
}

/// The splits a run uses. The training split may have failed to open (evaluation needs only the
/// test split): then `trainingSplit()` throws why, and nothing ever trains on another split.
public struct DataSplits {
    /// The training split, or why it could not be opened.
    public var train: Result<any RetrievalSource, any Error>
    /// The split that picks the best checkpoint (nil: the test split, as the papers report).
    public var validation: (any RetrievalSource)?
    /// The split every reported number comes from.
    public var test: any RetrievalSource
    /// The records of left-out videos of the splits that tolerate them (video-file datasets).
    public var skippedVideoLogs: [SkippedVideos] = []

    public init(train: Result<any RetrievalSource, any Error>, validation: (any RetrievalSource)?, test: any RetrievalSource) {
        (self.train, self.validation, self.test) = (train, validation, test)
    }

    /// The training split, or the error that kept it from opening.
    public func trainingSplit() throws -> any RetrievalSource { try train.get() }
}
