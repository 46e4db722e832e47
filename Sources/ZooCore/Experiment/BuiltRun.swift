// An experiment made real: the student (a registered model, or a head composed with its
// backbone), the frozen teachers, the losses, the resolved recipe and the data, all checked
// before any work starts.
import Foundation
import ZooManifest
import ZooNN
import ZooTensor

/// Everything a run trains and evaluates, built from an `Experiment`.
public struct BuiltRun {
    /// What was built.
    public let experiment: Experiment
    /// The student's registry name.
    public var name: String { experiment.student.name }
    /// The student: a registered model, or a head composed with its backbone.
    public let model: any ZooModel
    /// The experiment's recipe with the context length cut to what the text encoder accepts.
    public let recipe: TrainingRecipe
    /// The optimizer's rules in order: the backbone's multiplier, the recipe's, the method's.
    public let parameterRules: [ParameterGroupRule]
    /// The splits (videos already encoded when the image encoder is frozen).
    public let data: RunData
    /// The frozen teachers, loaded from their weights (training only).
    public private(set) var teachers: [(name: String, model: any ZooModel)] = []
    /// The distillation losses with their weights (training only).
    public private(set) var losses: [(name: String, loss: any DistillationLoss, weight: Float)] = []
    /// The student as a head over a backbone (heads only).
    public let composed: (any ComposedHeadModel)?
    /// What was composed (heads only), for the log.
    public private(set) var composition: CompositionReport?
    /// Lines for the run's log about how it was set up.
    public private(set) var notes: [String] = []

    /// Builds the run. Every teacher needs weights (`ExperimentRun` trains those without first);
    /// with `forTraining` false, teachers and losses are left out (evaluation).
    public init(_ experiment: Experiment, registry: Registry, forTraining: Bool = true) throws {
        self.experiment = experiment
        let entry = try registry.entry(experiment.student.name)
        guard entry.kind == .model || entry.kind == .head else {
            throw ExperimentError.wrongKind(name: entry.name, kind: entry.kind.rawValue,
                                            needed: "the student must be a model or a similarity head (`zoo list --kind model`, `--kind head`)")
        }
        let spec = try DataSpec(experiment.data.dataset)
        try Self.checkRunSettings(experiment, spec: spec, registry: registry)
        var recipe = experiment.recipe
        // Caption tokens: --words, else the dataset's (DiDeMo and ActivityNet: 64), else the recipe's.
        if let words = experiment.data.words ?? spec.defaultWords { recipe.contextLength = words }
        let student = try Self.buildStudent(experiment, entry: entry, spec: spec, registry: registry, contextLength: recipe.contextLength)
        let model = student.model
        self.model = model
        self.composed = student.composed
        self.composition = student.report
        if let length = model.captionLength { recipe.contextLength = Swift.min(recipe.contextLength, length) }
        self.recipe = recipe
        var rules: [ParameterGroupRule] = []
        if let composed = student.composed, recipe.backboneLearningRateMultiplier != 1 {
            rules.append(ParameterGroupRule(composed.backbonePrefix + "*", learningRateMultiplier: recipe.backboneLearningRateMultiplier))
        }
        parameterRules = rules + recipe.parameterRules + student.rules

        if forTraining {
            guard experiment.trainingRevision == Experiment.currentTrainingRevision else {
                throw ExperimentError.oldTrainingRevision(found: experiment.trainingRevision, current: Experiment.currentTrainingRevision)
            }
            try Self.checkTeachersHaveLosses(experiment)
            for teacher in experiment.teachers {
                guard let weights = teacher.weights else {
                    throw ExperimentError.badValue(field: "teacher \(teacher.name)", value: "without weights",
                                                   expected: "given weights, or trained first (`ExperimentRun` does that)")
                }
                var teacherExperiment = experiment
                teacherExperiment.student = ModelSpec(name: teacher.name, weights: weights)
                teacherExperiment.backbone = experiment.backbone.map { ModelSpec(name: $0.name) }
                teacherExperiment.recipe = try TrainingRecipe(entry: registry.entry(teacher.name))
                let model = try Self.buildStudent(teacherExperiment, entry: try registry.entry(teacher.name), spec: spec,
                                                  registry: registry, contextLength: teacherExperiment.recipe.contextLength,
                                                  isTeacher: true).model
                model.freeze()
                teachers.append((teacher.name, model))
            }
            for term in experiment.losses {
                losses.append((term.name, try registry.createLoss(term.name, overrides: try Self.overrides(term.settings, entry: term.name)), term.weight))
            }
            try Self.check(student: (experiment.student.name, model), teachers: teachers, losses: losses, taskWeight: experiment.taskWeight)
        }

        // fp16 storage starts where the official scripts convert the weights: before any video is
        // encoded (the frozen image encoder's cached features come from the converted weights).
        if forTraining, let keys = try Self.halfPrecisionKeys(recipe: recipe, composed: student.composed, name: experiment.student.name) {
            for (key, tensor) in model.namedParameters() where keys.contains(key) { HalfPrecisionStorage.round(tensor) }
        }
        let imageSize = model.frameSize ?? 32
        var loaded = try spec.loadRun(family: model.family, model: experiment.student.name, imageSize: imageSize,
                                      options: experiment.data)
        try Self.checkFeatureWidth(of: loaded, model: model, name: experiment.student.name)
        if experiment.data.freezeImageEncoder {
            guard let composed = student.composed, case let .retrieval(splits, tokenizer) = loaded else {
                throw ExperimentError.notAHead(option: "freezing the image encoder", name: experiment.student.name)
            }
            let frozen = composed.freezeImageEncoder()
            let started = Date()
            func encoded(_ source: any RetrievalSource) throws -> any RetrievalSource {
                try EncodedVideoSource(base: source, encoder: composed.backbone)
            }
            // A training split that failed to open stays failed; evaluation does not need it.
            var cached = DataSplits(train: splits.train.flatMap { source in Result { try encoded(source) } },
                                    validation: try splits.validation.map(encoded), test: try encoded(splits.test))
            cached.skippedVideoLogs = splits.skippedVideoLogs
            loaded = .retrieval(cached, tokenizer)
            notes.append(String(format: "froze the image encoder (%d tensors, %@); every video encoded once by it in %.1f s",
                                frozen.count, frozen.pattern, Date().timeIntervalSince(started)))
        }
        data = loaded
    }

    /// The experiment's student alone, with its weights, and the caption length it reads; no data
    /// is opened and nothing trains (indexing and search).
    public static func studentModel(_ experiment: Experiment, registry: Registry) throws -> (model: any ZooModel, contextLength: Int) {
        let entry = try registry.entry(experiment.student.name)
        guard entry.kind == .model || entry.kind == .head else {
            throw ExperimentError.wrongKind(name: entry.name, kind: entry.kind.rawValue,
                                            needed: "a model or a similarity head (`zoo list --kind model`, `--kind head`)")
        }
        let spec = try DataSpec(experiment.data.dataset)
        var contextLength = experiment.data.words ?? spec.defaultWords ?? experiment.recipe.contextLength
        let student = try buildStudent(experiment, entry: entry, spec: spec, registry: registry, contextLength: contextLength)
        if let length = student.model.captionLength { contextLength = Swift.min(contextLength, length) }
        return (student.model, contextLength)
    }

    /// A student (or teacher) as built: the model, the composition when it is a head over a
    /// backbone, and the method's own parameter rules.
    struct BuiltStudent {
        var model: any ZooModel
        var composed: (any ComposedHeadModel)?
        var report: CompositionReport?
        var rules: [ParameterGroupRule]
    }

    /// The student (or a teacher) under the experiment's seed.
    private static func buildStudent(_ experiment: Experiment, entry: ManifestEntry, spec: DataSpec, registry: Registry,
                                     contextLength: Int, isTeacher: Bool = false) throws -> BuiltStudent {
        let student = experiment.student
        let overrides = try Self.overrides(student.settings, entry: student.name)
        return try GlobalRandom.withSeed(experiment.seed) {
            if entry.kind == .head {
                let dataFrames = experiment.data.frames ?? spec.defaultFrames
                let sizes = try registry.config(for: student.name)
                var extra: [JSONNode.Member] = []
                if sizes.has("frames"), let dataFrames { extra.append(.init(key: "frames", value: .number(dataFrames))) }
                if sizes.has("words") { extra.append(.init(key: "words", value: .number(contextLength))) }
                let headOverrides = try ModelConfig.merge(.object(members: extra), overrides, entry: student.name, allowingNewKeys: true)
                let backbone = try experiment.backbone
                    ?? ModelSpec(name: Experiment.defaultBackbone(forHead: student.name, dataset: spec, registry: registry))
                let (composed, report) = try registry.composedModel(
                    head: student.name, backbone: backbone.name, headOverrides: headOverrides,
                    backboneWeights: isTeacher ? nil : backbone.weights.map { URL(fileURLWithPath: $0) })
                if let weights = student.weights { try composed.loadWeights(from: URL(fileURLWithPath: weights)) }
                let rules = try registry.parameterRules(for: student.name, config: try registry.config(for: student.name, overrides: headOverrides))
                return BuiltStudent(model: composed, composed: composed, report: report, rules: rules)
            }
            let module = try student.weights.map { try registry.createFromWeights(student.name, weights: URL(fileURLWithPath: $0), overrides: overrides) }
                ?? registry.create(student.name, overrides: overrides)
            guard let model = module as? any ZooModel else {
                throw ZooError.wrongKind(name: student.name, expected: "model", actual: entry.kind.rawValue)
            }
            return BuiltStudent(model: model, composed: nil, report: nil,
                                rules: try registry.parameterRules(for: student.name, config: try registry.config(for: student.name, overrides: overrides)))
        }
    }

    /// Refuses settings that cannot mean what they say: a `--set` of a run setting the method does
    /// not read (the recipe, data and backbone have their own fields), and frame counts past
    /// what the data can hold (synthvtt renders every frame: 64 at most; 256 elsewhere).
    static func checkRunSettings(_ experiment: Experiment, spec: DataSpec, registry: Registry) throws {
        let effective = try registry.effectiveConfiguration(for: experiment.student.name)
        for key in experiment.student.settings.keys.sorted() where runLevelConfigKeys.contains(key) && effective?[key] == nil {
            throw ExperimentError.badValue(field: "the setting \(key)", value: "(--set \(key)=…)",
                                           expected: "a key of \(experiment.student.name)'s configuration; \(key) is a run setting: use --lr, --epochs, --batch-size, --optimizer, --data or --backbone")
        }
        if let frames = experiment.data.frames {
            let limit = spec == .synthvtt ? 64 : 256
            guard (1...limit).contains(frames) else {
                throw ExperimentError.badValue(field: "frames per video", value: "\(frames)", expected: "between 1 and \(limit) for \(spec.kind)")
            }
        }
    }

    /// A teacher is only read by distillation losses: one without any would be ignored.
    static func checkTeachersHaveLosses(_ experiment: Experiment) throws {
        if let teacher = experiment.teachers.first, experiment.losses.isEmpty {
            throw ZooError.incompatibleCombination([
                "the teacher \(teacher.name) would have no effect without a distillation loss: add --distill LOSS[:WEIGHT] (`zoo list --kind loss`)",
            ])
        }
    }

    /// Precomputed frame features must be as wide as the model reads them.
    static func checkFeatureWidth(of data: RunData, model: any ZooModel, name: String) throws {
        guard case let .retrieval(splits, _) = data, let width = model.frameFeatureWidth, splits.test.videoCount > 0 else { return }
        let first = try splits.test.video(0)
        guard first.kind == .features, let found = first.values.shape.last, found != width else { return }
        throw ExperimentError.badValue(field: "the frame features of \(splits.test.name)", value: "\(found) wide",
                                       expected: "\(width) wide, the width \(name) reads (extract them with the same encoder as the backbone)")
    }

    /// Builds `experiment`'s student, its teachers (freshly initialised when they have no weights
    /// yet) and its losses, and throws every reason the combination cannot train; loads no data.
    public static func check(_ experiment: Experiment, registry: Registry) throws {
        let entry = try registry.entry(experiment.student.name)
        guard entry.kind == .model || entry.kind == .head else {
            throw ExperimentError.wrongKind(name: entry.name, kind: entry.kind.rawValue,
                                            needed: "the student must be a model or a similarity head (`zoo list --kind model`, `--kind head`)")
        }
        let spec = try DataSpec(experiment.data.dataset)
        let model = try buildStudent(experiment, entry: entry, spec: spec, registry: registry,
                                     contextLength: experiment.recipe.contextLength).model
        if model.family != spec.family {
            throw ExperimentError.dataFamilyMismatch(dataset: "\(spec)", dataFamily: spec.family, model: entry.name, modelFamily: model.family)
        }
        var teachers: [(name: String, model: any ZooModel)] = []
        for teacher in experiment.teachers {
            var alone = experiment
            alone.student = ModelSpec(name: teacher.name, weights: teacher.weights)
            alone.recipe = try TrainingRecipe(entry: registry.entry(teacher.name))
            let model = try buildStudent(alone, entry: try registry.entry(teacher.name), spec: spec, registry: registry,
                                         contextLength: alone.recipe.contextLength, isTeacher: true).model
            teachers.append((teacher.name, model))
        }
        let losses = try experiment.losses.map { term in
            (name: term.name, loss: try registry.createLoss(term.name, overrides: try overrides(term.settings, entry: term.name)), weight: term.weight)
        }
        try check(student: (entry.name, model), teachers: teachers, losses: losses, taskWeight: experiment.taskWeight)
    }

    /// `--set`-style settings as a JSON object of overrides (values parse as JSON when they can).
    static func overrides(_ settings: [String: String], entry: String) throws -> JSONNode {
        let arguments = settings.keys.sorted().map { "\($0)=\(settings[$0]!)" }
        return try ConfigOverrides(arguments: arguments).overrides()
    }

    /// Throws every reason the combination cannot train, checked against each teacher.
    static func check(student: (name: String, model: any ZooModel), teachers: [(name: String, model: any ZooModel)],
                      losses: [(name: String, loss: any DistillationLoss, weight: Float)], taskWeight: Float) throws {
        var combination = Combination(studentName: student.name, student: student.model, teacherName: teachers.first?.name,
                                      teacher: teachers.first?.model, losses: losses, taskWeight: taskWeight)
        var problems = combination.problems()
        for (name, teacher) in teachers.dropFirst() {
            combination.teacherName = name
            combination.teacher = teacher
            problems += combination.problems().filter { !problems.contains($0) }
        }
        if teachers.count > 1, let memory = losses.first(where: { $0.loss.trainingSetAware != nil }) {
            problems.append("\(memory.name) keeps memory banks for one teacher; train with a single --teacher")
        }
        if !problems.isEmpty { throw ZooError.incompatibleCombination(problems) }
    }

    /// The trainer of this run over its training split (which must have opened).
    public func trainer() throws -> Trainer {
        let trainer = Trainer(modelName: name, model: model, teachers: teachers.map(\.model), losses: losses,
                              taskWeight: experiment.taskWeight, recipe: recipe, seed: experiment.seed,
                              data: try data.trainBatcher(contextLength: recipe.contextLength))
        trainer.parameterRules = parameterRules
        if let keys = try Self.halfPrecisionKeys(recipe: recipe, composed: composed, name: name) {
            trainer.halfPrecision = HalfPrecisionStorage(keys: keys)
        }
        return trainer
    }

    /// The model's metrics on the test split, or on the validation split (the test split when
    /// the dataset has none).
    public func evaluate(validation: Bool = false) throws -> (RunEvaluation, split: String) {
        try data.evaluate(model, name: name, validation: validation, contextLength: recipe.contextLength,
                          normalizations: experiment.data.queryNormalizations ?? [])
    }
}

extension BuiltRun {
    /// The model keys a float16 recipe stores at fp16 (the CLIP backbone's converted weights under
    /// its prefix), nil for float32; an error for a model without such a backbone.
    static func halfPrecisionKeys(recipe: TrainingRecipe, composed: (any ComposedHeadModel)?, name: String) throws -> Set<String>? {
        guard recipe.weightPrecision == .float16 else { return nil }
        guard let composed, let keys = composed.backbone.halfPrecisionParameterKeys else {
            throw ExperimentError.badValue(field: "the weight precision", value: "float16",
                                           expected: "float32 for \(name): float16 storage reproduces the official fp16 training of a head's contrastive backbone, and \(name) has none that converts")
        }
        return Set(keys.map { composed.backbonePrefix + $0 })
    }
}

extension Module {
    /// Stops training every parameter (a frozen teacher).
    public func freeze() { _ = freeze(matching: "*") }
}
