// What `zoo compare` compares: each SPEC is a model or head name, a recipe name from zoo.json,
// or an inline combination `student=NAME,teacher=NAME,distill=LOSS:W,task=W,set=KEY=VALUE` (plus
// run options of its own, e.g. `lr=3e-3`). Each becomes an experiment.
import Foundation
import ZooCommandLine
import ZooCore
import ZooManifest

enum ComparisonSpec {
    /// SPEC as a comparison entry: its label and its experiment (the entry's own, or the
    /// recipe's, or the inline student's with the inline edits), before the shared flags.
    static func entry(_ text: String, registry: Registry) throws -> Comparison.Entry {
        guard text.contains("=") else {
            let entry = try registry.entry(text.lowercased())
            return Comparison.Entry(label: entry.kind == .recipe ? entry.name : text, experiment: try Experiment(resolving: entry.name, in: registry))
        }
        var student: String?, teachers: [String] = [], losses: [String] = [], task: String?, settings: [String] = []
        var flags: [(String, String)] = []
        for part in splitTopLevel(text) {
            guard let equals = part.firstIndex(of: "=") else { throw UsageError("compare: \"\(part)\" in \"\(text)\" is not KEY=VALUE") }
            let key = part[..<equals].trimmingCharacters(in: .whitespaces), value = String(part[part.index(after: equals)...])
            switch key {
            case "student": student = value.lowercased()
            case "teacher": teachers.append(value.lowercased())
            case "distill": losses.append(value.lowercased())
            case "task": task = value
            case "set": settings.append(value)
            case _ where Experiment.recipeFlags.contains(key): flags.append((key, value))
            default:
                let keys = ["student", "teacher", "distill", "task", "set"] + Experiment.recipeFlags
                throw UsageError("compare: unknown key \"\(key)\" in \"\(text)\"; use \(keys.joined(separator: ", "))."
                                 + Suggestions.didYouMean(key, in: keys))
            }
        }
        guard let student else { throw UsageError("compare: \"\(text)\" names no student=NAME") }
        var experiment = try Experiment(resolving: student, in: registry)
        for name in teachers { _ = try registry.entry(name) }
        experiment.teachers = teachers.map { TeacherSpec(name: $0) }
        experiment.losses = try losses.map { loss in
            do { return try LossTerm(parsing: loss) } catch { throw UsageError("compare: \(error)") }
        }
        if let task {
            guard let weight = Float(task), weight >= 0, weight.isFinite else { throw UsageError("compare: task=\(task) must be a number ≥ 0") }
            experiment.taskWeight = weight
        }
        try experiment.apply(settings: settings, components: Set(experiment.losses.map(\.name)))
        for (flag, value) in flags {
            do { try experiment.apply(flag: flag, value: value, source: "\(flag)= in \"\(text)\"") } catch { throw UsageError("compare: \(error)") }
        }
        return Comparison.Entry(label: text, experiment: experiment)
    }

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
}
