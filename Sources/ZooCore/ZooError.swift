// Errors of the zoo's core, each naming the cause and the fix.
import ZooManifest

/// Something a user asked for that cannot work, explained.
public enum ZooError: Error, CustomStringConvertible, Equatable {
    case missingTap(Tap, producer: String, available: Set<Tap>)
    case familyMismatch(String, Family, String, Family)
    case incompatibleCombination([String])
    case invalidConfig(entry: String, key: String, problem: String)
    case notBuilt(String, status: String)
    case wrongKind(name: String, expected: String, actual: String)
    /// The sizes of `entry` ask for more memory than there is (`MemoryBudget`).
    case tooLarge(entry: String, what: String, bytes: Int, availableBytes: Int)

    public var description: String {
        switch self {
        case let .missingTap(tap, producer, available):
            return "\(producer) does not expose '\(tap)'; it exposes \(available.sorted().map(\.rawValue).joined(separator: ", ")). Choose a loss that uses those taps, or a model that exposes '\(tap)' (`zoo info NAME` lists taps)."
        case let .familyMismatch(first, firstFamily, second, secondFamily):
            return "\(first) is a \(firstFamily.rawValue) model but \(second) is \(secondFamily.rawValue): a combination must stay within one task family."
        case let .incompatibleCombination(problems):
            return "this combination cannot train:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
        case let .invalidConfig(entry, key, problem):
            return "\(entry): config key '\(key)' \(problem). `zoo info \(entry)` shows the accepted keys and defaults."
        case let .notBuilt(name, status):
            return "\(name) is \(status) in zoo.json: it is on the roadmap but not built yet. `zoo list --status experimental --status stable` shows what can run today."
        case let .wrongKind(name, expected, actual):
            return "\(name) is a \(actual), not a \(expected)."
        case let .tooLarge(entry, what, bytes, available):
            return "\(entry): its sizes ask for \(MemoryBudget.describe(bytes: bytes)) for \(what), but this machine has "
                + "\(MemoryBudget.describe(bytes: available)) available. Check the sizes (`zoo info \(entry)` shows them and their defaults); "
                + "nothing was allocated."
        }
    }
}
