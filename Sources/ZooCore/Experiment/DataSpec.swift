// Which dataset an experiment trains or evaluates on (`Experiment.data.dataset`, `--data`).
import Foundation
import ZooData
import ZooManifest

/// A parsed `--data` value: `synthvtt` (embedded), `msrvtt:DIR` or `features:DIR` (retrieval);
/// `digits` (shipped) or `synthfine` (embedded) (classification).
public enum DataSpec: Equatable, Sendable, CustomStringConvertible {
    case synthvtt
    case msrvtt(String)
    case features(String)
    case digits
    case synthfine

    public static let examples = ["synthvtt", "msrvtt:DIR", "features:DIR", "digits", "synthfine"]

    public init(_ text: String) throws(ExperimentError) {
        if text == "synthvtt" { self = .synthvtt; return }
        if text == "digits" { self = .digits; return }
        if text == "synthfine" { self = .synthfine; return }
        if let colon = text.firstIndex(of: ":") {
            let kind = String(text[..<colon]), path = String(text[text.index(after: colon)...])
            guard !path.isEmpty else { throw .badValue(field: "the dataset", value: "\"\(text)\"", expected: "a directory after '\(kind):'") }
            switch kind {
            case "msrvtt": self = .msrvtt(path); return
            case "features": self = .features(path); return
            default: break
            }
        }
        throw .unknownDataset(text, suggestion: Suggestions.didYouMean(text, in: ["synthvtt", "msrvtt", "features", "digits", "synthfine"]))
    }

    public var description: String {
        switch self {
        case .synthvtt: return "synthvtt"
        case let .msrvtt(path): return "msrvtt:\(path)"
        case let .features(path): return "features:\(path)"
        case .digits: return "digits"
        case .synthfine: return "synthfine"
        }
    }

    /// The dataset's kind without its path: `synthvtt`, `msrvtt`, `features`, `digits`, `synthfine`.
    public var kind: String {
        switch self {
        case .synthvtt: return "synthvtt"
        case .msrvtt: return "msrvtt"
        case .features: return "features"
        case .digits: return "digits"
        case .synthfine: return "synthfine"
        }
    }

    /// The task family of the data.
    public var family: Family {
        switch self {
        case .synthvtt, .msrvtt, .features: return .retrieval
        case .digits, .synthfine: return .classification
        }
    }

    /// Frames per video when `--frames` is not given (nil for classification data).
    public var defaultFrames: Int? {
        switch self {
        case .synthvtt: return SynthVTTConfiguration().frames
        case .msrvtt, .features: return 12
        case .digits, .synthfine: return nil
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

    public init(train: Result<any RetrievalSource, any Error>, validation: (any RetrievalSource)?, test: any RetrievalSource) {
        (self.train, self.validation, self.test) = (train, validation, test)
    }

    /// The training split, or the error that kept it from opening.
    public func trainingSplit() throws -> any RetrievalSource { try train.get() }
}
