// The generic training loop: student forward, optional frozen teacher, task loss plus weighted
// distillation losses, backward, optimizer step, log, evaluate, checkpoint — resumable exactly.
// Gradient accumulation follows CLIP4Clip's train_epoch (loss / N per micro-batch, one step per N).
// Deviation: an epoch whose micro-batches do not divide by N drops its last incomplete group,
// where the official loop leaves those gradients to be added into the next epoch's first step.
import Foundation
import ZooNN
import ZooTensor

/// Why training stopped early.
public enum TrainingError: Error, CustomStringConvertible {
    case nonFiniteLoss(step: Int, parts: [String: Float], checkpoint: String?)
    case outputExists(String)
    case nothingToResume(String)
    case emptyData(String, batchSize: Int)
    case noTrainingSetDescription(loss: String, data: String)
    /// `gradientAccumulation` larger than the batch: a micro-batch would be empty.
    case accumulationExceedsBatch(batchSize: Int, steps: Int)
    /// More steps planned than `Trainer.maximumSteps`.
    case tooManySteps(Int, epochs: Int?)
    /// Stopped on request (Ctrl-C) after `step`, with the run's state in `checkpoint`.
    case interrupted(step: Int, total: Int, checkpoint: String?)

    public var description: String {
        switch self {
        case let .nonFiniteLoss(step, parts, checkpoint):
            let detail = parts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return "the loss became non-finite at step \(step) (\(detail)); training stopped. "
                + (checkpoint.map { "The last good checkpoint is kept at \($0). " } ?? "")
                + "Lower the learning rate (--lr) or check the inputs."
        case let .outputExists(path):
            return "\(path) already holds a run. Pass --resume to continue it, or choose another --out."
        case let .nothingToResume(path):
            return "--resume found no checkpoint at \(path). Start without --resume, or point --out at the run to continue."
        case let .emptyData(name, batchSize):
            return "\(name) has fewer examples than one batch of \(batchSize). Lower --batch-size."
        case let .noTrainingSetDescription(loss, data):
            return "\(loss) keeps a memory row per training example, but \(data) does not describe its examples. Train on a dataset split (synthvtt, msrvtt, features, digits, synthfine)."
        case let .accumulationExceedsBatch(batchSize, steps):
            return "gradient accumulation over \(steps) micro-batches needs a batch of at least \(steps) examples, not \(batchSize); "
                + "raise --batch-size or lower --gradient-accumulation"
        case let .tooManySteps(steps, epochs):
            let planned = steps == Int.max ? "more than 9.2e18 steps" : "\(steps) steps"
            return "the run plans \(planned)\(epochs.map { " (\($0) epochs)" } ?? ""), more than the \(Trainer.maximumSteps) a run may take; "
                + "lower --steps or --epochs"
        case let .interrupted(step, total, checkpoint):
            return "interrupted after step \(step) of \(total). "
                + (checkpoint.map { "The run's state is saved in \($0): the same `zoo train` command with --resume (or the same `zoo compare`) continues exactly where it stopped." }
                   ?? "Nothing was saved (the trainer had no output directory).")
        }
    }
}

/// What a finished run reports.
public struct TrainingSummary {
    public var steps: Int
    public var finalLoss: Float
    public var seconds: Double
    /// Of `seconds`, the time spent evaluating (so training throughput can leave it out).
    public var evaluationSeconds: Double = 0
    public var bestMetric: Double?
    public var lastEvaluation: [String: Any]?
    public var checkpointDirectory: URL?
}

public final class Trainer {
    public let modelName: String
    public let model: any ZooModel
    /// Frozen teachers; each distillation loss is averaged over them (TeachCLIP's several teachers).
    public let teachers: [any ZooModel]
    public var teacher: (any ZooModel)? { teachers.first }
    public let losses: [(name: String, loss: any DistillationLoss, weight: Float)]
    public let taskWeight: Float
    public let recipe: TrainingRecipe
    /// Seed of the data order, dropout and any loss state.
    public let seed: UInt64
    /// The parameter rules the optimizer applies, in order (`BuiltRun.parameterRules`: the
    /// backbone's multiplier, the recipe's rules, the method's own); nil: the recipe's alone.
    public var parameterRules: [ParameterGroupRule]?
    public let data: any BatchSource
    /// Evaluates the model: the number that picks the best checkpoint (higher is better) and a JSON object.
    public var evaluate: ((any ZooModel) throws -> (primary: Double, report: [String: Any]))?
    /// Where `last.safetensors`, `best.safetensors` and `log.jsonl` go; nil keeps nothing on disk.
    public var outputDirectory: URL?
    /// Stop (with a checkpoint) after this many steps of the planned total: an interruption.
    public var stopAfter: Int?
    /// Parameters kept at fp16 resolution after every update (the recipe's `weightPrecision`
    /// float16 over a CLIP backbone; `BuiltRun` fills it); nil keeps everything fp32.
    public var halfPrecision: HalfPrecisionStorage?
    /// Asked after every step; `true` stops the run there with a checkpoint and throws
    /// `TrainingError.interrupted` (Ctrl-C: `InterruptRequest.isRequested`).
    public var shouldStop: (() -> Bool)?
    public var progress: ProgressReporter?

    public init(modelName: String, model: any ZooModel, teacher: (any ZooModel)? = nil, teachers: [any ZooModel] = [],
                losses: [(name: String, loss: any DistillationLoss, weight: Float)] = [], taskWeight: Float = 1,
                recipe: TrainingRecipe, seed: UInt64 = 0, data: any BatchSource) {
        self.modelName = modelName
        self.model = model
        self.teachers = (teacher.map { [$0] } ?? []) + teachers
        self.losses = losses
        self.taskWeight = taskWeight
        self.recipe = recipe
        self.seed = seed
        self.data = data
    }

    /// Total optimizer steps the schedule is planned over.
    public var plannedSteps: Int {
        recipe.steps ?? MemoryBudget.product(recipe.epochs, stepsPerEpoch)   // saturating
    }

    /// Optimizer steps in one epoch: whole groups of `accumulation` micro-batches of
    /// `microBatchSize` (one batch of `batchSize` without accumulation).
    public var stepsPerEpoch: Int { data.batchesPerEpoch(batchSize: recipe.microBatchSize) / recipe.accumulationSteps }

    /// The most optimizer steps a run may plan: a billion (years at the zoo's speeds). More is a
    /// typo or an overflow, refused before the first step rather than run "forever".
    public static let maximumSteps = 1_000_000_000

    /// Trains from scratch, or continues `last.safetensors` in the output directory when `resume`.
    public func run(resume: Bool = false) throws -> TrainingSummary {
        let accumulation = recipe.accumulationSteps
        guard recipe.microBatchSize >= 1 else { throw TrainingError.accumulationExceedsBatch(batchSize: recipe.batchSize, steps: accumulation) }
        let batchesPerEpoch = stepsPerEpoch
        guard batchesPerEpoch > 0 else { throw TrainingError.emptyData(data.name, batchSize: recipe.batchSize) }
        let total = plannedSteps
        guard total <= Self.maximumSteps else { throw TrainingError.tooManySteps(total, epochs: recipe.steps == nil ? recipe.epochs : nil) }
        try prepareLosses()
        let optimizer = recipe.makeOptimizer(for: [("", model)] + losses.map { ("loss.\($0.name).", $0.loss) },
                                             rules: parameterRules ?? recipe.parameterRules)
        let lossModules = losses.map { ($0.name, $0.loss as Module) }
        if let halfPrecision {   // convert_weights: every converted weight, trained or frozen, starts at fp16
            for (key, tensor) in model.namedParameters() where halfPrecision.keys.contains(key) { HalfPrecisionStorage.round(tensor) }
        }
        teachers.forEach { $0.eval() }
        var state = TrainerState(model: modelName, step: 0, totalSteps: total, epoch: 0, batchInEpoch: 0,
                                 randomState: RandomGenerator(seed: seed ^ 0xD1B5_4A32_D192_ED03).stateStrings,
                                 bestMetric: nil, bestStep: nil, recipe: recipe, seed: seed)
        let lastURL = outputDirectory?.appendingPathComponent("last.safetensors")
        if let lastURL {
            try FileManager.default.createDirectory(at: outputDirectory!, withIntermediateDirectories: true)
            let exists = FileManager.default.fileExists(atPath: lastURL.path)
            if resume {
                guard exists else { throw TrainingError.nothingToResume(lastURL.path) }
                state = try TrainingCheckpoint.load(from: lastURL, model: model, optimizer: optimizer, losses: lossModules)
                guard state.model == modelName, state.recipe == recipe, state.seed == seed, state.totalSteps == total else {
                    let sameRecipe = state.recipe == recipe ? "" : ", another recipe"
                    throw CheckpointError.differentRun(lastURL.lastPathComponent, expected: "\(modelName), seed \(seed), \(total) steps",
                                                       found: "\(state.model), seed \(state.seed), \(state.totalSteps) steps\(sameRecipe)")
                }
                try progress?.truncate(afterStep: state.step)
                Self.removeLeftoverTemporaryFiles(in: outputDirectory!)
                progress?.note(state.step >= total
                    ? "nothing to resume: \(modelName) finished all \(total) steps; its last checkpoint is evaluated again"
                    : "resuming \(modelName) at step \(state.step) of \(total)")
            } else if exists {
                throw TrainingError.outputExists(outputDirectory!.path)
            }
        } else if resume {
            throw TrainingError.nothingToResume("(no output directory)")
        }
        var generator = RandomGenerator(stateStrings: state.randomState) ?? RandomGenerator(seed: seed)
        let started = Date()
        var lastLoss: Float = .nan
        var lastEvaluation: [String: Any]?
        var evaluationSeconds = 0.0
        let stopAt = Swift.min(total, stopAfter ?? total)
        model.train()

        while state.step < stopAt {
            let batchStart = Date()
            optimizer.zeroGrad()
            // CLIP4Clip's --gradient_accumulation_steps (train_epoch): `accumulation` micro-batches
            // of batchSize / accumulation, each loss divided by `accumulation` and backpropagated,
            // then one optimizer step. In-batch negatives come from the micro-batch, as there.
            var stepLoss: Float = 0
            var parts: [String: Float] = [:]
            for micro in 0..<accumulation {
                let batch = try data.batch(epoch: state.epoch, index: state.batchInEpoch * accumulation + micro,
                                           batchSize: recipe.microBatchSize, seed: seed)
                let (loss, microParts) = try GlobalRandom.$stream.withValue(GlobalRandom.Stream(seed: 0)) { () throws -> (Tensor, [String: Float]) in
                    GlobalRandom.stream.generator = generator
                    defer { generator = GlobalRandom.stream.generator }
                    return try lossOfBatch(batch)
                }
                guard loss.item.isFinite else {
                    let kept = lastURL.flatMap { FileManager.default.fileExists(atPath: $0.path) ? $0.path : nil }
                    throw TrainingError.nonFiniteLoss(step: state.step + 1, parts: microParts, checkpoint: kept)
                }
                if accumulation == 1 {
                    loss.backward()
                    (stepLoss, parts) = (loss.item, microParts)
                } else {
                    (loss / Float(accumulation)).backward()
                    stepLoss += loss.item / Float(accumulation)
                    for (name, value) in microParts { parts[name, default: 0] += value / Float(accumulation) }
                }
            }
            let loss = Tensor(scalar: stepLoss)
            // The one place where gradients are clipped and the schedule is applied, for every
            // optimizer (evaluated at the step count before this step, as the official code does).
            let scheduled = recipe.schedule.multiplier(step: state.step, totalSteps: total)
            recipe.gradientClipping.apply(to: optimizer.parameters)
            noGrad { optimizer.step(scheduleMultiplier: scheduled) }
            halfPrecision?.apply(to: optimizer.parameters, optimizerState: optimizer.state())
            model.didUpdateParameters()

            state.step += 1
            state.batchInEpoch += 1
            if state.batchInEpoch == batchesPerEpoch { state.epoch += 1; state.batchInEpoch = 0 }
            lastLoss = loss.item
            let rate = Double(recipe.batchSize) / Date().timeIntervalSince(batchStart)
            try progress?.record(["step": state.step, "epoch": state.epoch, "loss": Double(lastLoss),
                              "parts": parts.mapValues(Double.init), "lr": Double(recipe.learningRate * scheduled),
                              "examples_per_second": rate])
            progress?.step(state.step, of: total, loss: lastLoss, examplesPerSecond: rate)

            let endOfEpoch = state.batchInEpoch == 0
            let evaluateNow = evaluate != nil && (state.step == total
                || (recipe.evaluateEvery > 0 && state.step % recipe.evaluateEvery == 0))
            if evaluateNow, let evaluate {
                let evaluationStart = Date()
                defer { evaluationSeconds += Date().timeIntervalSince(evaluationStart) }
                let (primary, report) = try evaluate(model)
                model.train()
                lastEvaluation = report
                try progress?.record(["step": state.step, "evaluation": report])
                progress?.note("step \(state.step): \(report["summary"] as? String ?? "primary \(primary)")")
                if state.bestMetric.map({ primary > $0 }) ?? true {
                    state.bestMetric = primary
                    state.bestStep = state.step
                    if let directory = outputDirectory {
                        state.randomState = generator.stateStrings
                        try TrainingCheckpoint.save(to: directory.appendingPathComponent("best.safetensors"), state: state,
                                                    model: model, optimizer: optimizer, losses: lossModules)
                    }
                }
            }
            let stopping = state.step < stopAt && (shouldStop?() ?? false)
            if let lastURL, endOfEpoch || state.step == stopAt || stopping {
                state.randomState = generator.stateStrings
                try TrainingCheckpoint.save(to: lastURL, state: state, model: model, optimizer: optimizer, losses: lossModules)
            }
            if stopping {
                throw TrainingError.interrupted(step: state.step, total: total, checkpoint: lastURL?.path)
            }
        }
        return TrainingSummary(steps: state.step, finalLoss: lastLoss, seconds: Date().timeIntervalSince(started),
                               evaluationSeconds: evaluationSeconds,
                               bestMetric: state.bestMetric, lastEvaluation: lastEvaluation, checkpointDirectory: outputDirectory)
    }

    /// Removes the `.NAME.tmp-*` files an interrupted checkpoint write left behind (the run folder
    /// is locked, so no other writer can own them).
    static func removeLeftoverTemporaryFiles(in directory: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []   // an unreadable folder fails the resume next
        for name in names where name.hasPrefix(".") && name.contains(".tmp-") {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))   // best effort: a leftover costs disk, not correctness
        }
    }

    /// Shows losses with per-example memory the training set and both models' outputs on the
    /// first batch (eval mode, no gradients, its own random stream: the run's numbers do not move).
    func prepareLosses() throws {
        let aware = losses.compactMap { entry in entry.loss.trainingSetAware.map { (entry.name, $0) } }
        guard !aware.isEmpty else { return }
        let batch = try data.batch(epoch: 0, index: 0, batchSize: recipe.batchSize, seed: seed)
        model.eval()
        defer { model.train() }
        let (studentOutputs, teacherOutputs) = try GlobalRandom.withSeed(seed) {
            try noGrad { (try model.forward(batch), try teacher.map { try $0.forward(batch) } ?? Outputs()) }
        }
        for (name, loss) in aware {
            guard let trainingSet = data.trainingSet else { throw TrainingError.noTrainingSetDescription(loss: name, data: data.name) }
            try loss.prepare(for: trainingSet, student: studentOutputs, teacher: teacherOutputs)
        }
    }

    /// Task loss plus weighted distillation losses for one batch, with the parts by name.
    func lossOfBatch(_ batch: Batch) throws -> (Tensor, [String: Float]) {
        let outputs = try model.forward(batch)
        let task = try model.taskLoss(outputs, batch: batch)
        var total = task * taskWeight
        var parts = ["task": task.item]
        guard !teachers.isEmpty, !losses.isEmpty else { return (total, parts) }
        let teacherOutputs = try teachers.map { teacher in try noGrad { try teacher.forward(batch) } }
        for (name, loss, weight) in losses {
            var value = try loss.loss(student: outputs, teacher: teacherOutputs[0], batch: batch)
            for other in teacherOutputs.dropFirst() { value = value + (try loss.loss(student: outputs, teacher: other, batch: batch)) }
            if teacherOutputs.count > 1 { value = value / Float(teacherOutputs.count) }
            parts[name] = value.item
            total = total + value * weight
        }
        return (total, parts)
    }
}
