// Skeletons for a similarity head and a distillation loss. They are deliberately the simplest
// working versions (what CLIP's head and Hinton's KD compute), so the new target builds, passes
// the registry-driven checks and can train before a line of the paper is written.

extension ScaffoldRequest {
    var headSource: String {
        #"""
        \#(paperHeader)
        import ZooCore
        import ZooManifest
        import ZooNN
        import ZooTensor

        /// "\#(name)": cosine similarity of each caption's sentence feature with each video's mean
        /// frame, times a learnable scale (CLIP's logit scale, stored as its logarithm).
        /// - text.sentence: `[Bt, D]`; video.frames: `[Bv, F, D]` with mask `[Bv, F]`.
        /// - Returns logits `[Bt, Bv]` and the normalised embeddings `[Bt, D]`, `[Bv, D]`.
        public final class \#(implementationType): Module, SimilarityHead {
            /// The settings: the defaults below, zoo.json's `config` and `--set` over them
            /// (`zoo info \#(name)` prints the effective values).
            public struct Config: MethodConfiguration {
                // TODO(method): the paper's hyper-parameters, each with its official default.
                /// Width D of the features it scores.
                public var embedDim = 512
                /// Initial log of the logit scale (ln(1/0.07), as CLIP).
                public var logitScaleInit: Float = 2.659260036932778

                public init() {}

                public func validate(entry: String) throws {
                    try ZooError.requirePositive([("embedDim", embedDim)], entry: entry)
                }
            }

            public let config: Config
            /// log of the scale applied to the cosines; `exp` keeps the scale positive while training.
            @Parameter(key: "logit_scale") public var logitScale: Tensor   // []

            /// Built from a zoo.json-style configuration (the defaults under it).
            public convenience init(config: ModelConfig) throws {
                self.init(configuration: try config.decode(Config.self))
            }

            public init(configuration: Config) {
                self.config = configuration
                super.init()  // ZooNN: keyed wrappers may only be assigned after super.init()
                // TODO(method): the paper's parameters, each with its official checkpoint key.
                logitScale = Tensor(scalar: self.config.logitScaleInit)
            }

            public var exposedTaps: Set<Tap> { [.textEmbedding, .videoEmbedding] }

            public func similarity(text: TextFeatures, video: VideoFeatures) -> Outputs {
                // TODO(method): the paper's similarity. Keep `.logits` `[Bt, Bv]` and expose in
                // `exposedTaps` whatever distillation losses may want (frame weights, ...).
                let textEmbedding = text.sentence.l2Normalized()
                let videoEmbedding = Self.maskedMean(video.frames, mask: video.mask).l2Normalized()
                let cosine = Tensor.matmul(textEmbedding, videoEmbedding, transposeB: true)
                return Outputs([.logits: cosine * logitScale.exp(), .textEmbedding: textEmbedding,
                                .videoEmbedding: videoEmbedding])
            }

            /// Mean over the real frames: frames `[B, F, D]`, mask `[B, F]` → `[B, D]`.
            static func maskedMean(_ frames: Tensor, mask: Tensor) -> Tensor {
                let weights = mask.reshaped([mask.shape[0], mask.shape[1], 1])
                return (frames * weights).sum(axis: 1) / weights.sum(axis: 1).clamped(min: 1)
            }

            public func exampleFeatures(textCount: Int, videoCount: Int, seed: UInt64) -> (TextFeatures, VideoFeatures) {
                // TODO(method): add tokens and masks if the paper's head reads words.
                let frames = 4, width = config.embedDim
                var mask = [Float](repeating: 1, count: videoCount * frames)
                if videoCount > 0 { mask[frames - 1] = 0 }  // the first video ends in a padded frame
                let text = TextFeatures(sentence: Tensor.randomNormal([textCount, width], seed: seed))
                let video = VideoFeatures(frames: Tensor.randomNormal([videoCount, frames, width], seed: seed &+ 1),
                                          mask: Tensor(mask, shape: [videoCount, frames]))
                return (text, video)
            }
        }

        """#
    }

    var lossSource: String {
        let exampleShape = family == .retrieval ? "[size, size]" : "[size, Self.exampleClasses]"
        return #"""
        \#(paperHeader)
        import ZooCore
        import ZooManifest
        import ZooNN
        import ZooTensor

        /// "\#(name)": KL divergence between the teacher's and the student's temperature-softened
        /// distributions over the last axis of `.logits`, times T² (so gradients keep their size
        /// as T changes). Works on `[N, C]` class logits and on `[Bt, Bv]` similarity matrices.
        public final class \#(implementationType): Module, DistillationLoss {
            /// The settings: the defaults below, zoo.json's `config` and `--set` over them
            /// (`zoo info \#(name)` prints the effective values).
            public struct Config: MethodConfiguration {
                // TODO(method): the paper's hyper-parameters, each with its official default.
                /// Softening temperature T > 0.
                public var temperature: Float = 4

                public init() {}

                public func validate(entry: String) throws {
                    guard temperature > 0 else {
                        throw ZooError.invalidConfig(entry: entry, key: "temperature", problem: "must be positive, got \(temperature)")
                    }
                }
            }

            /// Classes in the example logits of a classification loss (any width works).
            static let exampleClasses = 5

            public let config: Config

            /// Built from a zoo.json-style configuration (the defaults under it).
            public convenience init(config: ModelConfig) throws {
                self.init(configuration: try config.decode(Config.self))
            }

            public init(configuration: Config) {
                self.config = configuration
                super.init()
            }

            // TODO(method): the taps the paper's loss reads (`.textEmbedding`, `.frameWeights`, ...).
            public var requiredStudentTaps: Set<Tap> { [.logits] }
            public var requiredTeacherTaps: Set<Tap> { [.logits] }
            public var families: Set<Family> { [.\#(family.rawValue)] }

            public func loss(student: Outputs, teacher: Outputs, batch: Batch) throws -> Tensor {
                let studentLogits = try student.require(.logits, from: "the student")
                let teacherLogits = try teacher.require(.logits, from: "the teacher")
                guard studentLogits.shape == teacherLogits.shape else {
                    throw ZooError.incompatibleCombination(
                        ["\#(name) compares logits of one shape, but the student's are \(studentLogits.shape) and the teacher's \(teacherLogits.shape)"])
                }
                // TODO(method): the paper's loss.
                let t = config.temperature
                let studentLog = (studentLogits / t).logSoftmax(axis: -1)
                let teacherLog = (teacherLogits / t).logSoftmax(axis: -1)
                let divergence = (teacherLog.exp() * (teacherLog - studentLog)).sum(axis: -1).mean()
                return divergence * (t * t)
            }

            public func exampleInputs(size: Int, seed: UInt64) -> (student: Outputs, teacher: Outputs, batch: Batch) {
                // TODO(method): example taps of the shapes the paper's loss reads.
                let studentLogits = Tensor.randomNormal(\#(exampleShape), seed: seed)
                studentLogits.requiresGrad = true
                let teacherLogits = Tensor.randomNormal(\#(exampleShape), seed: seed &+ 1)
                return (Outputs([.logits: studentLogits]), Outputs([.logits: teacherLogits]), Batch(indices: Array(0..<size)))
            }
        }

        """#
    }
}
