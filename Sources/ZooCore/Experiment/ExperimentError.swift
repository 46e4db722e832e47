// Why an experiment cannot be built or run, each with the fix.
import ZooManifest

/// An experiment that cannot run as written, explained.
public enum ExperimentError: Error, CustomStringConvertible, Equatable {
    /// An experiment.json that cannot be read at all.
    case unreadable(path: String, reason: String)
    /// An experiment.json that is not an experiment.
    case malformed(path: String, detail: String)
    /// A run record (run.json, metrics.json) that cannot be decoded.
    case unreadableRecord(path: String, detail: String)
    /// An experiment made for another revision of the training code (`Experiment.trainingRevision`).
    case oldTrainingRevision(found: Int?, current: Int)
    /// A dataset name that is none of `DataSpec.examples`.
    case unknownDataset(String, suggestion: String)
    /// An entry of a kind that cannot play the part (a loss as the student).
    case wrongKind(name: String, kind: String, needed: String)
    /// Data of one task family for a model of the other.
    case dataFamilyMismatch(dataset: String, dataFamily: Family, model: String, modelFamily: Family)
    /// A head-only option (freezing the image encoder) for a student that is not a head.
    case notAHead(option: String, name: String)
    /// A retrieval evaluation of a model that cannot encode captions and videos separately.
    case notRetrieval(String)
    /// A field whose value cannot work, with what it must be.
    case badValue(field: String, value: String, expected: String)
    /// A run folder that holds another experiment (by content hash).
    case differentRun(directory: String, found: String, expected: String)
    /// A run folder another process is writing (its pid, when the lock names it).
    case locked(directory: String, pid: Int?)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        case let .malformed(path, detail):
            return "\(path) is not an experiment (docs/experiment.md shows the format): \(detail)"
        case let .oldTrainingRevision(found, current):
            return "this experiment was made for training revision \(found.map(String.init) ?? "1 (unrecorded)"), but this zoo trains revision \(current) "
                + "(Experiment.currentTrainingRevision says what changed), so it cannot be re-run exactly; run the same command again "
                + "without --experiment to make it anew"
        case let .unreadableRecord(path, detail):
            return "\(path) is not a run record this zoo can read (\(detail)); delete the run folder to train it again"
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
        case let .locked(directory, pid):
            return "\(directory) is being written by another run\(pid.map { " (process \($0))" } ?? ""); wait for it to finish, or choose another folder"
        case let .differentRun(directory, found, expected):
            return "\(directory) holds another run (experiment \(found), this one is \(expected)); choose another folder, or delete that one to train it again"
        }
    }
}
