// Why an experiment cannot be built or run, each with the fix.
import ZooManifest

/// An experiment that cannot run as written, explained.
public enum ExperimentError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case malformed(path: String, detail: String)
    case unknownDataset(String, suggestion: String)
    case wrongKind(name: String, kind: String, needed: String)
    case dataFamilyMismatch(dataset: String, dataFamily: Family, model: String, modelFamily: Family)
    case notAHead(option: String, name: String)
    case notRetrieval(String)
    case badValue(field: String, value: String, expected: String)
    case differentRun(directory: String, found: String, expected: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        case let .malformed(path, detail):
            return "\(path) is not an experiment (docs/experiment.md shows the format): \(detail)"
        case let .unknownDataset(text, suggestion):
            return "unknown dataset \"\(text)\"; use one of \(DataSpec.examples.joined(separator: ", ")).\(suggestion)"
        case let .wrongKind(name, kind, needed):
            return "\(name) is a \(kind); \(needed)"
        case let .dataFamilyMismatch(dataset, dataFamily, model, modelFamily):
            return "\(dataset) is \(dataFamily.rawValue) data but \(model) is a \(modelFamily.rawValue) model; use "
                + (modelFamily == .retrieval ? "synthvtt, msrvtt:DIR or features:DIR" : "digits or synthfine")
        case let .notAHead(option, name):
            return "\(option) applies to a similarity head over a backbone (`zoo list --kind head`), and \(name) is not one"
        case let .notRetrieval(name):
            return "\(name) cannot be evaluated for retrieval: it does not encode captions and videos separately"
        case let .badValue(field, value, expected):
            return "\(field) must be \(expected), got \(value)"
        case let .differentRun(directory, found, expected):
            return "\(directory) holds another run (experiment \(found), this one is \(expected)); choose another folder, or delete that one to train it again"
        }
    }
}
