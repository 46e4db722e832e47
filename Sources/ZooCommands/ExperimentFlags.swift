// Command-line flags as edits of an experiment: the one place where `zoo train`, `zoo eval` and
// `zoo compare` turn what a user typed into changes of the `Experiment` value.
import Foundation
import ZooCommandLine
import ZooCore
import ZooManifest

enum ExperimentFlags {
    /// Flags that shape the training recipe.
    static let recipe: [OptionSpec] = [
        .value("epochs", valueName: "N", help: "Epochs over the training set (default: the entry's recipe, else 5)"),
        .value("steps", valueName: "N", help: "Optimizer steps instead of epochs"),
        .value("batch-size", valueName: "N", help: "Examples per step (default: the entry's recipe, else 32)"),
        .value("weight-precision", valueName: "P", help: "float32 (default), or float16: a head's backbone weights stored at fp16, as the official scripts train them"),
        .value("gradient-accumulation", valueName: "N", help: "Split each step's batch into N micro-batches and sum their gradients, as the official --gradient_accumulation_steps (default 1)"),
        .value("lr", valueName: "X", help: "Base learning rate (default: the entry's recipe, else 1e-4)"),
        .value("optimizer", valueName: "NAME", help: "bertAdam, adamW, adam or sgd (default: the entry's recipe, else bertAdam)"),
        .value("backbone-lr-multiplier", valueName: "X", help: "lr multiplier of a head's backbone parameters (default: the recipe's coefLR, 1e-3)"),
        .value("seed", valueName: "S", help: "Seed for weights, data order and dropout (default 0)"),
        .value("eval-every", valueName: "N", help: "Evaluate on the validation split every N steps (default: at the end)"),
    ]

    /// Flags that choose the data.
    static let data: [OptionSpec] = [
        .value("data", valueName: "D", help: "synthvtt (retrieval default), msrvtt:DIR, msvd:DIR, lsmdc:DIR, didemo:DIR, activitynet:DIR, list:FILE, features:DIR, digits (classification default) or synthfine"),
        .value("frames", valueName: "F", help: "Frames per video (default: the dataset's; 64 for didemo and activitynet, else 12)"),
        .value("words", valueName: "N", help: "Caption tokens (default: the dataset's; 64 for didemo and activitynet, else 32)"),
        .value("train-split", valueName: "NAME", help: "The split that trains (e.g. msrvtt's train-7k; default train)"),
        .value("test-split", valueName: "NAME", help: "The split that reports (e.g. msrvtt's test-full or test-1k-a-all; default test, activitynet val)"),
        .value("max-missing", valueName: "P", help: "Most videos of a split that may be missing or broken, e.g. 5% (default 1%)"),
        .flag("dual-softmax", help: "Also report metrics with a dual softmax over the queries (DSL), next to the plain ones"),
        .flag("inverted-softmax", help: "Also report metrics with an inverted softmax over the queries, next to the plain ones"),
    ]

    /// Flags that move one file of a dataset layout elsewhere.
    static let dataPaths: [OptionSpec] = DataPathOption.all.map { .value($0.name, valueName: $0.valueName, help: $0.help) }

    /// Flags that choose a head's backbone.
    static let backbone: [OptionSpec] = [
        .value("backbone", valueName: "NAME", help: "Backbone of a head (default: the head's for the dataset, `zoo info HEAD`)"),
        .value("backbone-weights", valueName: "CKPT", help: "Pretrained backbone weights for a head (a zoo checkpoint or a format the backbone loads)"),
    ]

    /// The experiment `arguments` describe: `--experiment FILE` read as it is (only where-to-write
    /// flags may go with it), else the positional entry's own experiment edited by the flags.
    static func experiment(_ arguments: ParsedArguments, registry: Registry, allowedWithFile: Set<String> = ["out", "resume", "json", "allow-nonfinite"]) throws -> Experiment {
        if let file = arguments.value("experiment") {
            let extra = arguments.givenOptions.subtracting(allowedWithFile).subtracting(["experiment"])
            guard extra.isEmpty, arguments.positionals.isEmpty else {
                throw UsageError("--experiment re-runs a recorded experiment exactly; edit the file instead of adding "
                                 + (arguments.positionals.isEmpty ? "" : "MODEL ") + extra.sorted().map { "--\($0)" }.joined(separator: " "))
            }
            return try Experiment(contentsOf: URL(fileURLWithPath: file))
        }
        guard let name = arguments.positionals.first else { throw UsageError("name a model, head or recipe, or give --experiment FILE") }
        var experiment = try Experiment(resolving: name, in: registry)
        try apply(arguments, to: &experiment, registry: registry)
        return experiment
    }

    /// Applies every flag in `arguments` that edits an experiment; others are ignored.
    static func apply(_ arguments: ParsedArguments, to experiment: inout Experiment, registry: Registry) throws {
        let isHead = try registry.entry(experiment.student.name).kind == .head
        // Data first: a head's default backbone follows the dataset.
        if let data = arguments.value("data") {
            do { _ = try DataSpec(data) } catch { throw UsageError("--data: \(error)") }
            experiment.data.dataset = data
        }
        if let frames = arguments.value("frames") { experiment.data.frames = try positive(frames, "--frames") }
        if let words = arguments.value("words") {
            let value = try positive(words, "--words")
            guard value >= 2 else { throw UsageError("--words must be at least 2 (start and end of text), got \(value)") }
            experiment.data.words = value
        }
        if let split = arguments.value("train-split") { experiment.data.trainSplit = split }
        if let split = arguments.value("test-split") { experiment.data.testSplit = split }
        if let text = arguments.value("max-missing") { experiment.data.maxMissing = try missingVideoPolicy(text).fraction }
        let normalizations = QueryNormalization.allCases.filter { arguments.flag($0.rawValue) }
        if !normalizations.isEmpty { experiment.data.queryNormalizations = normalizations }
        for option in DataPathOption.all { if let path = arguments.value(option.name) { experiment.data.paths[option.name] = path } }
        if arguments.flag("freeze-visual") {
            guard isHead else { throw UsageError("--freeze-visual applies to a similarity head over a backbone (`zoo list --kind head`)") }
            experiment.data.freezeImageEncoder = true
        }
        if isHead, arguments.value("backbone") != nil || arguments.value("backbone-weights") != nil {
            let name = try arguments.value("backbone")?.lowercased() ?? experiment.backbone?.name
                ?? Experiment.defaultBackbone(forHead: experiment.student.name, dataset: try DataSpec(experiment.data.dataset), registry: registry)
            experiment.backbone = ModelSpec(name: name, weights: arguments.value("backbone-weights") ?? experiment.backbone?.weights)
        }
        if let weights = arguments.value("init") ?? arguments.value("weights") { experiment.student.weights = weights }

        // Teachers and losses.
        let teachers = arguments.values("teacher").map { $0.lowercased() }, teacherWeights = arguments.values("teacher-weights")
        guard teacherWeights.count <= teachers.count else { throw UsageError("more --teacher-weights than --teacher names") }
        if !teachers.isEmpty {
            for name in teachers { _ = try registry.entry(name) }
            experiment.teachers = teachers.enumerated().map { index, name in
                TeacherSpec(name: name, weights: index < teacherWeights.count && !teacherWeights[index].isEmpty ? teacherWeights[index] : nil)
            }
        }
        let distill = arguments.values("distill")
        if !distill.isEmpty {
            experiment.losses = try distill.map { text in
                do { return try LossTerm(parsing: text) } catch { throw UsageError("--distill \(text): \(error)") }
            }
        }
        if let weight = arguments.value("task-weight") {
            guard let value = Float(weight), value >= 0, value.isFinite else { throw UsageError("--task-weight must be a number ≥ 0, got \"\(weight)\"") }
            experiment.taskWeight = value
        }
        try experiment.apply(settings: arguments.values("set"), components: Set(experiment.losses.map(\.name)))

        // The recipe.
        if arguments.value("epochs") != nil && arguments.value("steps") != nil { throw UsageError("give --epochs or --steps, not both") }
        for flag in ["epochs", "steps", "batch-size", "gradient-accumulation", "weight-precision", "lr", "optimizer", "backbone-lr-multiplier"] {
            guard let value = arguments.value(flag) else { continue }
            do { try experiment.apply(flag: flag, value: value, source: "--\(flag)") } catch { throw UsageError("\(error)") }
        }
        if let seed = arguments.value("seed") {
            guard let value = UInt64(seed) else { throw UsageError("--seed must be a non-negative integer, got \"\(seed)\"") }
            experiment.seed = value
        }
        if let every = arguments.value("eval-every") { experiment.recipe.evaluateEvery = try positive(every, "--eval-every") }
    }

    /// `--max-missing P`: a percentage (`5%`) or a fraction (`0.05`).
    static func missingVideoPolicy(_ text: String) throws -> MissingVideoPolicy {
        guard let policy = MissingVideoPolicy(text: text) else {
            throw UsageError("--max-missing must be a percentage (5%) or a fraction (0.05) between 0 and 100%, got \"\(text)\"")
        }
        return policy
    }

    static func positive(_ text: String, _ flag: String) throws -> Int {
        guard let value = Int(text), value > 0 else { throw UsageError("\(flag) must be a positive integer, got \"\(text)\"") }
        return value
    }
}
