// Contrastive Representation Distillation.
// Tian, Krishnan, Isola — 2019, arXiv:1910.10699. Code: HobbitLong/RepDistiller crd/criterion.py `CRDLoss`.
//   z_s = n(embed_s(h_s)), z_t = n(embed_t(h_t))
//   out_s = exp(M_t[idx]·z_s/τ)/Z_s  (official out_v1),  out_t = exp(M_s[idx]·z_t/τ)/Z_t  (out_v2)
//   L_CRD = NCE(out_s) + NCE(out_t); then, without gradient, M_s[y] ← n(m·M_s[y] + (1−m)·z_s), and
//   M_t[y] ← n(m·M_t[y] + (1−m)·z_t).
// Deviations: the heads and banks may be built lazily, from the models' feature widths and the
// training set's size (`prepare`), instead of from command-line sizes; their initial values come
// from the config's `seed` rather than the global torch stream; K is capped (see NegativeSampler);
// the memory's state layout differs (see ContrastMemory). The loss is L_CRD
// only: the trainer adds γ·CE and α·KD with its own weights (zoo.json's `weights` recommends them).
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor

/// What one evaluation of CRD computed (the parity fixture stores each part).
public struct CRDTerms {
    /// `[B, d]` embeddings n(W h + b) of the student and the teacher.
    public var studentEmbedding: Tensor, teacherEmbedding: Tensor
    /// `[B, K+1]` normalised scores: student anchor vs teacher bank (`out_s`), and the reverse.
    public var studentScores: Tensor, teacherScores: Tensor
    /// 0-d NCE losses of each branch, and their sum L_CRD.
    public var studentLoss: Tensor, teacherLoss: Tensor, loss: Tensor
    /// `[B, K+1]` contrast indices used (column 0 = the examples' own rows).
    public var indices: IntTensor
}

/// CRD (see the file header): a loss with two trainable embedding heads (`embed_s.linear`,
/// `embed_t.linear`) and the memory under `contrast.` (`memory_v1`, `memory_v2`, `Z`, `draws`).
///
/// Reads `.features` of the student `[B, H_s]` and of the teacher `[B, H_t]` (more dimensions are
/// flattened). Each example's memory row is `TrainingSetDescription.rows(of:)` once prepared,
/// else `Batch.indices`; with `sampling: given` the batch also holds `contrast_idx` `[B, K+1]`.
public final class CRDLoss: Module, TrainingSetAwareLoss {
    public let configuration: CRDConfiguration
    /// The zoo.json name (for messages).
    public let entry: String
    @Child(key: "embed_s") public var studentHead: CRDEmbedding?
    @Child(key: "embed_t") public var teacherHead: CRDEmbedding?
    @Child(key: "contrast") public var memory: ContrastMemory?
    /// The training set `prepare` saw; nil before (every memory row is then its own class).
    public private(set) var trainingSet: TrainingSetDescription?
    private var sampler: NegativeSampler?

    public var requiredStudentTaps: Set<Tap> { [.features] }
    public var requiredTeacherTaps: Set<Tap> { [.features] }
    public var families: Set<Family> { [.classification, .retrieval] }

    public init(_ configuration: CRDConfiguration, entry: String = "crd") {
        self.configuration = configuration
        self.entry = entry
        super.init()
        studentHead = nil
        teacherHead = nil
        memory = nil
        if let s = configuration.studentDim, let t = configuration.teacherDim, let n = configuration.datasetSize {
            build(studentWidth: s, teacherWidth: t, rows: n)
        }
    }

    public convenience init(config: ModelConfig) throws {
        self.init(try CRDConfiguration(config: config), entry: config.entry)
    }

    /// Whether the heads and the memory exist (built from the config, or by `prepare`).
    public var isBuilt: Bool { memory != nil }

    /// Draws the heads (`nn.Linear`'s initialisation) and the banks from a generator seeded by
    /// the config's `seed` alone, not from the ambient `GlobalRandom` stream: whether built at
    /// once or by `prepare`, a run's loss starts from the same numbers whatever was drawn before.
    private func build(studentWidth: Int, teacherWidth: Int, rows: Int) {
        GlobalRandom.withSeed(NegativeSampler.mix(configuration.seed, 0xC2D_1A17)) {
            studentHead = CRDEmbedding(inputWidth: studentWidth, outputWidth: configuration.featureDim)
            teacherHead = CRDEmbedding(inputWidth: teacherWidth, outputWidth: configuration.featureDim)
            memory = ContrastMemory(rows: rows, width: configuration.featureDim)
        }
        sampler = nil
    }

    /// Builds the heads from the feature widths and the banks from the training set's size (or
    /// checks the ones the config fixed), and learns each memory row's class.
    public func prepare(for trainingSet: TrainingSetDescription, student: Outputs, teacher: Outputs) throws {
        let studentWidth = try Self.width(of: student.require(.features, from: "the student"))
        let teacherWidth = try Self.width(of: teacher.require(.features, from: "the teacher"))
        let expected = [("studentDim", configuration.studentDim ?? studentHead?.inputWidth, studentWidth, "the student's features"),
                        ("teacherDim", configuration.teacherDim ?? teacherHead?.inputWidth, teacherWidth, "the teacher's features"),
                        ("datasetSize", configuration.datasetSize ?? memory?.rows, trainingSet.count, "\(trainingSet.name)")]
        for (key, fixed, found, what) in expected {
            if let fixed, fixed != found {
                throw ZooError.invalidConfig(entry: entry, key: key,
                                             problem: "is \(fixed) but \(what) has \(found); set `--set \(entry).\(key)=\(found)`, or leave it unset so that it is inferred")
            }
        }
        if !isBuilt { build(studentWidth: studentWidth, teacherWidth: teacherWidth, rows: trainingSet.count) }
        self.trainingSet = trainingSet
        sampler = try NegativeSampler(labels: trainingSet.labels, requested: configuration.negatives, seed: configuration.seed)
    }

    public func loss(student: Outputs, teacher: Outputs, batch: Batch) throws -> Tensor {
        try terms(student: student, teacher: teacher, batch: batch).loss
    }

    /// Evaluates CRD on one batch and then updates the memory (and Z, on the first call).
    public func terms(student: Outputs, teacher: Outputs, batch: Batch) throws -> CRDTerms {
        guard let studentHead, let teacherHead, let memory else {
            throw ZooError.invalidConfig(entry: entry, key: "datasetSize",
                                         problem: "is unset and the loss was not prepared: CRD sizes its heads and memory from the models' features and the training set. Train through `zoo train` (which prepares it), or set studentDim, teacherDim and datasetSize")
        }
        let studentFeatures = try student.require(.features, from: "the student")
        let teacherFeatures = try teacher.require(.features, from: "the teacher")
        try check(studentFeatures, width: studentHead.inputWidth, key: "studentDim", what: "student")
        try check(teacherFeatures, width: teacherHead.inputWidth, key: "teacherDim", what: "teacher")
        let count = studentFeatures.shape[0]
        guard teacherFeatures.shape[0] == count else {
            throw ZooError.incompatibleCombination(["crd: the student gives features for \(count) examples but the teacher for \(teacherFeatures.shape[0]); both must see the same batch"])
        }
        let rows = try trainingSet?.rows(of: batch) ?? batch.indices
        let indices = try contrastIndices(rows: rows, count: count, batch: batch, memory: memory)

        let zStudent = studentHead(studentFeatures), zTeacher = teacherHead(teacherFeatures)
        let tau = configuration.temperature
        let studentExp = memory.exponentiatedScores(anchor: zStudent, bank: memory.teacherBank, indices: indices, temperature: tau)
        let teacherExp = memory.exponentiatedScores(anchor: zTeacher, bank: memory.studentBank, indices: indices, temperature: tau)
        let zS = memory.normalizer(0, firstScores: studentExp), zT = memory.normalizer(1, firstScores: teacherExp)
        let studentScores = studentExp / Tensor(scalar: zS), teacherScores = teacherExp / Tensor(scalar: zT)
        let n = memory.rows
        let studentLoss = contrastLoss(studentScores, memoryRows: n, eps: configuration.eps)
        let teacherLoss = contrastLoss(teacherScores, memoryRows: n, eps: configuration.eps)
        noGrad {
            memory.update(rows: rows, studentEmbeddings: zStudent.detached(), teacherEmbeddings: zTeacher.detached(),
                          momentum: configuration.momentum)
            memory.countCall()
        }
        return CRDTerms(studentEmbedding: zStudent, teacherEmbedding: zTeacher, studentScores: studentScores,
                        teacherScores: teacherScores, studentLoss: studentLoss, teacherLoss: teacherLoss,
                        loss: studentLoss + teacherLoss, indices: indices)
    }

    /// `[B, K+1]`: drawn from other classes, or read from the batch's `contrast_idx` (`given`).
    private func contrastIndices(rows: [Int], count: Int, batch: Batch, memory: ContrastMemory) throws -> IntTensor {
        guard rows.count == count else {
            throw ZooError.incompatibleCombination(["crd: the batch names \(rows.count) memory rows for \(count) feature rows; the data must give every example its index (Batch.indices)"])
        }
        if let bad = rows.first(where: { !(0..<memory.rows).contains($0) }) {
            throw ZooError.invalidConfig(entry: entry, key: "datasetSize",
                                         problem: "is \(memory.rows) but the batch holds example \(bad); the memory needs one row per training example: set it to the training set's size, or leave it unset")
        }
        switch configuration.sampling {
        case .given:
            guard let given = batch.integers["contrast_idx"] else {
                throw ZooError.invalidConfig(entry: entry, key: "sampling",
                                             problem: "is \"given\" but the batch has no integer input `contrast_idx` [B, K+1]; use `otherClasses` (the default) to let the loss draw the negatives")
            }
            let k = configuration.negatives
            guard given.shape == [count, k + 1] else {
                throw ZooError.invalidConfig(entry: entry, key: "negatives",
                                             problem: "is \(k) but the batch's contrast_idx has shape \(given.shape), expected [\(count), \(k + 1)]")
            }
            for b in 0..<count where given.scalars[b * (k + 1)] != rows[b] {
                throw ZooError.invalidConfig(entry: entry, key: "sampling",
                                             problem: "is \"given\" but contrast_idx[\(b), 0] = \(given.scalars[b * (k + 1)]) is not the example's own row \(rows[b]); column 0 must hold the positives")
            }
            if let bad = given.scalars.first(where: { !(0..<memory.rows).contains($0) }) {
                throw ZooError.invalidConfig(entry: entry, key: "datasetSize", problem: "is \(memory.rows) but contrast_idx holds row \(bad)")
            }
            return given
        case .otherClasses:
            let sampler = try self.sampler ?? NegativeSampler(labels: Array(0..<memory.rows), requested: configuration.negatives,
                                                              seed: configuration.seed)
            self.sampler = sampler
            return IntTensor(sampler.draw(rows: rows, call: memory.callCount), shape: [count, sampler.negatives + 1])
        }
    }

    /// K as used: the configured count, capped by the training set (see `NegativeSampler`).
    public var negativesPerExample: Int {
        configuration.sampling == .given ? configuration.negatives
            : (sampler?.negatives ?? Swift.min(configuration.negatives, Swift.max((memory?.rows ?? 1) - 1, 0)))
    }

    private func check(_ features: Tensor, width: Int, key: String, what: String) throws {
        guard features.rank >= 2, Self.width(of: features) == width else {
            throw ZooError.invalidConfig(entry: entry, key: key,
                                         problem: "is \(width) but the \(what)'s features have shape \(features.shape); set `--set \(entry).\(key)=\(features.rank >= 2 ? Self.width(of: features) : 0)` or leave it unset so that prepare infers it")
        }
    }

    private static func width(of features: Tensor) -> Int { features.shape.dropFirst().reduce(1, *) }

    /// Random student features `[size, studentDim]` (requiring gradients), teacher features and a
    /// batch whose examples are memory rows 0..<size (modulo N), plus `contrast_idx` when the
    /// sampling is `given`. Before the loss is built, widths of 8 are used (the loss then throws).
    public func exampleInputs(size: Int, seed: UInt64) -> (student: Outputs, teacher: Outputs, batch: Batch) {
        var generator = RandomGenerator(seed: seed)
        let s = studentHead?.inputWidth ?? configuration.studentDim ?? 8
        let t = teacherHead?.inputWidth ?? configuration.teacherDim ?? 8
        let n = memory?.rows ?? configuration.datasetSize ?? Swift.max(size, 2)
        let student = Tensor.randomNormal([size, s], using: &generator)
        student.requiresGrad = true
        let teacher = Tensor.randomNormal([size, t], using: &generator)
        let rows = (0..<size).map { $0 % n }
        var batch = Batch(indices: rows)
        if configuration.sampling == .given, let sampler = try? NegativeSampler(labels: Array(0..<n), requested: configuration.negatives, seed: seed),
           sampler.negatives == configuration.negatives {
            batch.integers["contrast_idx"] = IntTensor(sampler.draw(rows: rows, call: 0), shape: [size, sampler.negatives + 1])
        }
        return (Outputs([.features: student]), Outputs([.features: teacher]), batch)
    }
}
