// Skeletons for whole models: a retrieval model (token ids and frame features in, a similarity
// matrix out) and a classifier (input vectors in, class logits out). Each is the smallest model
// with learnable layers that trains on the batches ZooData produces for its family.

extension ScaffoldRequest {
    var retrievalModelSource: String {
        #"""
        \#(paperHeader)
        import ZooCore
        import ZooManifest
        import ZooNN
        import ZooTensor

        /// "\#(name)": captions are the mean of their token embeddings, videos the mean of their
        /// linearly projected frame features; logits are their cosines times a learnable scale.
        /// - batch: `retrieval` with caption ids `[B, T]` (0 pads), `.features` `[B, F, featureDim]`, the mask `[B, F]`.
        /// - Returns logits `[B, B]` (row i matches column i) and the normalised embeddings `[B, D]`.
        public final class \#(implementationType): Module, ZooModel {
            /// The settings: the defaults below, zoo.json's `config` and `--set` over them
            /// (`zoo info \#(name)` prints the effective values).
            public struct Config: MethodConfiguration {
                // TODO(method): the paper's hyper-parameters, each with its official default.
                public var vocabSize = 49408
                /// Token positions T of the example batch.
                public var words = 32
                /// Width of the precomputed frame features.
                public var featureDim = 512
                /// Frames F of the example batch.
                public var frames = 12
                /// Width D of the joint embedding.
                public var embedDim = 512
                /// Initial log of the logit scale (ln(1/0.07), as CLIP).
                public var logitScaleInit: Float = 2.659260036932778

                public init() {}

                public func validate(entry: String) throws {
                    try ZooError.requirePositive([("vocabSize", vocabSize), ("words", words), ("featureDim", featureDim),
                                                  ("frames", frames), ("embedDim", embedDim)], entry: entry)
                }
            }

            public let config: Config
            // TODO(method): the paper's encoders, each with its official checkpoint key.
            @Child(key: "token_embedding") public var tokens: Embedding
            @Child(key: "frame_projection") public var frameProjection: Linear
            @Parameter(key: "logit_scale") public var logitScale: Tensor   // []

            /// Built from a zoo.json-style configuration (the defaults under it).
            public convenience init(config: ModelConfig) throws {
                self.init(configuration: try config.decode(Config.self))
            }

            public init(configuration: Config) {
                self.config = configuration
                super.init()  // ZooNN: keyed wrappers may only be assigned after super.init()
                tokens = Embedding(self.config.vocabSize, self.config.embedDim, standardDeviation: 0.02)
                frameProjection = Linear(self.config.featureDim, self.config.embedDim)
                logitScale = Tensor(scalar: self.config.logitScaleInit)
            }

            public var family: Family { .retrieval }
            public var exposedTaps: Set<Tap> { [.logits, .textEmbedding, .videoEmbedding] }

            public func forward(_ batch: Batch) throws -> Outputs {
                // TODO(method): the paper's forward pass.
                let inputs = try batch.retrievalInputs()
                let ids = inputs.captionIDs
                let textMask = Tensor(ids.scalars.map { $0 == 0 ? 0 : 1 }, shape: ids.shape)
                let text = Self.maskedMean(tokens(ids), mask: textMask).l2Normalized()
                guard case let .features(features) = inputs.video else {
                    throw ZooError.incompatibleCombination(["\#(name) reads precomputed frame features: train it on features:DIR"])
                }
                let frames = frameProjection(features)
                let video = Self.maskedMean(frames, mask: inputs.videoMask).l2Normalized()
                let logits = Tensor.matmul(text, video, transposeB: true) * logitScale.exp()
                return Outputs([.logits: logits, .textEmbedding: text, .videoEmbedding: video])
            }

            public func taskLoss(_ outputs: Outputs, batch: Batch) throws -> Tensor {
                // TODO(method): the paper's training loss (here symmetric InfoNCE, as CLIP).
                try outputs.require(.logits, from: "\#(name)").symmetricCrossEntropy()
            }

            /// Mean over the real positions: x `[B, L, D]`, mask `[B, L]` → `[B, D]`.
            static func maskedMean(_ x: Tensor, mask: Tensor) -> Tensor {
                let weights = mask.reshaped([mask.shape[0], mask.shape[1], 1])
                return (x * weights).sum(axis: 1) / weights.sum(axis: 1).clamped(min: 1)
            }

            public func exampleBatch(size: Int, seed: UInt64) -> Batch {
                var generator = RandomGenerator(seed: seed)
                let (words, frames) = (config.words, config.frames)
                // Each caption has 1...words real tokens (ids ≥ 1), then zero padding.
                var ids = [Int](repeating: 0, count: size * words)
                for row in 0..<size {
                    let length = 1 + generator.nextInt(below: words)
                    for position in 0..<length { ids[row * words + position] = 1 + generator.nextInt(below: config.vocabSize - 1) }
                }
                let inputs = RetrievalInputs(captionIDs: IntTensor(ids, shape: [size, words]),
                                             video: .features(Tensor.randomNormal([size, frames, config.featureDim], using: &generator)),
                                             videoMask: Tensor.ones([size, frames]))
                return Batch(retrieval: inputs, indices: Array(0..<size))
            }
        }

        """#
    }

    var classificationModelSource: String {
        #"""
        \#(paperHeader)
        import ZooCore
        import ZooManifest
        import ZooNN
        import ZooTensor

        /// "\#(name)": a two-layer perceptron, input vectors → ReLU features → class logits.
        /// - batch: `inputs` `[B, inputs]`, `labels` `[B]`.
        /// - Returns logits `[B, classes]` and the penultimate features `[B, width]` (what CRD embeds).
        public final class \#(implementationType): Module, ZooModel {
            /// The settings: the defaults below, zoo.json's `config` and `--set` over them
            /// (`zoo info \#(name)` prints the effective values).
            public struct Config: MethodConfiguration {
                // TODO(method): the paper's hyper-parameters, each with its official default.
                /// Width of each input vector.
                public var inputs = 64
                /// Width of the hidden features.
                public var width = 128
                public var classes = 10

                public init() {}

                public func validate(entry: String) throws {
                    try ZooError.requirePositive([("inputs", inputs), ("width", width), ("classes", classes)], entry: entry)
                }
            }

            public let config: Config
            // TODO(method): the paper's layers, each with its official checkpoint key.
            @Child(key: "hidden") public var hidden: Linear
            @Child(key: "classifier") public var classifier: Linear

            /// Built from a zoo.json-style configuration (the defaults under it).
            public convenience init(config: ModelConfig) throws {
                self.init(configuration: try config.decode(Config.self))
            }

            public init(configuration: Config) {
                self.config = configuration
                super.init()  // ZooNN: keyed wrappers may only be assigned after super.init()
                hidden = Linear(self.config.inputs, self.config.width)
                classifier = Linear(self.config.width, self.config.classes)
            }

            public var family: Family { .classification }
            public var exposedTaps: Set<Tap> { [.logits, .features] }

            public func forward(_ batch: Batch) throws -> Outputs {
                // TODO(method): the paper's forward pass.
                let features = hidden(try batch.tensor("inputs")).relu()
                return Outputs([.features: features, .logits: classifier(features)])
            }

            public func taskLoss(_ outputs: Outputs, batch: Batch) throws -> Tensor {
                // TODO(method): the paper's training loss (here cross-entropy).
                try outputs.require(.logits, from: "\#(name)").crossEntropy(labels: try batch.integers("labels"))
            }

            public func exampleBatch(size: Int, seed: UInt64) -> Batch {
                var generator = RandomGenerator(seed: seed)
                let labels = (0..<size).map { _ in generator.nextInt(below: config.classes) }
                return Batch(tensors: ["inputs": Tensor.randomNormal([size, config.inputs], using: &generator)],
                             integers: ["labels": IntTensor(labels)], indices: Array(0..<size))
            }
        }

        """#
    }
}
