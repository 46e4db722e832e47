// What `zoo compare` compares: each SPEC is a model or head name, a recipe name from zoo.json,
// or an inline combination `student=NAME,teacher=NAME,distill=LOSS:W,task=W,set=KEY=VALUE` (plus
// run flags of its own, e.g. `lr=3e-3`).
import Foundation
import ZooCommandLine
import ZooCore
import ZooManifest

/// One combination to train and measure: a student, optional teachers, losses and overrides.
struct ComparisonSpec: Equatable {
    /// The label in the table (the SPEC as written, or the recipe's name).
    var label: String
    var student: String
    var teachers: [String] = []
    /// `LOSS[:WEIGHT]` as `--distill` takes them.
    var distill: [String] = []
    var taskWeight: String?
    /// `KEY=VALUE` as `--set` takes them.
    var settings: [String] = []
    /// Flags a recipe fixes (`lr`, `optimizer`, `epochs`, `data`, …), under the flags given on the command line.
    var flags: [String: String] = [:]

    init(label: String, student: String) {
        (self.label, self.student) = (label, student)
    }

    /// Parses SPEC against the registry: an entry name, a recipe, or `key=value,…`.
    init(_ text: String, registry: Registry) throws {
        if !text.contains("=") {
            let entry = try registry.entry(text.lowercased())
            self = entry.kind == .recipe ? try ComparisonSpec(recipe: entry) : ComparisonSpec(label: text, student: entry.name)
        } else {
            self = ComparisonSpec(label: text, student: "")
            for part in Self.splitTopLevel(text) {
                guard let equals = part.firstIndex(of: "=") else { throw UsageError("compare: \"\(part)\" in \"\(text)\" is not KEY=VALUE") }
                let key = part[..<equals].trimmingCharacters(in: .whitespaces), value = String(part[part.index(after: equals)...])
                switch key {
                case "student": student = value.lowercased()
                case "teacher": teachers.append(value.lowercased())
                case "distill": distill.append(value.lowercased())
                case "task": taskWeight = value
                case "set": settings.append(value)
                case _ where Self.runFlags.contains(key): flags[key] = value
                default:
                    let keys = ["student", "teacher", "distill", "task", "set"] + Self.runFlags
                    throw UsageError("compare: unknown key \"\(key)\" in \"\(text)\"; use \(keys.joined(separator: ", "))."
                                     + Suggestions.didYouMean(key, in: keys))
                }
            }
            guard !student.isEmpty else { throw UsageError("compare: \"\(text)\" names no student=NAME") }
        }
        for name in [student] + teachers { _ = try registry.entry(name) }
    }

    /// A recipe entry's config: `student`, `teacher` (or `teachers`), `distill` (["LOSS:W"]),
    /// `taskWeight`, `set` (["KEY=VALUE"]) and any run flags under `flags` (`{"lr": "1e-3"}`).
    init(recipe entry: ManifestEntry) throws {
        label = entry.name
        guard let student = entry.config["student"]?.stringValue else {
            throw ZooError.invalidConfig(entry: entry.name, key: "student", problem: "a recipe needs a student model or head name")
        }
        self.student = student
        if let teacher = entry.config["teacher"]?.stringValue { teachers = [teacher] }
        teachers += entry.config["teachers"]?.items?.compactMap(\.stringValue) ?? []
        distill = entry.config["distill"]?.items?.compactMap(\.stringValue) ?? []
        taskWeight = entry.config["taskWeight"]?.doubleValue.map { String($0) }
        settings = entry.config["set"]?.items?.compactMap(\.stringValue) ?? []
        for member in entry.config["flags"]?.members ?? [] {
            flags[member.key] = member.value.stringValue ?? member.value.doubleValue.map { String($0) } ?? member.value.description
        }
    }

    /// Run flags a combination may set for itself (`lr=3e-3`); flags given to `zoo compare` win.
    static let runFlags = ["lr", "optimizer", "epochs", "steps", "batch-size", "backbone-lr-multiplier", "data"]

    /// Splits on commas that are not inside a `set=` value's brackets.
    static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = [], current = "", depth = 0
        for character in text {
            if character == "[" || character == "{" { depth += 1 }
            if character == "]" || character == "}" { depth -= 1 }
            if character == "," && depth == 0 { parts.append(current); current = "" } else { current.append(character) }
        }
        if !current.isEmpty { parts.append(current) }
        return parts
    }

    /// A directory name for the run: the label with anything unusual replaced.
    var directoryName: String {
        String(label.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
    }
}
