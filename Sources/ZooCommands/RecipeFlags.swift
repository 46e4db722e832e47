// The training recipe of a run: the entry's own `training` settings in zoo.json (the official
// recipe of its paper), with the command-line flags over them.
import Foundation
import ZooCommandLine
import ZooCore
import ZooManifest
import ZooNN

enum RecipeFlags {
    /// Flags that shape the recipe (shared by `zoo train` and the runs it starts for teachers).
    static let options: [OptionSpec] = [
        .value("epochs", valueName: "N", help: "Epochs over the training set (default: the entry's recipe, else 5)"),
        .value("steps", valueName: "N", help: "Optimizer steps instead of epochs"),
        .value("batch-size", valueName: "N", help: "Examples per step (default: the entry's recipe, else 32)"),
        .value("lr", valueName: "X", help: "Base learning rate (default: the entry's recipe, else 1e-4, CLIP4Clip's)"),
        .value("optimizer", valueName: "NAME", help: "bertAdam, adamW, adam or sgd (default: the entry's recipe, else bertAdam)"),
        .value("backbone-lr-multiplier", valueName: "X", help: "lr multiplier of the backbone's clip.* parameters (CLIP4Clip's coef_lr, 1e-3)"),
        .value("seed", valueName: "S", help: "Seed for weights, data order and dropout (default 0)"),
        .value("eval-every", valueName: "N", help: "Evaluate on the validation split every N steps (default: at the end)"),
    ]

    /// The recipe for `entry`: CLIP4Clip's defaults, the entry's `training` object over them
    /// (optimizer, lr, coefLR, betas, eps, weightDecay, warmupProportion, gradClip, batchSize,
    /// epochs, and TeachCLIP's afaLRMultiplier), then the flags.
    static func recipe(for entry: ManifestEntry, registry: Registry, arguments: ParsedArguments) throws -> TrainingRecipe {
        var recipe = TrainingRecipe.clip4clip
        if entry.kind == .model && !(entry.config["training"]?.members != nil) { recipe.parameterRules = [.clip4clipNoDecay] }
        let config = ModelConfig(entry: entry.name, json: entry.config["training"] ?? .object(members: []))
        if let name = config.has("optimizer") ? try config.string("optimizer") : nil { recipe.optimizer = try optimizer(name, source: "\(entry.name) training.optimizer") }
        recipe.learningRate = try config.float("lr", default: recipe.learningRate)
        recipe.weightDecay = try config.float("weightDecay", default: recipe.weightDecay)
        recipe.eps = try config.float("eps", default: recipe.eps)
        if let betas = entry.config["training"]?["betas"]?.items?.compactMap(\.doubleValue), betas.count == 2 {
            (recipe.beta1, recipe.beta2) = (Float(betas[0]), Float(betas[1]))
        }
        recipe.gradientClip = try config.float("gradClip", default: recipe.gradientClip)
        if config.has("warmupProportion") { recipe.schedule = .warmupCosine(warmup: try config.float("warmupProportion")) }
        recipe.batchSize = try config.positiveInt("batchSize", default: recipe.batchSize)
        recipe.epochs = try config.positiveInt("epochs", default: recipe.epochs)
        var clipMultiplier = try config.float("coefLR", default: entry.kind == .head ? 1e-3 : 1)
        var rules: [ParameterGroupRule] = []
        if let afa = entry.config["afaLRMultiplier"]?.doubleValue { rules.append(ParameterGroupRule("frameLinear*", learningRateMultiplier: Float(afa))) }

        if let epochs = arguments.value("epochs") { recipe.epochs = try RunSetup.positive(epochs, "--epochs") }
        if let steps = arguments.value("steps") { recipe.steps = try RunSetup.positive(steps, "--steps") }
        if arguments.value("epochs") != nil && arguments.value("steps") != nil { throw UsageError("give --epochs or --steps, not both") }
        if let size = arguments.value("batch-size") { recipe.batchSize = try RunSetup.positive(size, "--batch-size") }
        if let lr = arguments.value("lr") { recipe.learningRate = try positiveFloat(lr, "--lr") }
        if let name = arguments.value("optimizer") { recipe.optimizer = try optimizer(name, source: "--optimizer") }
        if let multiplier = arguments.value("backbone-lr-multiplier") { clipMultiplier = try positiveFloat(multiplier, "--backbone-lr-multiplier") }
        if let seed = arguments.value("seed") {
            guard let value = UInt64(seed) else { throw UsageError("--seed must be a non-negative integer, got \"\(seed)\"") }
            recipe.seed = value
        }
        if let every = arguments.value("eval-every") { recipe.evaluateEvery = try RunSetup.positive(every, "--eval-every") }
        if clipMultiplier != 1 { rules.insert(ParameterGroupRule("clip.*", learningRateMultiplier: clipMultiplier), at: 0) }
        recipe.parameterRules = rules.filter { $0.pattern == "clip.*" } + [.clip4clipNoDecay] + rules.filter { $0.pattern != "clip.*" }
        return recipe
    }

    static func optimizer(_ name: String, source: String) throws -> TrainingRecipe.OptimizerKind {
        let known: [String: TrainingRecipe.OptimizerKind] = ["bertadam": .bertAdam, "adamw": .adamW, "adam": .adam, "sgd": .sgd]
        guard let kind = known[name.lowercased()] else {
            throw UsageError("unknown optimizer \"\(name)\" (\(source)); use bertAdam, adamW, adam or sgd."
                             + Suggestions.didYouMean(name, in: ["bertAdam", "adamW", "adam", "sgd"]))
        }
        return kind
    }

    static func positiveFloat(_ text: String, _ flag: String) throws -> Float {
        guard let value = Float(text), value > 0, value.isFinite else { throw UsageError("\(flag) must be a positive number, got \"\(text)\"") }
        return value
    }
}
