// Training an experiment into a run folder, the library call behind `zoo train` and `zoo
// compare`: teachers without weights are trained first with their own recipe, the student
// trains with checkpoints, a JSONL log and exact resumption, and the folder keeps
// `experiment.json`, `metrics.json` and `run.json`. A folder whose run finished from the same
// experiment (same content hash) is reused instead of trained again.
import Foundation
import ZooManifest
import ZooNN

/// What a finished run recorded in `run.json`.
public struct FinishedRun: Codable, Sendable {
    /// `Experiment.contentHash()` of the experiment it was trained from.
    public var experiment: String
    public var model: String
    public var parameters: Int
    public var steps: Int
    public var batchSize: Int
    public var seconds: Double
    /// Of `seconds`, the time spent evaluating.
    public var evaluationSeconds: Double
    /// The last step's loss (absent when this process ran no step, e.g. resuming a finished run).
    public var finalLoss: Double?
    public var teachers: [String]
    /// `NAME:WEIGHT` of each distillation loss.
    public var losses: [String]
    /// The test metrics by comparison names (`t2v_r1`, …, or `accuracy`).
    public var quality: [String: Double]
    /// Training examples per second, evaluation excluded.
    public var trainingExamplesPerSecond: Double
    /// The process's peak resident memory (MB) right after training, when the system reports it.
    public var peakMegabytes: Double?

    enum CodingKeys: String, CodingKey {
        case experiment, model, parameters, steps, seconds, teachers, losses, quality
        case batchSize = "batch_size", evaluationSeconds = "evaluation_seconds", finalLoss = "final_loss"
        case trainingExamplesPerSecond = "training_examples_per_second", peakMegabytes = "peak_mb"
    }
}

/// A run trained (or found finished) in a folder.
public struct TrainedRun {
    public var run: BuiltRun
    public var directory: URL
    public var finished: FinishedRun
    /// The test evaluation, and the split's name.
    public var test: RunEvaluation
    public var testSplit: String
    /// Whether the run was found finished rather than trained now.
    public var reused: Bool
}

/// Trains experiments into run folders.
public struct ExperimentRunner {
    /// The registry experiments name their entries in.
    public let registry: Registry
    /// Lines for people: a teacher trained first, a finished run reused.
    public var messages: (String) -> Void = { _ in }
    /// Whether training shows its progress bar and notes on standard error.
    public var showsProgress = true
    /// Where `teacher` of `experiment` trains first when it has no weights (default `runs/NAME-seedS`).
    public var teacherDirectory: (TeacherSpec, Experiment) -> URL = { teacher, experiment in
        URL(fileURLWithPath: "runs/\(teacher.name)-seed\(experiment.seed)")
    }

    public init(registry: Registry) { self.registry = registry }

    /// The experiment a teacher without weights is trained with: its own zoo.json recipe, on the
    /// student's data (dataset, frames, files) and seed.
    public func teacherExperiment(_ teacher: TeacherSpec, of experiment: Experiment) throws -> Experiment {
        var own = try Experiment(resolving: teacher.name, in: registry)
        own.data.dataset = experiment.data.dataset
        own.data.frames = experiment.data.frames
        own.data.paths = experiment.data.paths
        own.seed = experiment.seed
        return own
    }

    /// `experiment` with every teacher's weights: teachers without are trained first (or their
    /// finished runs reused) in `teacherDirectory`, and their best checkpoints used.
    public func resolvingTeachers(of experiment: Experiment) throws -> Experiment {
        try BuiltRun.checkTeachersHaveLosses(experiment)   // before any teacher trains
        var resolved = experiment
        for (index, teacher) in experiment.teachers.enumerated() where teacher.weights == nil {
            let own = try teacherExperiment(teacher, of: experiment)
            let directory = teacherDirectory(teacher, experiment)
            if try finishedRun(of: own, in: directory) != nil {
                messages("using the teacher \(teacher.name) already trained in \(directory.path)")
            } else {
                messages("training the teacher \(teacher.name) first (its own recipe) into \(directory.path)")
                _ = try train(own, into: directory, resume: FileManager.default.fileExists(atPath: directory.appendingPathComponent("last.safetensors").path))
            }
            resolved.teachers[index].weights = directory.appendingPathComponent("best.safetensors").path
        }
        return resolved
    }

    /// The run recorded in `directory` when it finished from exactly `experiment`; nil when the
    /// folder holds no finished run. A folder that holds another experiment is an error, so a
    /// changed setting never reuses an old run.
    public func finishedRun(of experiment: Experiment, in directory: URL) throws -> FinishedRun? {
        let experimentURL = directory.appendingPathComponent("experiment.json")
        guard FileManager.default.fileExists(atPath: experimentURL.path) else { return nil }
        let recorded = try Experiment(contentsOf: experimentURL)
        guard try recorded.contentHash() == experiment.contentHash() else {
            throw ExperimentError.differentRun(directory: directory.path, found: try recorded.contentHash(), expected: try experiment.contentHash())
        }
        let runURL = directory.appendingPathComponent("run.json")
        guard FileManager.default.fileExists(atPath: runURL.path) else { return nil }
        do {
            let finished = try JSONDecoder().decode(FinishedRun.self, from: Data(contentsOf: runURL))
            return try finished.experiment == experiment.contentHash() ? finished : nil
        } catch {
            throw ExperimentError.unreadableRecord(path: runURL.path, detail: "\(error)")
        }
    }

    /// Trains `experiment` into `directory` (teachers first when needed), evaluates it on the
    /// test split, and writes `experiment.json`, `metrics.json` and `run.json` there. With
    /// `resume`, continues the folder's last checkpoint exactly.
    public func train(_ experiment: Experiment, into directory: URL, resume: Bool = false) throws -> TrainedRun {
        let resolved = try resolvingTeachers(of: experiment)
        let run = try BuiltRun(resolved, registry: registry)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let lock = try RunFolderLock(directory: directory)
        defer { lock.release() }
        let experimentURL = directory.appendingPathComponent("experiment.json")
        if FileManager.default.fileExists(atPath: experimentURL.path) {
            let recorded = try Experiment(contentsOf: experimentURL)
            guard try recorded.contentHash() == experiment.contentHash() else {
                throw ExperimentError.differentRun(directory: directory.path, found: try recorded.contentHash(), expected: try experiment.contentHash())
            }
        }
        // A folder with a checkpoint is touched only by a resume the trainer accepts: its
        // experiment.json is written once the run went through, a new folder's right away.
        let hasCheckpoint = FileManager.default.fileExists(atPath: directory.appendingPathComponent("last.safetensors").path)
        if hasCheckpoint && !resume { throw TrainingError.outputExists(directory.path) }
        if !hasCheckpoint { try experiment.jsonData().write(to: experimentURL, options: .atomic) }

        let trainer = try run.trainer()
        trainer.outputDirectory = directory
        let progress = try ProgressReporter(logURL: directory.appendingPathComponent("log.jsonl"))
        progress.quiet = !showsProgress
        trainer.progress = progress
        trainer.shouldStop = { InterruptRequest.isRequested }
        trainer.evaluate = { model in
            let (evaluation, split) = try run.data.evaluate(model, name: run.name, validation: true, contextLength: run.recipe.contextLength)
            return (evaluation.primary, ["summary": "\(split) " + evaluation.summary, "primary": evaluation.primary])
        }
        if let composition = run.composition {
            var line = "composed \(run.name) over \(composition.backbone)"
            switch composition.initializedFromBackbone {
            case let .success(keys)?: line += "; \(keys.count) head tensors copied from the backbone's text encoder"
            case let .failure(reason)?: line += "; head not initialised from the backbone: \(reason)"
            case nil: break
            }
            progress.note(line)
        }
        run.notes.forEach { progress.note($0) }
        for log in run.data.skippedVideoLogs {
            if !log.all.isEmpty { progress.note(log.summary) }
            let split = log.split
            log.onBroken = { entry in ProgressReporter.writeToStandardError("\nleft out video \(entry.id) of \(split): \(entry.reason)\n") }
        }
        let taught = run.teachers.isEmpty ? "" : " taught by " + run.teachers.map(\.name).joined(separator: ", ")
        progress.note("training \(run.name) (\(Self.formatParameters(run.model.parameterCount)) parameters)\(taught) on "
                      + "\(trainer.data.name): \(trainer.plannedSteps) steps of \(run.recipe.batchSize)")
        let summary = try trainer.run(resume: resume)
        if hasCheckpoint { try experiment.jsonData().write(to: experimentURL, options: .atomic) }
        let peak = ProcessMemory.peakResidentMegabytes()
        let (test, split) = try run.evaluate()
        try run.data.writeSkippedVideos(to: directory)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(test).write(to: directory.appendingPathComponent("metrics.json"), options: .atomic)
        let trainingSeconds = Swift.max(summary.seconds - summary.evaluationSeconds, 1e-9)
        let finished = FinishedRun(experiment: try experiment.contentHash(), model: run.name, parameters: run.model.parameterCount,
                                   steps: summary.steps, batchSize: run.recipe.batchSize, seconds: summary.seconds,
                                   evaluationSeconds: summary.evaluationSeconds,
                                   finalLoss: summary.finalLoss.isFinite ? Double(summary.finalLoss) : nil,
                                   teachers: run.teachers.map(\.name), losses: run.losses.map { "\($0.name):\($0.weight)" },
                                   quality: test.quality,
                                   trainingExamplesPerSecond: Double(summary.steps * run.recipe.batchSize) / trainingSeconds,
                                   peakMegabytes: peak)
        try encoder.encode(finished).write(to: directory.appendingPathComponent("run.json"), options: .atomic)
        return TrainedRun(run: run, directory: directory, finished: finished, test: test, testSplit: split, reused: false)
    }

    /// The finished run of `experiment` in `directory`, its model loaded with the run's last
    /// weights; or, when there is none, the run trained there now (resumed when it stopped).
    public func trainOrReuse(_ experiment: Experiment, in directory: URL) throws -> TrainedRun {
        if let finished = try finishedRun(of: experiment, in: directory) {
            messages("reusing the finished run in \(directory.path)")
            let run = try BuiltRun(try resolvingTeachers(of: experiment), registry: registry)
            try run.model.loadWeights(from: directory.appendingPathComponent("last.safetensors"))
            let metricsURL = directory.appendingPathComponent("metrics.json")
            let test = try RunEvaluation.decode(from: metricsURL, family: run.model.family)
            return TrainedRun(run: run, directory: directory, finished: finished, test: test, testSplit: "test", reused: true)
        }
        let resume = FileManager.default.fileExists(atPath: directory.appendingPathComponent("last.safetensors").path)
        return try train(experiment, into: directory, resume: resume)
    }

    /// Evaluates `experiment`'s student (its weights as the experiment names them) on the test or
    /// validation split.
    public func evaluate(_ experiment: Experiment, validation: Bool = false) throws -> (RunEvaluation, split: String) {
        let run = try BuiltRun(experiment, registry: registry, forTraining: false)
        if validation && !run.data.hasValidationSplit {
            throw ExperimentError.badValue(field: "the split", value: "validation", expected: "test: this dataset has no validation split")
        }
        return try run.evaluate(validation: validation)
    }

    static func formatParameters(_ count: Int) -> String {
        count >= 1_000_000 ? String(format: "%.1fM", Double(count) / 1e6) : String(format: "%.1fK", Double(count) / 1e3)
    }
}

extension RunEvaluation {
    /// Reads a `metrics.json` written for a model of `family`.
    public static func decode(from url: URL, family: Family) throws -> RunEvaluation {
        do {
            let data = try Data(contentsOf: url)
            switch family {
            case .retrieval: return .retrieval(try JSONDecoder().decode(RetrievalEvaluation.self, from: data))
            case .classification: return .classification(try JSONDecoder().decode(ClassificationEvaluation.self, from: data))
            }
        } catch {
            throw ExperimentError.unreadableRecord(path: url.path, detail: "\(error)")
        }
    }
}

/// The process's memory, as the system reports it.
public enum ProcessMemory {
    /// `VmHWM` of this process (Linux), in MB: the peak resident memory since the last reset.
    public static func peakResidentMegabytes() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),   // absent off Linux: no reading
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kilobytes / 1024
    }

    /// Resets the peak so that the next reading covers only what follows (Linux ≥ 4.0; a no-op elsewhere).
    public static func resetPeak() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)   // best effort: an older kernel keeps the old peak
    }
}
