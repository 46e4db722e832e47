// Every way scaffolding can refuse, each with the rule broken and the way out.
import ZooManifest

/// Why `zoo-new-method` refused. Nothing has been written when one of these is thrown.
public enum ScaffoldError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidName(String)
    case invalidChoice(option: String, value: String, choices: [String])
    case headNeedsRetrieval
    case invalidTarget(String, derived: Bool)
    case reservedTarget(String, derived: Bool)
    case clashingTarget(String, derived: Bool)
    case emptyValue(option: String)
    case invalidYear(Int)
    case invalidArxiv(String)
    case invalidURL(String)
    case usage(String)
    case manifestUnreadable(path: String)
    case manifestInvalid(path: String, errors: String)
    case manifestLayout(String)
    case nameExists(String, line: Int)
    case targetInUse(target: String, names: [String])
    case pathsExist([String])
    case generatedManifestInvalid(errors: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidName(name):
            return "invalid name \"\(name)\": a name is lowercase ASCII words of letters and digits joined by single '-', starting with a letter (e.g. my-method, clip4clip-seqtransf)."
        case let .invalidChoice(option, value, choices):
            let suggestion = Suggestions.best(for: value, in: choices).map { " Did you mean \($0)?" } ?? ""
            return "invalid --\(option) \"\(value)\": choose one of \(choices.joined(separator: ", ")).\(suggestion)"
        case .headNeedsRetrieval:
            return "a head is a text-video similarity head (SimilarityHead), so its family must be retrieval. For classification, scaffold a model or a loss."
        case let .invalidTarget(target, derived):
            return "invalid target \"\(target)\"\(origin(derived)): a target is a Swift module name, an uppercase ASCII letter followed by letters and digits (e.g. MyMethod, CLIP4Clip).\(hint(derived))"
        case let .reservedTarget(target, derived):
            return "target \"\(target)\"\(origin(derived)) starts with Zoo, which is reserved for the zoo's own layers (ZooCore, ZooNN, ...).\(hint(derived))"
        case let .clashingTarget(target, derived):
            return "target \"\(target)\"\(origin(derived)) would clash with a system module or a test target (names ending in Tests are taken by test targets).\(hint(derived))"
        case let .emptyValue(option):
            return "--\(option) must not be empty" + (option == "authors" ? " (give full names separated by commas: \"Ada Lovelace, Alan Turing\")." : ".")
        case let .invalidYear(year):
            return "--year \(year) is not a plausible publication year (\(NameRules.plausibleYears.lowerBound)...\(NameRules.plausibleYears.upperBound))."
        case let .invalidArxiv(id):
            return "invalid --arxiv \"\(id)\": give the modern id without prefix or version, YYMM.NNNN or YYMM.NNNNN (e.g. 2104.08860)."
        case let .invalidURL(url):
            return "invalid --code \"\(url)\": give an https:// URL of the official code."
        case let .usage(message):
            return message
        case let .manifestUnreadable(path):
            return "cannot read \(path): run from the zoo's package root or pass --package-path to it."
        case let .manifestInvalid(path, errors):
            return "\(path) is already invalid; fix it first (`swift build` reports the same):\n\(errors)"
        case let .manifestLayout(problem):
            return "cannot append to zoo.json: \(problem). Add the entry by hand, or restore the usual layout (an object with an \"entries\" array)."
        case let .nameExists(name, line):
            return "zoo.json already has an entry named \"\(name)\" (line \(line)). Choose another --name; nothing was written."
        case let .targetInUse(target, names):
            return "target \(target) is already used by zoo.json \(names.count == 1 ? "entry" : "entries") \(names.joined(separator: ", ")). The scaffold creates a new target; pass another --target, or add the name to \(target)'s entry type by hand. Nothing was written."
        case let .pathsExist(paths):
            return "refusing to overwrite \(paths.joined(separator: ", ")): \(paths.count == 1 ? "it exists" : "they exist") already. Choose another --name or --target (or remove \(paths.count == 1 ? "it" : "them") yourself); nothing was written."
        case let .generatedManifestInvalid(errors):
            return "the new zoo.json entry would not validate (a bug in the scaffold; please report it). Nothing was written:\n\(errors)"
        case let .writeFailed(path, reason):
            return "cannot write \(path): \(reason). Everything the scaffold had created was removed again."
        }
    }

    private func origin(_ derived: Bool) -> String { derived ? " (derived from the name)" : "" }
    private func hint(_ derived: Bool) -> String { derived ? " Pass --target to choose another." : "" }
}
