// `zoo compare`: trains several combinations under the same data, seeds and budget, and reports
// their quality and cost side by side (terminal table, results.json, .csv, .md, .txt and a chart).
import Foundation
import ZooCommandLine
import ZooCore
import ZooData
import ZooManifest
import ZooTensor

/// `zoo compare SPEC… [--data D] [--epochs N | --steps N] [--seeds 0,1,2] [--out DIR] [--json]`
public struct CompareCommand: Command {
    let registry: Registry
    public init(registry: Registry) { self.registry = registry }

    public var name: String { "compare" }
    public var summary: String { "Train combinations side by side and compare quality and cost" }

    public var arguments: ArgumentSpec {
        ArgumentSpec(
            options: [
                .value("data", valueName: "D", help: "Dataset for every combination (default: each student's own)"),
                .value("seeds", valueName: "LIST", help: "Comma-separated seeds; quality is mean ± std over them (default 0)"),
                .value("out", valueName: "DIR", help: "Where runs and results.{json,csv,md,svg,txt} go (default runs/compare)"),
            ] + RecipeFlags.options.filter { $0.name != "seed" } + [
                .value("frames", valueName: "F", help: "Frames per video (default: the dataset's)"),
                .value("backbone", valueName: "NAME", help: "Backbone of heads (default: clip-tiny on synthvtt)"),
                .value("backbone-weights", valueName: "CKPT", help: "Pretrained backbone weights for heads"),
                .flag("pretrain-backbone", help: "Heads: train the backbone alone first (its own recipe), once per seed, and start every head from it"),
                .value("backbone-steps", valueName: "N", help: "--pretrain-backbone's budget in steps (default: the backbone recipe's epochs)"),
                .flag("freeze-visual", help: "Heads: freeze the image encoder and encode every video once"),
                .flag("json", help: "Print results.json instead of the table"),
            ] + DataPathFlags.options,
            positionals: [PositionalSpec("SPEC", arity: .variadic, help: "A model or head, a recipe (`zoo list --kind recipe`), or student=A,teacher=B,distill=LOSS:W")])
    }

    public var discussion: String {
        """
        Every combination is checked (names, families, taps) before anything trains. Teachers are trained
        once per seed into DIR/teachers and reused by every combination that names them. A run already
        finished in DIR is reused when it was trained with the same settings (otherwise the command stops
        and shows both), so an interrupted comparison continues where it stopped; the same seeds give the
        same quality numbers. A combination that fails (a NaN loss, a bad setting) is reported
        as failed with its reason and the others still run.
        With --pretrain-backbone, the backbone (clip-tiny on synthvtt, else --backbone) is first trained
        alone as CLIP with its own zoo.json recipe, once per seed into DIR/backbone, and every head starts
        from its best checkpoint, as CLIP4Clip starts from pretrained CLIP; its test quality is printed as
        the baseline. The budget flags apply to the combinations, not to it: --backbone-steps bounds it,
        and only --batch-size and the data flags carry over.
        Cost columns: parameters; FLOPs of matrix products and convolutions counted by the engine;
        training examples/s (evaluation excluded); inference throughput (retrieval: captions/s and
        videos/s embedded from pixels, pairs/s scored); the process's peak resident memory
        while training and measuring the combination (recorded, so a reused run reports it too).

        Example (the README's main job):
          zoo compare clip4clip-meanp clip4clip-seqlstm clip4clip-seqtransf clip4clip-tighttransf \\
            kd/clip4clip-meanp_from_clip4clip-seqtransf \\
            --pretrain-backbone --freeze-visual --epochs 1 --batch-size 32 --lr 1e-3 --backbone-lr-multiplier 0.1
        """
    }

    public func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        guard !arguments.positionals.isEmpty else { throw UsageError("compare needs at least one SPEC (a model, a recipe, or student=…)") }
        let specs = try arguments.positionals.map { try ComparisonSpec($0, registry: registry) }
        let seeds = try (arguments.value("seeds") ?? "0").split(separator: ",").map { text -> UInt64 in
            guard let seed = UInt64(text.trimmingCharacters(in: .whitespaces)) else { throw UsageError("--seeds must be comma-separated integers, got \"\(text)\"") }
            return seed
        }
        let out = URL(fileURLWithPath: arguments.value("out") ?? "runs/compare")
        let pretrainBackbone = arguments.flag("pretrain-backbone")
        if arguments.value("backbone-steps") != nil && !pretrainBackbone { throw UsageError("--backbone-steps is the budget of --pretrain-backbone; add --pretrain-backbone") }
        if pretrainBackbone {
            if arguments.value("backbone-weights") != nil { throw UsageError("give --pretrain-backbone or --backbone-weights, not both") }
            if let steps = arguments.value("backbone-steps") { _ = try RunSetup.positive(steps, "--backbone-steps") }
            let heads = specs.filter { (try? registry.entry($0.student).kind) == .head }
            guard !heads.isEmpty else { throw UsageError("--pretrain-backbone applies to similarity heads (`zoo list --kind head`); no SPEC names one") }
        }
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)

        // Check every combination before anything trains.
        var problems: [String] = []
        for spec in specs {
            do { try check(spec, arguments: arguments) } catch { problems.append("\(spec.label): \(error)") }
        }
        if !problems.isEmpty { throw RuntimeError("these combinations cannot run:\n  " + problems.joined(separator: "\n  ")) }

        var rows: [ComparisonRow] = []
        var teacherCheckpoints: [String: String] = [:]   // "name-seedS" → best checkpoint
        var backboneCheckpoints: [UInt64: String] = [:]
        for (index, spec) in specs.enumerated() {
            console.write("[\(index + 1)/\(specs.count)] \(spec.label)\n")
            var row = ComparisonRow(label: spec.label, student: spec.student, seeds: seeds)
            ComparisonCost.resetPeakMemory()
            do {
                for seed in seeds {
                    if pretrainBackbone && backboneCheckpoints[seed] == nil {
                        backboneCheckpoints[seed] = try pretrainedBackbone(seed: seed, out: out, arguments: arguments, console: console)
                        ComparisonCost.resetPeakMemory()   // the backbone's training is not this row's cost
                    }
                    let backboneWeights = backboneCheckpoints[seed]
                    var teacherWeights: [String: String] = [:]
                    for teacher in spec.teachers {
                        let key = "\(teacher)-seed\(seed)"
                        if teacherCheckpoints[key] == nil {
                            // A teacher that is also compared on its own trains once, in that row's directory.
                            let plain = specs.first { $0.student == teacher && $0.teachers.isEmpty && $0.distill.isEmpty && $0.settings.isEmpty && $0.flags.isEmpty }
                            let directory = plain.map { out.appendingPathComponent("\($0.directoryName)/seed\(seed)") }
                                ?? out.appendingPathComponent("teachers/\(key)")
                            teacherCheckpoints[key] = try trainOnce(teacher, seed: seed, directory: directory, root: out,
                                                                    backboneWeights: backboneWeights, arguments: arguments, console: console)
                        }
                        teacherWeights[teacher] = teacherCheckpoints[key]
                    }
                    let runArguments = try self.arguments(for: spec, seed: seed, teacherWeights: teacherWeights,
                                                          backboneWeights: backboneWeights, base: arguments)
                    let setup = try RunSetup(arguments: runArguments, registry: registry, forTraining: true, teacherWeights: teacherWeights)
                    row.family = setup.model.family
                    let directory = out.appendingPathComponent("\(spec.directoryName)/seed\(seed)")
                    let result = try runOrReuse(setup, arguments: runArguments, directory: directory, root: out, console: console)
                    row.quality.append(result.quality)
                    row.training.append(result.trainingExamplesPerSecond)
                    if seed == seeds.first {
                        row.cost = try ComparisonCost.measure(setup.model, data: setup.data, contextLength: setup.recipe.contextLength)
                    }
                    // A reused run was trained by an earlier process: its recorded peak counts.
                    if let peak = result.peakMegabytes { row.cost["peak_mb"] = Swift.max(row.cost["peak_mb"] ?? 0, peak) }
                }
            } catch {
                row.failure = "\(error)"
                console.write("  failed: \(error)\n")
            }
            rows.append(row)
        }
        let report = ComparisonReport(rows: rows)
        try report.write(to: out)
        if arguments.flag("json") {
            console.write(String(decoding: try report.json(), as: UTF8.self) + "\n")
        } else {
            console.write(report.terminalTable())
            console.write("results in \(out.path): results.json, results.csv, results.md, results.svg, results.txt\n")
        }
        return rows.allSatisfy { $0.failure == nil } ? ExitStatus.success : ExitStatus.failure
    }

    /// Builds the student, teachers (untrained) and losses of `spec` and checks the combination.
    func check(_ spec: ComparisonSpec, arguments: ParsedArguments) throws {
        var fakeWeights: [String: String] = [:]
        for teacher in spec.teachers { fakeWeights[teacher] = "" }
        let runArguments = try self.arguments(for: spec, seed: 0, teacherWeights: fakeWeights, base: arguments)
        let student = try RunSetup(arguments: runArguments, registry: registry, forTraining: false)
        var teachers: [(String, any ZooModel)] = []
        for name in spec.teachers {
            teachers.append((name, try RunSetup(arguments: runArguments, registry: registry, forTraining: false, modelName: name).model))
        }
        let lossNames = Set(try spec.distill.map { try RunSetup.parseDistill($0).get().name })
        let overrides = try ConfigOverrides(arguments: spec.settings, components: lossNames)
        let losses = try spec.distill.map { text -> (name: String, loss: any DistillationLoss, weight: Float) in
            let (name, weight) = try RunSetup.parseDistill(text).get()
            return (name, try registry.createLoss(name, overrides: overrides.overrides(for: name)), weight)
        }
        var problems: [String] = []
        for (name, teacher) in teachers.isEmpty ? [(nil as String?, nil as (any ZooModel)?)] : teachers.map({ ($0.0 as String?, $0.1 as (any ZooModel)?) }) {
            problems += Combination(studentName: spec.student, student: student.model, teacherName: name, teacher: teacher, losses: losses).problems()
        }
        if !problems.isEmpty { throw ZooError.incompatibleCombination(Array(Set(problems)).sorted()) }
    }

    /// The `zoo train` arguments of one run: the compare flags, then the spec's own.
    func arguments(for spec: ComparisonSpec, seed: UInt64, teacherWeights: [String: String], backboneWeights: String? = nil,
                   base: ParsedArguments) throws -> ParsedArguments {
        var values: [String: [String]] = [:]
        let shared = ["data", "epochs", "steps", "batch-size", "lr", "optimizer", "backbone-lr-multiplier", "frames", "backbone", "backbone-weights"]
            + DataPathFlags.options.map(\.name)
        for flag in shared { if let value = base.value(flag) { values[flag] = [value] } }
        for (flag, value) in spec.flags where base.value(flag) == nil { values[flag] = [value] }
        values["seed"] = [String(seed)]
        if let backboneWeights, (try? registry.entry(spec.student).kind) == .head { values["backbone-weights"] = [backboneWeights] }
        if !spec.teachers.isEmpty {
            values["teacher"] = spec.teachers
            values["teacher-weights"] = spec.teachers.map { teacherWeights[$0] ?? "" }
        }
        if !spec.distill.isEmpty { values["distill"] = spec.distill }
        if let task = spec.taskWeight { values["task-weight"] = [task] }
        if !spec.settings.isEmpty { values["set"] = spec.settings }
        return ParsedArguments(positionals: [spec.student], values: values, flags: base.flag("freeze-visual") ? ["freeze-visual"] : [])
    }

    /// Trains `name` alone for `seed` into `directory` (or reuses it there); returns its best checkpoint.
    func trainOnce(_ name: String, seed: UInt64, directory: URL, root: URL, backboneWeights: String?, arguments: ParsedArguments,
                   console: Console) throws -> String {
        let spec = try ComparisonSpec(name, registry: registry)
        let runArguments = try self.arguments(for: spec, seed: seed, teacherWeights: [:], backboneWeights: backboneWeights, base: arguments)
        let setup = try RunSetup(arguments: runArguments, registry: registry, forTraining: true)
        console.write("  teacher \(name), seed \(seed)\n")
        _ = try runOrReuse(setup, arguments: runArguments, directory: directory, root: root, console: console)
        return directory.appendingPathComponent("best.safetensors").path
    }

    /// Trains the heads' backbone alone for `seed` with its own recipe (only the data, frame and
    /// seed flags and the batch size carry over; `--backbone-steps` bounds it) into DIR/backbone, or
    /// reuses it there; returns its best checkpoint.
    func pretrainedBackbone(seed: UInt64, out: URL, arguments: ParsedArguments, console: Console) throws -> String {
        let name = (arguments.value("backbone") ?? "clip-tiny").lowercased()
        var setting = ["seed": String(seed)]
        if let steps = arguments.value("backbone-steps") { setting["steps"] = steps }
        let runArguments = RunSetup.ownRecipeArguments(for: name, from: arguments, keeping: ["batch-size"], setting: setting)
        let setup = try RunSetup(arguments: runArguments, registry: registry, forTraining: true)
        let directory = out.appendingPathComponent("backbone/\(name)-seed\(seed)")
        console.write("  backbone \(name), seed \(seed): trained alone first (\(setup.recipe.optimizer.rawValue), lr \(setup.recipe.learningRate), "
                      + "\(setup.recipe.steps.map { "\($0) steps" } ?? "\(setup.recipe.epochs) epochs"))\n")
        let result = try runOrReuse(setup, arguments: runArguments, directory: directory, root: out, console: console)
        let baseline = [("t2v_r1", "t2v R@1"), ("v2t_r1", "v2t R@1"), ("temporal_r1", "temporal R@1")].compactMap { key, label in
            result.quality[key].map { String(format: "%@ %.1f", label, $0) }
        }
        if !baseline.isEmpty { console.write("  backbone \(name), seed \(seed): \(baseline.joined(separator: ", ")) on the test split\n") }
        return directory.appendingPathComponent("best.safetensors").path
    }

    /// Trains into `directory`, or reads the finished run there when it was trained with the same
    /// arguments (a run with other settings is an error, not silently reused). Checkpoints inside
    /// the comparison's folder `root` are recorded as DIR/…, so the folder can be moved or named
    /// another way (`runs/x`, `./runs/x`).
    func runOrReuse(_ setup: RunSetup, arguments: ParsedArguments, directory: URL, root: URL, console: Console) throws -> SavedRun {
        let summaryURL = directory.appendingPathComponent("compare.json")
        let settings = arguments.canonicalLine.replacingOccurrences(of: root.path + "/", with: "DIR/")
        if let data = try? Data(contentsOf: summaryURL), let saved = try? JSONDecoder().decode(SavedRun.self, from: data) {
            guard saved.settings == settings else {
                throw RuntimeError("\(directory.path) holds a run trained as `zoo train \(saved.settings ?? "(unrecorded)")`, "
                                   + "not `zoo train \(settings)`; choose another --out, or delete that folder to train it again")
            }
            try setup.model.loadWeights(from: directory.appendingPathComponent("last.safetensors"))
            return saved
        }
        let resume = FileManager.default.fileExists(atPath: directory.appendingPathComponent("last.safetensors").path)
        let (summary, test) = try TrainCommand.train(setup, out: directory, resume: resume, console: QuietConsole(console))
        let trainingSeconds = Swift.max(summary.seconds - summary.evaluationSeconds, 1e-9)
        let saved = SavedRun(settings: settings, quality: ComparisonRow.quality(of: test.0),
                             trainingExamplesPerSecond: Double(summary.steps * setup.recipe.batchSize) / trainingSeconds,
                             peakMegabytes: ComparisonCost.peakResidentMegabytes())
        try JSONEncoder().encode(saved).write(to: summaryURL, options: .atomic)
        return saved
    }

    struct SavedRun: Codable {
        /// The run's `zoo train` arguments (`ParsedArguments.canonicalLine`).
        var settings: String?
        var quality: [String: Double]
        var trainingExamplesPerSecond: Double
        /// The process's peak resident memory (MB) since the row started, read right after training.
        var peakMegabytes: Double?
    }
}

/// Passes errors through and drops the per-run chatter (the trainer's progress goes to log.jsonl).
final class QuietConsole: Console {
    let base: Console
    init(_ base: Console) { self.base = base }
    func write(_ text: String) {}
    func writeError(_ text: String) { base.writeError(text) }
    var isTerminal: Bool { false }
}
