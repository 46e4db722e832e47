// Contrastive Representation Distillation.
// Tian, Krishnan, Isola — 2019, arXiv:1910.10699. Code: HobbitLong/RepDistiller (crd/criterion.py,
// crd/memory.py, dataset/cifar100.py `CIFAR100InstanceSample`).
// The registry entry and the configuration. The parts: CRDEmbedding (embed_s / embed_t),
// ContrastMemory (the two banks, Z, the momentum update), ContrastLoss (the NCE of Eq. 18),
// NegativeSampler (indices of other classes) and CRDLoss (how they compose).
// Deviations from the official code are listed in the file where each one happens.
import ZooCore
import ZooManifest

/// Registers the `crd` loss.
public enum CRDEntry: MethodEntry {
    public static func register(in registry: inout Registry) throws {
        try registry.add(loss: "crd") { config in try CRDLoss(config: config) }
    }
}

/// How the contrast indices of a batch are chosen.
public enum CRDSampling: String, Sendable, Equatable, CaseIterable {
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
public struct CRDConfiguration: Sendable, Equatable {
    public var featureDim: Int
    public var negatives: Int
    public var temperature: Float
    public var momentum: Float
    public var eps: Float
    public var sampling: CRDSampling
    public var seed: UInt64
    public var studentDim: Int?
    public var teacherDim: Int?
    public var datasetSize: Int?
    /// Recommended weights of γ·CE + α·KD + β·L_CRD (CRD: 1, 0, 0.8; CRD+KD: 1, 1, 0.8).
    public var recommendedWeights: (ce: Float, kd: Float, crd: Float)

    public init(featureDim: Int = 128, negatives: Int = 16384, temperature: Float = 0.07, momentum: Float = 0.5,
                eps: Float = 1e-7, sampling: CRDSampling = .otherClasses, seed: UInt64 = 0,
                studentDim: Int? = nil, teacherDim: Int? = nil, datasetSize: Int? = nil) {
        (self.featureDim, self.negatives, self.temperature, self.momentum) = (featureDim, negatives, temperature, momentum)
        (self.eps, self.sampling, self.seed) = (eps, sampling, seed)
        (self.studentDim, self.teacherDim, self.datasetSize) = (studentDim, teacherDim, datasetSize)
        recommendedWeights = (1, 0, 0.8)
    }

    public init(config: ModelConfig) throws {
        let entry = config.entry
        func invalid(_ key: String, _ problem: String) -> ZooError { ZooError.invalidConfig(entry: entry, key: key, problem: problem) }
        func optionalSize(_ key: String) throws -> Int? { config.has(key) ? try config.positiveInt(key) : nil }
        let samplingName = try config.string("sampling", default: CRDSampling.otherClasses.rawValue)
        guard let sampling = CRDSampling(rawValue: samplingName) else {
            throw invalid("sampling", "must be one of \(CRDSampling.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")), got \"\(samplingName)\"")
        }
        let seed = try config.int("seed", default: 0)
        guard seed >= 0 else { throw invalid("seed", "must be ≥ 0, got \(seed)") }
        self.init(featureDim: try config.positiveInt("featureDim", default: 128), negatives: try config.positiveInt("negatives", default: 16384),
                  temperature: try config.float("temperature", default: 0.07), momentum: try config.float("momentum", default: 0.5),
                  eps: try config.float("eps", default: 1e-7), sampling: sampling, seed: UInt64(seed),
                  studentDim: try optionalSize("studentDim"), teacherDim: try optionalSize("teacherDim"),
                  datasetSize: try optionalSize("datasetSize"))
        guard temperature > 0, temperature.isFinite else { throw invalid("temperature", "must be a positive number (τ divides the scores), got \(temperature); CRD uses 0.07") }
        guard momentum >= 0, momentum <= 1 else { throw invalid("momentum", "must lie in [0, 1] (the bank keeps this share of its old row), got \(momentum); CRD uses 0.5") }
        guard eps >= 0, eps.isFinite else { throw invalid("eps", "must be a finite number ≥ 0, got \(eps); CRD uses 1e-7") }
        if let weights = config.json["weights"], !weights.isNull {
            func weight(_ key: String, _ fallback: Float) throws -> Float {
                guard let node = weights[key], !node.isNull else { return fallback }
                guard let value = node.doubleValue, value >= 0 else { throw invalid("weights", "'\(key)' must be a number ≥ 0, got \(node)") }
                return Float(value)
            }
            recommendedWeights = (try weight("ce", 1), try weight("kd", 0), try weight("crd", 0.8))
        }
    }

    public static func == (a: CRDConfiguration, b: CRDConfiguration) -> Bool {
        a.featureDim == b.featureDim && a.negatives == b.negatives && a.temperature == b.temperature && a.momentum == b.momentum
            && a.eps == b.eps && a.sampling == b.sampling && a.seed == b.seed && a.studentDim == b.studentDim
            && a.teacherDim == b.teacherDim && a.datasetSize == b.datasetSize && a.recommendedWeights == b.recommendedWeights
    }
}
