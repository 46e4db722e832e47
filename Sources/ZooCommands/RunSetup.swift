// What `zoo train` and `zoo eval` share: the model (a registered model, or a head composed with
// a backbone), its recipe, the data, and for training the teachers and the distillation
// losses, all checked before any work starts.
import Foundation
import ZooCommandLine
import ZooCore
import ZooData
import ZooManifest
import ZooNN
import ZooTensor

struct RunSetup {
    let modelName: String
    let model: any ZooModel
    let recipe: TrainingRecipe
    let data: RunData
    var teachers: [(name: String, model: any ZooModel)] = []
    var losses: [(name: String, loss: any DistillationLoss, weight: Float)] = []
    var taskWeight: Float = 1
    /// What was composed (heads only), for the log.
    var composition: CompositionReport?
    /// Lines for the run's log about how it was set up.
    var notes: [String] = []

    var trainBatcher: any BatchSource { data.trainBatcher(contextLength: recipe.contextLength) }

    /// Builds everything from the command line. `teacherWeights` maps teacher names to trained
    /// checkpoints when `zoo train` trained them first.
    init(arguments: ParsedArguments, registry: Registry, forTraining: Bool, weights: String? = nil,
         modelName explicitName: String? = nil, teacherWeights: [String: String] = [:]) throws {
        let modelName = (explicitName ?? arguments.positionals[0]).lowercased()
        self.modelName = modelName
        let entry = try registry.entry(modelName)
        guard entry.kind == .model || entry.kind == .head else {
            throw RuntimeError("\(modelName) is a \(entry.kind.rawValue); `zoo \(forTraining ? "train" : "eval")` needs a model or a similarity head (`zoo list --kind model`, `zoo list --kind head`)")
        }
        let isMain = explicitName == nil
        let distill = isMain ? arguments.values("distill").map(Self.parseDistill) : []
        let lossNames = Set(try distill.map { try $0.get().name })
        let overrides = try ConfigOverrides(arguments: isMain ? arguments.values("set") : [], components: lossNames)
        var recipe = try RecipeFlags.recipe(for: entry, registry: registry, arguments: arguments)
        if let weight = arguments.value("task-weight"), isMain {
            guard let value = Float(weight), value >= 0 else { throw UsageError("--task-weight must be a number ≥ 0, got \"\(weight)\"") }
            taskWeight = value
        }

        // The data decides the default backbone (clip-tiny for synthvtt) and the frame count.
        let spec = try DataSpec(arguments.value("data") ?? Self.defaultData(for: entry))
        let frames = try arguments.value("frames").map { try Self.positive($0, "--frames") }
        let modelWeights = isMain ? (weights ?? arguments.value("init")) : weights
        var compositionReport: CompositionReport?
        let built: any ZooModel = try GlobalRandom.withSeed(recipe.seed) {
            if entry.kind == .head {
                let backbone = arguments.value("backbone") ?? (spec == .synthvtt ? "clip-tiny" : nil)
                var headOverrides = overrides.overrides()
                let dataFrames = frames ?? spec.defaultFrames
                let sizes = try registry.config(for: modelName)
                var extra: [JSONNode.Member] = []
                if sizes.has("frames"), let dataFrames { extra.append(.init(key: "frames", value: .number(dataFrames))) }
                if sizes.has("words") { extra.append(.init(key: "words", value: .number(recipe.contextLength))) }
                headOverrides = try ModelConfig.merge(.object(members: extra), headOverrides, entry: modelName, allowingNewKeys: true)
                let (composed, report) = try registry.composedModel(
                    head: modelName, backbone: backbone, headOverrides: headOverrides,
                    backboneWeights: (isMain ? arguments.value("backbone-weights") : nil).map { URL(fileURLWithPath: $0) })
                compositionReport = report
                if let modelWeights { try composed.loadWeights(from: URL(fileURLWithPath: modelWeights)) }
                return composed
            }
            let module = try modelWeights.map { try registry.createFromWeights(modelName, weights: URL(fileURLWithPath: $0), overrides: overrides.overrides()) }
                ?? registry.create(modelName, overrides: overrides.overrides())
            guard let model = module as? any ZooModel else { throw ZooError.wrongKind(name: modelName, expected: "model", actual: entry.kind.rawValue) }
            return model
        }
        self.model = built
        self.composition = compositionReport
        if let text = built as? any TextEncoder { recipe.contextLength = Swift.min(recipe.contextLength, text.contextLength) }
        if let composed = built as? ComposedRetrievalModel {
            recipe.contextLength = Swift.min(recipe.contextLength, composed.backbone.contextLength)
        }
        self.recipe = recipe

        // Teachers and losses, checked before anything trains.
        if forTraining && isMain {
            let names = arguments.values("teacher").map { $0.lowercased() }
            for name in names {
                guard let checkpoint = teacherWeights[name] else {
                    throw UsageError("--teacher \(name) has no weights: give --teacher-weights CKPT (one per --teacher, in order)")
                }
                let teacher = try RunSetup(arguments: arguments, registry: registry, forTraining: false, weights: checkpoint,
                                           modelName: name).model
                teacher.freeze()
                teachers.append((name, teacher))
            }
            for parsed in distill {
                let (name, weight) = try parsed.get()
                losses.append((name, try registry.createLoss(name, overrides: overrides.overrides(for: name)), weight))
            }
            var combination = Combination(studentName: modelName, student: built, teacherName: teachers.first?.name,
                                          teacher: teachers.first?.model, losses: losses, taskWeight: taskWeight)
            var problems = combination.problems()
            for (name, teacher) in teachers.dropFirst() {
                combination.teacherName = name
                combination.teacher = teacher
                problems += combination.problems().filter { !problems.contains($0) }
            }
            if teachers.count > 1, let memory = losses.first(where: { $0.loss is any TrainingSetAwareLoss }) {
                problems.append("\(memory.name) keeps memory banks for one teacher; train with a single --teacher")
            }
            if !problems.isEmpty { throw ZooError.incompatibleCombination(problems) }
        }

        let imageSize = (built as? any VideoEncoder)?.imageSize ?? (built as? ComposedRetrievalModel)?.backbone.imageSize ?? 32
        var loaded = try spec.loadRun(family: built.family, imageSize: imageSize, frames: frames, arguments: arguments)
        if isMain && arguments.flag("freeze-visual") {
            guard let composed = built as? ComposedRetrievalModel, case let .retrieval(splits, tokenizer) = loaded else {
                throw UsageError("--freeze-visual applies to a head over a CLIP backbone (clip4clip-*, xclip, teachclip)")
            }
            let frozen = composed.freeze(matching: "clip.visual.*")
            let started = Date()
            func encoded(_ source: any RetrievalSource) throws -> any RetrievalSource {
                try EncodedVideoSource(base: source, encoder: composed.backbone)
            }
            let cached = DataSplits(train: try encoded(splits.train), validation: try splits.validation.map(encoded), test: try encoded(splits.test))
            loaded = .retrieval(cached, tokenizer)
            notes.append(String(format: "froze the image encoder (%d tensors, clip.visual.*); every video encoded once by it in %.1f s",
                                frozen, Date().timeIntervalSince(started)))
        }
        data = loaded
    }

    /// The dataset a model trains on when `--data` is not given: the entry's `data` setting, else
    /// synthvtt for retrieval and digits for classification.
    static func defaultData(for entry: ManifestEntry) -> String {
        if let data = entry.config["data"]?.stringValue { return data }
        return entry.families.first == .classification ? "digits" : "synthvtt"
    }

    /// Arguments that train `name` with its own recipe (a teacher trained first, a pretrained
    /// backbone): only the data, data-path, frame and seed flags carry over, plus `keeping`;
    /// `setting` then sets options of its own (`["seed": "1"]`).
    static func ownRecipeArguments(for name: String, from arguments: ParsedArguments, keeping: [String] = [],
                                   setting: [String: String] = [:]) -> ParsedArguments {
        var values: [String: [String]] = [:]
        for flag in ["data", "seed", "frames"] + DataPathFlags.options.map(\.name) + keeping {
            if let value = arguments.value(flag) { values[flag] = [value] }
        }
        for (flag, value) in setting { values[flag] = [value] }
        return ParsedArguments(positionals: [name], values: values)
    }

    static func parseDistill(_ text: String) -> Result<(name: String, weight: Float), Error> {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard let name = parts.first, !name.isEmpty else { return .failure(UsageError("--distill needs NAME[:WEIGHT], got \"\(text)\"")) }
        guard parts.count == 2 else { return .success((name.lowercased(), 1)) }
        guard let weight = Float(parts[1]), weight >= 0 else {
            return .failure(UsageError("--distill \(text): the weight must be a number ≥ 0"))
        }
        return .success((name.lowercased(), weight))
    }

    static func positive(_ text: String, _ flag: String) throws -> Int {
        guard let value = Int(text), value > 0 else { throw UsageError("\(flag) must be a positive integer, got \"\(text)\"") }
        return value
    }

    static func retrievalModel(_ model: any ZooModel, name: String) throws -> any RetrievalModel {
        guard let retrieval = model as? any RetrievalModel else {
            throw RuntimeError("\(name) cannot be evaluated for retrieval: it does not encode captions and videos separately")
        }
        return retrieval
    }
}

extension Module {
    /// Stops training every parameter (a frozen teacher).
    func freeze() { _ = freeze(matching: "*") }
}
