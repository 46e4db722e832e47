// One training run as a value: what to train, from what, on what data, with which recipe and
// seed. zoo.json recipes decode into it, command-line flags edit it, `zoo compare` runs lists of
// them, and every run folder keeps its `experiment.json` (docs/experiment.md shows the JSON).
import Foundation

/// A registry entry as a part of an experiment: its name, config overrides and initial weights.
public struct ModelSpec: Codable, Hashable, Sendable {
    /// The zoo.json name (`clip4clip-seqtransf`, `clip-tiny`, `mlp-student`).
    public var name: String
    /// Config overrides, `KEY` → value as `--set KEY=VALUE` takes it (JSON, else a plain string).
    public var settings: [String: String]
    /// Weights to start from, in any format the entry loads (a zoo checkpoint, an OpenAI or HF
    /// CLIP, an official state dict in safetensors); nil: seeded initialisation.
    public var weights: String?

    public init(name: String, settings: [String: String] = [:], weights: String? = nil) {
        self.name = name
        self.settings = settings
        self.weights = weights
    }
}

/// A frozen teacher: its weights, or nil to train it first with its own zoo.json recipe (same
/// data and seed) and use that run's best checkpoint.
public struct TeacherSpec: Codable, Hashable, Sendable {
    public var name: String
    public var weights: String?

    public init(name: String, weights: String? = nil) {
        self.name = name
        self.weights = weights
    }
}

/// A distillation loss of an experiment, with its weight in the total and its config overrides.
public struct LossTerm: Codable, Hashable, Sendable {
    public var name: String
    public var weight: Float
    public var settings: [String: String]

    public init(name: String, weight: Float = 1, settings: [String: String] = [:]) {
        self.name = name
        self.weight = weight
        self.settings = settings
    }
}

/// The data of an experiment: which dataset, how many frames per video, where its files are.
public struct DataOptions: Codable, Hashable, Sendable {
    /// `synthvtt`, `msrvtt:DIR`, `features:DIR`, `digits` or `synthfine` (see `DataSpec`).
    public var dataset: String
    /// Frames per video; nil: the dataset's default (synthvtt 8, MSR-VTT and features 12).
    public var frames: Int?
    /// Freeze the backbone's image encoder and encode every video once up front (heads only).
    public var freezeImageEncoder: Bool
    /// Files of the layout kept elsewhere, by `DataPathOption` name (`msrvtt-videos` → DIR).
    public var paths: [String: String]
    /// Caption tokens (CLIP4Clip's `max_words`); nil: the dataset's default (64 for DiDeMo and
    /// ActivityNet), else the recipe's context length.
    public var words: Int?
    /// The split that trains (`train-7k` of MSR-VTT, a list's own split name); nil: the dataset's `train`.
    public var trainSplit: String?
    /// The split every reported number comes from (`test-full`, `val`, …); nil: the dataset's test split.
    public var testSplit: String?
    /// The largest fraction of a split's videos that may be missing or broken (`--max-missing`);
    /// nil: 1%.
    public var maxMissing: Double?
    /// Query-normalised scorings reported next to the plain metrics (`--dual-softmax`,
    /// `--inverted-softmax`); nil: none.
    public var queryNormalizations: [QueryNormalization]?

    public init(dataset: String, frames: Int? = nil, freezeImageEncoder: Bool = false, paths: [String: String] = [:],
                words: Int? = nil, trainSplit: String? = nil, testSplit: String? = nil, maxMissing: Double? = nil) {
        self.dataset = dataset
        self.frames = frames
        self.freezeImageEncoder = freezeImageEncoder
        self.paths = paths
        self.words = words
        self.trainSplit = trainSplit
        self.testSplit = testSplit
        self.maxMissing = maxMissing
    }
}

/// Everything one training run needs, as data. Build it with `Experiment(resolving:in:)` (the
/// entry's own recipe from zoo.json), edit it, then `ExperimentRun` trains and evaluates it.
public struct Experiment: Codable, Hashable, Sendable {
    /// The model or similarity head that trains.
    public var student: ModelSpec
    /// The contrastive backbone a head is composed with (nil for models).
    public var backbone: ModelSpec?
    /// Frozen teachers; each loss is averaged over them.
    public var teachers: [TeacherSpec]
    /// Distillation losses, each weighted into the total.
    public var losses: [LossTerm]
    /// Weight of the student's own loss.
    public var taskWeight: Float
    public var data: DataOptions
    public var recipe: TrainingRecipe
    /// Seed of the weights, the data order and dropout.
    public var seed: UInt64
    /// The revision of the zoo's training code the experiment was made for (nil: before
    /// revisions were recorded). Part of the content hash, so a finished run of older training
    /// code is never reused as if it were today's; only `currentTrainingRevision` trains.
    public var trainingRevision: Int?

    /// The training code's revision, raised whenever the same experiment would train differently:
    /// 2: #20's faithful recipes (BertAdam's joint gradient clip, freezeLayers 0 freezing CLIP's
    /// embeddings, the head's logit scale without a lower bound).
    public static let currentTrainingRevision = 2

    public init(student: ModelSpec, backbone: ModelSpec? = nil, teachers: [TeacherSpec] = [], losses: [LossTerm] = [],
                taskWeight: Float = 1, data: DataOptions, recipe: TrainingRecipe, seed: UInt64 = 0) {
        trainingRevision = Self.currentTrainingRevision
        self.student = student
        self.backbone = backbone
        self.teachers = teachers
        self.losses = losses
        self.taskWeight = taskWeight
        self.data = data
        self.recipe = recipe
        self.seed = seed
    }

    /// The canonical JSON form (sorted keys, pretty-printed): what `experiment.json` holds.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    /// Reads an `experiment.json`.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ExperimentError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        do { self = try JSONDecoder().decode(Experiment.self, from: data) } catch {
            throw ExperimentError.malformed(path: url.path, detail: "\(error)")
        }
    }

    /// A 16-hex-digit content hash of the canonical JSON: two experiments hash alike exactly
    /// when every setting is the same, so a finished run can be recognised and reused.
    public func contentHash() throws -> String {
        let data = try jsonData()
        var value: UInt64 = 0xcbf2_9ce4_8422_2325   // 64-bit FNV-1a
        for byte in data { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The entries this experiment names, student first.
    public var names: [String] {
        [student.name] + (backbone.map { [$0.name] } ?? []) + teachers.map(\.name) + losses.map(\.name)
    }
}
