// Several experiments under the same seeds, trained side by side into one folder and measured:
// the library call behind `zoo compare`. Teachers train once per seed and are shared; with a
// pretrained backbone, the backbone trains alone first (its own recipe) and every head starts
// from it; finished runs are reused by experiment hash.
import Foundation
import ZooManifest

/// One combination's results over the seeds.
public struct ComparisonRow: Sendable {
    public var label: String
    public var student: String
    public var seeds: [UInt64]
    public var family: Family?
    /// Per seed: metric name → value.
    public var quality: [[String: Double]] = []
    /// Per seed: training examples per second (evaluation excluded).
    public var training: [Double] = []
    public var cost: [String: Double] = [:]
    public var failure: String?

    public init(label: String, student: String, seeds: [UInt64]) {
        (self.label, self.student, self.seeds) = (label, student, seeds)
    }

    /// Mean and sample standard deviation of a quality metric over the seeds.
    public func statistics(_ metric: String) -> (mean: Double, std: Double)? {
        let values = quality.compactMap { $0[metric] }
        guard !values.isEmpty, values.count == quality.count else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.count > 1 ? values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1) : 0
        return (mean, variance.squareRoot())
    }

    /// R@1 text→video for retrieval, accuracy for classification.
    public var primaryMetric: String { family == .classification ? "accuracy" : "t2v_r1" }
}

/// Experiments to compare, each with its label; `seed` is set per run.
public struct Comparison {
    /// One combination: its label and its experiment.
    public struct Entry {
        /// The label in the table (the spec as written, or the recipe's name).
        public var label: String
        public var experiment: Experiment

        public init(label: String, experiment: Experiment) { (self.label, self.experiment) = (label, experiment) }

        /// A folder name for the runs: the label with anything unusual replaced.
        public var directoryName: String {
            String(label.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
        }
    }

    /// Training the heads' backbone alone first, with its own recipe.
    public struct BackbonePretraining {
        /// The backbone's registry name (`clip-tiny`).
        public var name: String
        /// Its budget in steps; nil: its recipe's epochs.
        public var steps: Int?
        /// Examples per step; nil: its recipe's.
        public var batchSize: Int?

        public init(name: String, steps: Int? = nil, batchSize: Int? = nil) { (self.name, self.steps, self.batchSize) = (name, steps, batchSize) }
    }

    /// The combinations, in the table's order.
    public var entries: [Entry]
    /// Every entry runs once per seed; quality is their mean ± std.
    public var seeds: [UInt64]
    /// Where the runs go: `LABEL/seedS`, `teachers/NAME-seedS`, `backbone/NAME-seedS`.
    public var directory: URL
    public var backbonePretraining: BackbonePretraining?
    /// The comparison's shared settings, applied to a teacher trained on its own (the entries
    /// already carry them): the same data, budget and optimizer settings for every run.
    public var sharedSettings: (inout Experiment) throws -> Void

    public init(entries: [Entry], seeds: [UInt64], directory: URL, backbonePretraining: BackbonePretraining? = nil,
                sharedSettings: @escaping (inout Experiment) throws -> Void = { _ in }) {
        self.entries = entries
        self.seeds = seeds
        // One spelling of the folder (`runs/x`, `./runs/x`): its checkpoint paths enter the hashes.
        self.directory = directory.standardizedFileURL
        self.backbonePretraining = backbonePretraining
        self.sharedSettings = sharedSettings
    }

    /// Every reason an entry cannot run, as "LABEL: reason" lines, found before anything trains.
    public func problems(registry: Registry) -> [String] {
        entries.compactMap { entry in
            do { try BuiltRun.check(entry.experiment, registry: registry); return nil } catch { return "\(entry.label): \(error)" }
        }
    }

    /// Trains (or reuses) every entry for every seed and measures it; an entry that fails is a
    /// row with its reason, and the others still run.
    public func run(registry: Registry, messages: @escaping (String) -> Void) throws -> [ComparisonRow] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var runner = ExperimentRunner(registry: registry)
        runner.messages = { messages("  " + $0) }
        var rows: [ComparisonRow] = []
        var teacherCheckpoints: [String: String] = [:]   // "name-seedS" → best checkpoint
        var backboneCheckpoints: [UInt64: String] = [:]
        for (index, entry) in entries.enumerated() {
            messages("[\(index + 1)/\(entries.count)] \(entry.label)")
            var row = ComparisonRow(label: entry.label, student: entry.experiment.student.name, seeds: seeds)
            ProcessMemory.resetPeak()
            do {
                for seed in seeds {
                    if let backbonePretraining, backboneCheckpoints[seed] == nil {
                        backboneCheckpoints[seed] = try pretrainedBackbone(backbonePretraining, experiment: entry.experiment, seed: seed,
                                                                           runner: runner, messages: messages)
                        ProcessMemory.resetPeak()   // the backbone's training is not this row's cost
                    }
                    var experiment = entry.experiment
                    experiment.seed = seed
                    if let weights = backboneCheckpoints[seed], try registry.entry(experiment.student.name).kind == .head {
                        experiment.backbone = ModelSpec(name: backbonePretraining!.name, weights: weights)
                    }
                    for (teacherIndex, teacher) in experiment.teachers.enumerated() where teacher.weights == nil {
                        let key = "\(teacher.name)-seed\(seed)"
                        if teacherCheckpoints[key] == nil {
                            teacherCheckpoints[key] = try trainTeacher(teacher.name, seed: seed,
                                                                       backboneWeights: backboneCheckpoints[seed], registry: registry,
                                                                       runner: runner, messages: messages)
                        }
                        experiment.teachers[teacherIndex].weights = teacherCheckpoints[key]
                    }
                    let folder = try Self.folder(directory.appendingPathComponent("\(entry.directoryName)/seed\(seed)"), for: experiment, messages: messages)
                    let trained = try runner.trainOrReuse(experiment, in: folder)
                    row.family = trained.run.model.family
                    row.quality.append(trained.test.quality)
                    row.training.append(trained.finished.trainingExamplesPerSecond)
                    if seed == seeds.first { row.cost = try ComparisonCost.measure(trained.run) }
                    // A reused run was trained by an earlier process: its recorded peak counts.
                    if let peak = trained.finished.peakMegabytes { row.cost["peak_mb"] = Swift.max(row.cost["peak_mb"] ?? 0, peak) }
                }
            } catch TrainingError.interrupted(let step, let total, let checkpoint) {
                throw TrainingError.interrupted(step: step, total: total, checkpoint: checkpoint)   // Ctrl-C stops the whole comparison
            } catch {
                row.failure = "\(error)"
                messages("  failed: \(error)")
            }
            rows.append(row)
        }
        return rows
    }

    /// Where `experiment` runs: `base`, unless `base` holds a run of another experiment; then
    /// `base-HASH` beside it (HASH: the first 8 digits of the experiment's), so a changed setting
    /// is a new run and no finished run is ever overwritten.
    static func folder(_ base: URL, for experiment: Experiment, messages: (String) -> Void) throws -> URL {
        let recorded = base.appendingPathComponent("experiment.json")
        guard FileManager.default.fileExists(atPath: recorded.path),
              try Experiment(contentsOf: recorded).contentHash() != experiment.contentHash() else { return base }
        let beside = base.deletingLastPathComponent().appendingPathComponent("\(base.lastPathComponent)-\(try experiment.contentHash().prefix(8))")
        messages("  \(base.path) holds a run of other settings; this one runs in \(beside.path)")
        return beside
    }

    /// Trains teacher `name` alone (its own recipe under the comparison's shared settings, the
    /// seed, the pretrained backbone) once per seed: in the folder of the entry that is exactly
    /// that run, when one is compared, else in `teachers/NAME-seedS`. Returns its best checkpoint.
    func trainTeacher(_ name: String, seed: UInt64, backboneWeights: String?, registry: Registry,
                      runner: ExperimentRunner, messages: (String) -> Void) throws -> String {
        var alone = try Experiment(resolving: name, in: registry)
        try sharedSettings(&alone)
        let plain = entries.first { $0.experiment == alone }
        alone.seed = seed
        if let backboneWeights, try registry.entry(name).kind == .head {
            alone.backbone = ModelSpec(name: backbonePretraining!.name, weights: backboneWeights)
        }
        let folder = try Self.folder(plain.map { directory.appendingPathComponent("\($0.directoryName)/seed\(seed)") }
            ?? directory.appendingPathComponent("teachers/\(name)-seed\(seed)"), for: alone, messages: messages)
        messages("  teacher \(name), seed \(seed)")
        _ = try runner.trainOrReuse(alone, in: folder)
        return folder.appendingPathComponent("best.safetensors").path
    }

    /// Trains the backbone alone for `seed` with its own recipe (the entry's data and the batch
    /// size carry over; `steps` bounds it) into `backbone/NAME-seedS`, or reuses it there.
    func pretrainedBackbone(_ pretraining: BackbonePretraining, experiment: Experiment, seed: UInt64, runner: ExperimentRunner,
                            messages: (String) -> Void) throws -> String {
        var backbone = try Experiment(resolving: pretraining.name, in: runner.registry)
        backbone.data.dataset = experiment.data.dataset
        backbone.data.frames = experiment.data.frames
        backbone.data.paths = experiment.data.paths
        backbone.seed = seed
        if let steps = pretraining.steps { backbone.recipe.steps = steps }
        if let batchSize = pretraining.batchSize { backbone.recipe.batchSize = batchSize }
        let folder = try Self.folder(directory.appendingPathComponent("backbone/\(pretraining.name)-seed\(seed)"), for: backbone, messages: messages)
        let recipe = backbone.recipe
        messages("  backbone \(pretraining.name), seed \(seed): trained alone first (\(recipe.optimizer.rawValue), lr \(recipe.learningRate), "
                 + "\(recipe.steps.map { "\($0) steps" } ?? "\(recipe.epochs) epochs"))")
        let trained = try runner.trainOrReuse(backbone, in: folder)
        let baseline = [("t2v_r1", "t2v R@1"), ("v2t_r1", "v2t R@1"), ("temporal_r1", "temporal R@1")].compactMap { key, label in
            trained.finished.quality[key].map { String(format: "%@ %.1f", label, $0) }
        }
        if !baseline.isEmpty {
            messages("  backbone \(pretraining.name), seed \(seed): \(baseline.joined(separator: ", ")) on the test split")
        }
        return folder.appendingPathComponent("best.safetensors").path
    }
}
