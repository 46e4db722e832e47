// The experiment an entry stands for before anyone edits it: a model or head trained with its own
// zoo.json recipe on its default data, or a recipe entry's student, teachers and losses.
import Foundation
import ZooManifest
import ZooNN

extension TrainingRecipe {
    /// The recipe of `entry`: the defaults, then its zoo.json `training` block (`optimizer`,
    /// `lr`, `coefLR`, `betas`, `eps`, `weightDecay`, `warmupProportion`, `gradClip`,
    /// `batchSize`, `epochs`, `gradientAccumulation`). A head's backbone trains at `coefLR` (default 1e-3, CLIP4Clip's)
    /// times the learning rate.
    public init(entry: ManifestEntry) throws {
        self.init()
        let training = entry.config["training"] ?? .object(members: [])
        let config = ModelConfig(entry: entry.name, json: training)
        if config.has("optimizer") { optimizer = try Self.optimizer(named: try config.string("optimizer"), entry: entry.name) }
        learningRate = try config.float("lr", default: learningRate)
        weightDecay = try config.float("weightDecay", default: weightDecay)
        eps = try config.float("eps", default: eps)
        if let betas = training["betas"]?.items?.compactMap(\.doubleValue), betas.count == 2 {
            (beta1, beta2) = (Float(betas[0]), Float(betas[1]))
        }
        gradientClip = try config.float("gradClip", default: gradientClip)
        if config.has("warmupProportion") { schedule = .warmupCosine(warmup: try config.float("warmupProportion")) }
        batchSize = try config.positiveInt("batchSize", default: batchSize)
        epochs = try config.positiveInt("epochs", default: epochs)
        let accumulation = try config.positiveInt("gradientAccumulation", default: 1)
        gradientAccumulation = accumulation == 1 ? nil : accumulation
        backboneLearningRateMultiplier = try config.float("coefLR", default: entry.kind == .head ? 1e-3 : 1)
    }

    /// `bertAdam`, `adamW`, `adam` or `sgd`, in any case.
    public static func optimizer(named name: String, entry: String = "the recipe") throws -> OptimizerKind {
        guard let kind = OptimizerKind.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
            throw ZooError.invalidConfig(entry: entry, key: "optimizer",
                                         problem: "is \"\(name)\"; use bertAdam, adamW, adam or sgd."
                                             + Suggestions.didYouMean(name, in: OptimizerKind.allCases.map(\.rawValue)))
        }
        return kind
    }
}

extension Experiment {
    /// The experiment `name` stands for: a model or head with its own recipe on its default data
    /// (`config.data`, else synthvtt for retrieval and digits for classification), or a recipe
    /// entry (`student`, `teacher`/`teachers`, `distill` ["LOSS:W"], `taskWeight`, `set`
    /// ["KEY=VALUE"], `flags` {"lr": "1e-3", …}) with its student's recipe under its flags.
    public init(resolving name: String, in registry: Registry) throws {
        let entry = try registry.entry(name.lowercased())
        switch entry.kind {
        case .model, .head:
            let data = entry.config["data"]?.stringValue ?? (entry.families.first == .classification ? "digits" : "synthvtt")
            self.init(student: ModelSpec(name: entry.name), data: DataOptions(dataset: data), recipe: try TrainingRecipe(entry: entry))
        case .recipe:
            try self.init(recipe: entry, in: registry)
        case .loss, .encoder:
            throw ExperimentError.wrongKind(name: entry.name, kind: entry.kind.rawValue,
                                            needed: "an experiment trains a model, a similarity head or a recipe (`zoo list --kind model`, `--kind head`, `--kind recipe`)")
        }
    }

    private init(recipe entry: ManifestEntry, in registry: Registry) throws {
        guard let student = entry.config["student"]?.stringValue else {
            throw ZooError.invalidConfig(entry: entry.name, key: "student", problem: "a recipe needs a student model or head name")
        }
        let studentKind = try registry.entry(student.lowercased()).kind
        guard studentKind == .model || studentKind == .head else {
            throw ZooError.invalidConfig(entry: entry.name, key: "student", problem: "names \(student), a \(studentKind.rawValue); a recipe's student is a model or a head")
        }
        try self.init(resolving: student, in: registry)
        var teacherNames = entry.config["teacher"]?.stringValue.map { [$0] } ?? []
        teacherNames += entry.config["teachers"]?.items?.compactMap(\.stringValue) ?? []
        teachers = teacherNames.map { TeacherSpec(name: $0.lowercased()) }
        losses = try (entry.config["distill"]?.items ?? []).map { item in
            guard let text = item.stringValue else {
                throw ZooError.invalidConfig(entry: entry.name, key: "distill", problem: "holds \(item), not a \"LOSS[:WEIGHT]\" string")
            }
            return try LossTerm(parsing: text)
        }
        let lossNames = Set(losses.map(\.name))
        if let task = entry.config["taskWeight"]?.doubleValue { taskWeight = Float(task) }
        let settings = try (entry.config["set"]?.items ?? []).map { item -> String in
            guard let text = item.stringValue else { throw ZooError.invalidConfig(entry: entry.name, key: "set", problem: "holds \(item), not a \"KEY=VALUE\" string") }
            return text
        }
        try apply(settings: settings, components: lossNames)
        for member in entry.config["flags"]?.members ?? [] {
            let value = member.value.stringValue ?? member.value.doubleValue.map { String($0) } ?? member.value.description
            try apply(flag: member.key, value: value, source: "\(entry.name) flags.\(member.key)")
        }
    }

    /// Applies `--set`-style `KEY=VALUE` settings: `LOSS.KEY=VALUE` to a loss named in
    /// `components`, anything else to the student.
    public mutating func apply(settings: [String], components: Set<String>) throws {
        for setting in settings {
            guard let equals = setting.firstIndex(of: "="), equals != setting.startIndex else {
                throw ZooError.invalidConfig(entry: "--set", key: setting, problem: "must look like KEY=VALUE (e.g. --set layers=2)")
            }
            let key = String(setting[..<equals]), value = String(setting[setting.index(after: equals)...])
            if let dot = key.firstIndex(of: "."), components.contains(String(key[..<dot])),
               let index = losses.firstIndex(where: { $0.name == String(key[..<dot]) }) {
                losses[index].settings[String(key[key.index(after: dot)...])] = value
            } else {
                student.settings[key] = value
            }
        }
    }

    /// The run options a recipe entry (its `flags`) or a comparison spec may set for itself:
    /// `lr`, `optimizer`, `epochs`, `steps`, `batch-size`, `gradient-accumulation`, `backbone-lr-multiplier`, `data`.
    public static let recipeFlags = ["lr", "optimizer", "epochs", "steps", "batch-size", "gradient-accumulation", "weight-precision",
                                     "backbone-lr-multiplier", "data"]

    /// Sets one run option by its flag name (`recipeFlags`); `source` names it in errors.
    public mutating func apply(flag: String, value: String, source: String) throws {
        func positiveInt() throws -> Int {
            guard let number = Int(value), number > 0 else { throw ExperimentError.badValue(field: source, value: "\"\(value)\"", expected: "a positive integer") }
            return number
        }
        func positiveFloat() throws -> Float {
            guard let number = Float(value), number > 0, number.isFinite else {
                throw ExperimentError.badValue(field: source, value: "\"\(value)\"", expected: "a positive number")
            }
            return number
        }
        switch flag {
        case "lr": recipe.learningRate = try positiveFloat()
        case "optimizer": recipe.optimizer = try TrainingRecipe.optimizer(named: value, entry: source)
        case "epochs": recipe.epochs = try positiveInt(); recipe.steps = nil
        case "steps": recipe.steps = try positiveInt()
        case "batch-size": recipe.batchSize = try positiveInt()
        case "weight-precision":
            switch value.lowercased() {
            case "float32", "fp32": recipe.weightPrecision = nil
            case "float16", "fp16": recipe.weightPrecision = .float16
            default: throw ExperimentError.badValue(field: source, value: "\"\(value)\"", expected: "float32 or float16")
            }
        case "gradient-accumulation":
            let steps = try positiveInt()
            recipe.gradientAccumulation = steps == 1 ? nil : steps   // 1 is the default: the same experiment
        case "backbone-lr-multiplier": recipe.backboneLearningRateMultiplier = try positiveFloat()
        case "data": _ = try DataSpec(value); data.dataset = value
        default:
            throw ExperimentError.badValue(field: source, value: "\"\(flag)\"", expected: "one of " + Self.recipeFlags.joined(separator: ", "))
        }
    }
}

extension LossTerm {
    /// `NAME[:WEIGHT]`, as `--distill` and recipes write a loss.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard let name = parts.first, !name.isEmpty else {
            throw ExperimentError.badValue(field: "a loss", value: "\"\(text)\"", expected: "NAME[:WEIGHT]")
        }
        guard parts.count == 2 else { self.init(name: name.lowercased()); return }
        guard let weight = Float(parts[1]), weight >= 0, weight.isFinite else {
            throw ExperimentError.badValue(field: "the weight of \(text)", value: "\"\(parts[1])\"", expected: "a number ≥ 0")
        }
        self.init(name: name.lowercased(), weight: weight)
    }
}

extension Experiment {
    /// The backbone a head is composed with when the experiment names none: the head config's
    /// `backboneByDataset` entry for the dataset's kind (a small backbone for the embedded
    /// synthvtt), else its `backbone`.
    public static func defaultBackbone(forHead head: String, dataset: DataSpec, registry: Registry) throws -> String {
        let config = try registry.config(for: head)
        if let chosen = config.json["backboneByDataset"]?[dataset.kind]?.stringValue { return chosen }
        return try config.string("backbone")
    }
}
