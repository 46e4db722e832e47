// Contrastive Representation Distillation.
// Tian, Krishnan, Isola — 2019, arXiv:1910.10699. Code: HobbitLong/RepDistiller (crd/criterion.py,
// crd/memory.py, dataset/cifar100.py `CIFAR100InstanceSample`).
// The registry entry and the configuration. The parts: CRDEmbedding (embed_s / embed_t),
// ContrastMemory (the two banks, Z, the momentum update), ContrastLoss (the NCE of Eq. 18),
// NegativeSampler (indices of other classes) and CRDLoss (how they compose).
// Deviations from the official code are listed in the file where each one happens; the training
// recipe's is here: RepDistiller's train_student.py trains CIFAR-100 students with SGD (lr 0.05,
// momentum 0.9, weight decay 5e-4 on every parameter, ×0.1 at epochs 150/180/210 of 240). The zoo
// trains CRD on the digits MLPs with their zoo.json recipe (`mlp-student`: AdamW, lr 0.01, decay
// 1e-4, 30 epochs of 64), because that schedule is sized for 240 epochs of a ResNet and the
// MLP teacher it distils from was trained the same way. `--optimizer sgd --lr 0.05` (momentum 0.9
// by default) comes closest to the official optimizer; biases still get no decay (the recipe's
// default rule) and there is no step schedule.
import ZooCore
import ZooManifest

/// Registers the `crd` loss.
public enum CRDEntry: MethodEntry {
    public static func register(in registry: inout Registry) throws {
        try registry.add(loss: "crd", configuration: CRDConfiguration.self) { CRDLoss($0, entry: "crd") }
    }
}

/// How the contrast indices of a batch are chosen.
public enum CRDSampling: String, Codable, Sendable, Equatable, CaseIterable {
    /// Each example's own memory row plus `negatives` distinct rows of other classes, drawn by
    /// the loss (RepDistiller's `CIFAR100InstanceSample` with mode "exact").
    case otherClasses
    /// The batch supplies them: integer input `contrast_idx` `[B, K+1]` with column 0 = the
    /// example's own row (tests, and the parity fixture's explicit indices).
    case given
}

/// CRD's settings, read from zoo.json's `config`.
///
/// Keys: `featureDim` (d, 128), `negatives` (K, 16384; capped, see `NegativeSampler`),
/// `temperature` (τ, 0.07, used as float32), `momentum` (of the bank update, 0.5), `eps` (1e-7),
/// `sampling` (`otherClasses` or `given`), `seed` (of the negative draws and of the heads'
/// and banks' initial values), `weights`
/// (`{ce, kd, crd}`: the recommended weights of the total, applied by the trainer, not here),
/// and optionally `studentDim`, `teacherDim`, `datasetSize`: when all three are set the heads
/// and banks are built at once; otherwise `prepare(for:student:teacher:)` infers them from the
/// models' `.features` and the training set (and checks any that were set).
public struct CRDConfiguration: MethodConfiguration, Equatable {
    public var featureDim = 128
    public var negatives = 16384
    public var temperature: Float = 0.07
    public var momentum: Float = 0.5
    public var eps: Float = 1e-7
    public var sampling = CRDSampling.otherClasses
    public var seed: UInt64 = 0
    public var studentDim: Int?
    public var teacherDim: Int?
    public var datasetSize: Int?
    /// Recommended weights of γ·CE + α·KD + β·L_CRD (CRD: 1, 0, 0.8; CRD+KD: 1, 1, 0.8).
    public var weights = Weights()

    /// The recommended weights of the total (applied by the trainer's `--task-weight` and
    /// `--distill crd:W`, not here).
    public struct Weights: Codable, Sendable, Equatable {
        public var ce: Float = 1
        public var kd: Float = 0
        public var crd: Float = 0.8
        public init() {}
    }

    /// The same weights as a tuple.
    public var recommendedWeights: (ce: Float, kd: Float, crd: Float) { (weights.ce, weights.kd, weights.crd) }

    public init() {}

    public init(featureDim: Int = 128, negatives: Int = 16384, temperature: Float = 0.07, momentum: Float = 0.5,
                eps: Float = 1e-7, sampling: CRDSampling = .otherClasses, seed: UInt64 = 0,
                studentDim: Int? = nil, teacherDim: Int? = nil, datasetSize: Int? = nil) {
        (self.featureDim, self.negatives, self.temperature, self.momentum) = (featureDim, negatives, temperature, momentum)
        (self.eps, self.sampling, self.seed) = (eps, sampling, seed)
        (self.studentDim, self.teacherDim, self.datasetSize) = (studentDim, teacherDim, datasetSize)
    }

    public init(config: ModelConfig) throws {
        self = try config.decode(Self.self)
    }

    enum CodingKeys: String, CodingKey {
        case featureDim, negatives, temperature, momentum, eps, sampling, seed, studentDim, teacherDim, datasetSize, weights
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        featureDim = try c.decode(Int.self, forKey: .featureDim)
        negatives = try c.decode(Int.self, forKey: .negatives)
        temperature = try c.decode(Float.self, forKey: .temperature)
        momentum = try c.decode(Float.self, forKey: .momentum)
        eps = try c.decode(Float.self, forKey: .eps)
        sampling = try c.decode(CRDSampling.self, forKey: .sampling)
        let seed = try c.decode(Int.self, forKey: .seed)
        guard seed >= 0 else { throw DecodingError.dataCorruptedError(forKey: .seed, in: c, debugDescription: "must be ≥ 0, got \(seed)") }
        self.seed = UInt64(seed)
        studentDim = try c.decodeIfPresent(Int.self, forKey: .studentDim)
        teacherDim = try c.decodeIfPresent(Int.self, forKey: .teacherDim)
        datasetSize = try c.decodeIfPresent(Int.self, forKey: .datasetSize)
        weights = try c.decode(Weights.self, forKey: .weights)
    }

    /// Every key, the unset sizes as null (so that `--set studentDim=…` finds its key).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(featureDim, forKey: .featureDim)
        try c.encode(negatives, forKey: .negatives)
        try c.encode(temperature, forKey: .temperature)
        try c.encode(momentum, forKey: .momentum)
        try c.encode(eps, forKey: .eps)
        try c.encode(sampling, forKey: .sampling)
        try c.encode(seed, forKey: .seed)
        try c.encode(studentDim, forKey: .studentDim)
        try c.encode(teacherDim, forKey: .teacherDim)
        try c.encode(datasetSize, forKey: .datasetSize)
        try c.encode(weights, forKey: .weights)
    }

    public func validate(entry: String) throws {
        func invalid(_ key: String, _ problem: String) -> ZooError { ZooError.invalidConfig(entry: entry, key: key, problem: problem) }
        try ZooError.requirePositive([("featureDim", featureDim), ("negatives", negatives)], entry: entry)
        for (key, size) in [("studentDim", studentDim), ("teacherDim", teacherDim), ("datasetSize", datasetSize)] {
            if let size, size < 1 { throw invalid(key, "must be positive, got \(size)") }
        }
        guard temperature > 0, temperature.isFinite else { throw invalid("temperature", "must be a positive number (τ divides the scores), got \(temperature); CRD uses 0.07") }
        guard momentum >= 0, momentum <= 1 else { throw invalid("momentum", "must lie in [0, 1] (the bank keeps this share of its old row), got \(momentum); CRD uses 0.5") }
        guard eps >= 0, eps.isFinite else { throw invalid("eps", "must be a finite number ≥ 0, got \(eps); CRD uses 1e-7") }
        for (key, value) in [("ce", weights.ce), ("kd", weights.kd), ("crd", weights.crd)] where !(value >= 0) {
            throw invalid("weights", "'\(key)' must be a number ≥ 0, got \(value)")
        }
        // The two memory banks (one row per training example and side) and the two embeddings.
        typealias M = MemoryBudget
        let banks = M.product(2, datasetSize ?? 0, featureDim)
        let embeddings = M.sum([M.product(studentDim ?? 0, featureDim), M.product(teacherDim ?? 0, featureDim)])
        try MemoryBudget.require(values: M.sum([banks, embeddings]), for: "the memory banks and embeddings", entry: entry)
    }
}
