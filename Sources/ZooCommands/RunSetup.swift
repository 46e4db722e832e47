// What `zoo train` and `zoo eval` share: the model, its recipe, the data, and for training the
// teacher and the distillation losses, all checked before any work starts.
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
    let splits: DataSplits
    let tokenizer: CLIPTokenizer
    var teacher: (any ZooModel)?
    var losses: [(name: String, loss: any DistillationLoss, weight: Float)] = []
    var taskWeight: Float = 1

    var trainBatcher: RetrievalBatcher { batcher(for: splits.train) }

    func batcher(for source: any RetrievalSource) -> RetrievalBatcher {
        RetrievalBatcher(source: source, tokenizer: tokenizer, contextLength: recipe.contextLength)
    }

    init(arguments: ParsedArguments, registry: Registry, forTraining: Bool, weights: String? = nil) throws {
        let modelName = arguments.positionals[0].lowercased()
        self.modelName = modelName
        let entry = try registry.entry(modelName)
        guard entry.kind == .model else {
            throw RuntimeError("\(modelName) is a \(entry.kind.rawValue); `zoo \(forTraining ? "train" : "eval")` needs a model (`zoo list --kind model`)")
        }
        let distill = arguments.values("distill").map(Self.parseDistill)
        let lossNames = Set(try distill.map { try $0.get().name })
        let overrides = try ConfigOverrides(arguments: arguments.values("set"), components: lossNames)

        // The recipe: CLIP4Clip's, with the flags over it.
        var recipe = TrainingRecipe.clip4clip
        if let epochs = arguments.value("epochs") { recipe.epochs = try Self.positive(epochs, "--epochs") }
        if let steps = arguments.value("steps") { recipe.steps = try Self.positive(steps, "--steps") }
        if arguments.value("epochs") != nil && arguments.value("steps") != nil { throw UsageError("give --epochs or --steps, not both") }
        if let size = arguments.value("batch-size") { recipe.batchSize = try Self.positive(size, "--batch-size") }
        if let lr = arguments.value("lr") {
            guard let value = Float(lr), value > 0, value.isFinite else { throw UsageError("--lr must be a positive number, got \"\(lr)\"") }
            recipe.learningRate = value
        }
        if let name = arguments.value("optimizer") {
            guard let kind = TrainingRecipe.OptimizerKind(rawValue: name) else {
                throw UsageError("unknown --optimizer \"\(name)\"; use bertAdam, adamW, adam or sgd."
                                 + Suggestions.didYouMean(name, in: ["bertAdam", "adamW", "adam", "sgd"]))
            }
            recipe.optimizer = kind
        }
        if let seed = arguments.value("seed") {
            guard let value = UInt64(seed) else { throw UsageError("--seed must be a non-negative integer, got \"\(seed)\"") }
            recipe.seed = value
        }
        if let every = arguments.value("eval-every") { recipe.evaluateEvery = try Self.positive(every, "--eval-every") }
        if let weight = arguments.value("task-weight") {
            guard let value = Float(weight), value >= 0 else { throw UsageError("--task-weight must be a number ≥ 0, got \"\(weight)\"") }
            taskWeight = value
        }

        // The model: from its config, or from weights people have.
        let seed = recipe.seed
        let modelOverrides = overrides.overrides()
        let initWeights = weights ?? arguments.value("init")
        let built = try GlobalRandom.withSeed(seed) { () throws -> Module in
            if let initWeights { return try registry.createFromWeights(modelName, weights: URL(fileURLWithPath: initWeights), overrides: modelOverrides) }
            return try registry.create(modelName, overrides: modelOverrides)
        }
        guard let model = built as? any ZooModel else { throw ZooError.wrongKind(name: modelName, expected: "model", actual: "module") }
        self.model = model
        if let contrastive = model as? any TextEncoder { recipe.contextLength = Swift.min(recipe.contextLength, contrastive.contextLength) }
        self.recipe = recipe

        // Teacher and losses, checked before anything trains.
        if forTraining {
            if let teacherName = arguments.value("teacher")?.lowercased() {
                guard let teacherWeights = arguments.value("teacher-weights") else {
                    throw UsageError("--teacher \(teacherName) needs --teacher-weights CKPT (a trained teacher's checkpoint)")
                }
                let teacherModule = try registry.createFromWeights(teacherName, weights: URL(fileURLWithPath: teacherWeights))
                guard let teacher = teacherModule as? any ZooModel else {
                    throw ZooError.wrongKind(name: teacherName, expected: "model", actual: try registry.entry(teacherName).kind.rawValue)
                }
                teacher.freeze()
                self.teacher = teacher
            } else if arguments.value("teacher-weights") != nil {
                throw UsageError("--teacher-weights without --teacher NAME")
            }
            for parsed in distill {
                let (name, weight) = try parsed.get()
                let loss = try registry.createLoss(name, overrides: overrides.overrides(for: name))
                losses.append((name, loss, weight))
            }
            let combination = Combination(studentName: modelName, student: model, teacherName: arguments.value("teacher"),
                                          teacher: teacher, losses: losses, taskWeight: taskWeight)
            try combination.check()
        }

        guard model.family == .retrieval else {
            throw RuntimeError("\(modelName) is a \(model.family.rawValue) model; the classification datasets arrive with the distillation issue")
        }
        let spec = try DataSpec(arguments.value("data") ?? "synthvtt")
        let imageSize = (model as? any VideoEncoder)?.imageSize ?? 32
        let frames = try arguments.value("frames").map { try Self.positive($0, "--frames") }
        splits = try spec.load(imageSize: imageSize, frames: frames, arguments: arguments)
        tokenizer = try CLIPTokenizer.shared()
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
