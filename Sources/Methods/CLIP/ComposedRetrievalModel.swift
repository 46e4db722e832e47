// A similarity head over a CLIP backbone, trainable end to end: CLIP4Clip's `CLIP4Clip` module,
// X-CLIP's and TeachCLIP's models. The state dictionary is the official one: the backbone under
// `clip.` (OpenAI layout) and the head's keys at the root, with one shared `clip.logit_scale`.
// CLIPEntry registers it as the composer of every CLIP model (`Registry.add(composer:_:)`).
import Foundation
import ZooCore
import ZooData
import ZooManifest
import ZooNN
import ZooTensor

/// `backbone` (any `ContrastiveModel`, e.g. CLIP) encodes captions and frames; `head` scores
/// them. Taps: the head's, plus `sentence` `[Bt, D]`, `frames` `[Bv, F, D]` (the backbone's frame
/// features, before any temporal module), `frames.mask`, `similarity` (= logits) and `features`
/// (the video embedding, when the head exposes one).
public final class ComposedRetrievalModel: Module, ComposedHeadModel {
    @Child(key: "clip") public var backboneModule: Module
    @Child(key: "") public var headModule: Module
    /// The backbone and the head, typed (computed, so reflection sees each module once, under its key).
    public var backbone: any ContrastiveModel { backboneModule as! any ContrastiveModel }
    public var head: any SimilarityHead { headModule as! any SimilarityHead }
    public let backboneName: String
    public let headName: String
    /// Frames and words of `exampleBatch` (X-CLIP's matrices fix both).
    public let exampleFrames: Int
    public let exampleWords: Int
    /// The backbone's vocabulary (the ids `exampleBatch` draws from).
    let vocabularySize: Int

    public init(backbone: any ContrastiveModel, backboneName: String, head: any SimilarityHead, headName: String,
                exampleFrames: Int = 4, exampleWords: Int = 8, vocabularySize: Int = 49408) {
        (self.backboneName, self.headName) = (backboneName, headName)
        self.vocabularySize = vocabularySize
        (self.exampleFrames, self.exampleWords) = (exampleFrames, exampleWords)
        super.init()   // keyed wrappers are assigned after
        backboneModule = backbone
        headModule = head
        head.shareLogitScale(backbone.logitScale)
    }

    public var family: Family { .retrieval }

    /// The key prefix of the backbone's parameters in the composed state.
    public var backbonePrefix: String { "clip." }

    /// Composes a head over a CLIP backbone for the registry.
    static func compose(_ request: CompositionRequest) throws -> any ComposedHeadModel {
        guard let clip = request.backbone as? CLIPModel else {
            throw ZooError.invalidConfig(entry: request.headName, key: "backbone", problem: "\(request.backboneName) did not build a CLIP model")
        }
        return ComposedRetrievalModel(backbone: clip, backboneName: request.backboneName, head: request.head, headName: request.headName,
                                      exampleFrames: try request.headConfig.positiveInt("frames", default: 4),
                                      exampleWords: try request.headConfig.positiveInt("words", default: 8),
                                      vocabularySize: clip.configuration.vocabSize)
    }

    public var exposedTaps: Set<Tap> {
        var taps = head.exposedTaps.union([.logits, .similarity, .sentenceFeatures, .frameFeatures, .frameMask])
        if head.exposedTaps.contains(.videoEmbedding) { taps.insert(.features) }
        return taps
    }

    /// Text and video features from the backbone (precomputed `.features` skip the image encoder).
    func features(_ batch: Batch) throws -> (TextFeatures, VideoFeatures) {
        let inputs = try batch.retrievalInputs()
        let text = backbone.encodeText(inputs.captionIDs)
        switch inputs.video {
        case let .features(frames): return (text, VideoFeatures(frames: frames, mask: inputs.videoMask))
        case let .pixels(pixels): return (text, backbone.encodeVideo(pixels: pixels, mask: inputs.videoMask))
        }
    }

    public func forward(_ batch: Batch) throws -> Outputs {
        let (text, video) = try features(batch)
        try head.validate(text: text, video: video)
        var outputs = head.similarity(text: text, video: video)
        let logits = try outputs.require(.logits, from: headName)
        outputs[.similarity] = logits
        outputs[.sentenceFeatures] = text.sentence
        if outputs[.frameFeatures] == nil { outputs[.frameFeatures] = video.frames }
        outputs[.frameMask] = video.mask
        if let embedding = outputs[.videoEmbedding] { outputs[.features] = embedding }
        return outputs
    }

    /// ½[CE(S) + CE(Sᵀ)] on the head's logits, as all three papers train.
    public func taskLoss(_ outputs: Outputs, batch: Batch) throws -> Tensor {
        try outputs.require(.logits, from: headName).symmetricCrossEntropy()
    }

    /// CLIP4Clip's clamp of the shared logit scale after each step: at most ln 100, no lower
    /// bound (main_task_retrieval.py, train_epoch: `clamp_(logit_scale.data, max=np.log(100))`;
    /// X-CLIP's and TeachCLIP's loops do the same).
    /// A backbone other than CLIP keeps its own rule.
    public func didUpdateParameters() {
        if let clip = backboneModule as? CLIPModel { clip.clampLogitScale(lowerBound: nil) } else { backbone.didUpdateParameters() }
    }

    /// Random captions of `exampleWords` ids (SOT … EOT, zero padded) and `exampleFrames` frames
    /// of random pixels, the later videos with fewer valid frames.
    public func exampleBatch(size: Int, seed: UInt64) -> Batch {
        var generator = RandomGenerator(seed: seed)
        let (length, frames, side) = (exampleWords, exampleFrames, backbone.imageSize)
        let vocabulary = vocabularySize
        var ids = [Int](repeating: 0, count: size * length)
        for row in 0..<size {
            let words = 1 + generator.nextInt(below: Swift.max(length - 2, 1))
            ids[row * length] = vocabulary - 2
            for i in 1...words where i < length - 1 { ids[row * length + i] = 1 + generator.nextInt(below: vocabulary - 3) }
            ids[row * length + Swift.min(words + 1, length - 1)] = vocabulary - 1
        }
        var mask = [Float](repeating: 0, count: size * frames)
        for row in 0..<size { for f in 0..<Swift.max(1, frames - row % frames) { mask[row * frames + f] = 1 } }
        return Batch(retrieval: RetrievalInputs(captionIDs: IntTensor(ids, shape: [size, length]),
                                                video: .pixels(Tensor.randomNormal([size, frames, 3, side, side], using: &generator)),
                                                videoMask: Tensor(mask, shape: [size, frames]), videoIndices: Array(0..<size)),
                     indices: Array(0..<size))
    }
}

extension ComposedRetrievalModel {
    /// Factorised heads store one normalised vector per caption; others keep the sentence and
    /// token features for block scoring.
    public func encodeCaptions(_ ids: IntTensor) throws -> [Tap: Tensor] {
        let text = backbone.encodeText(ids)
        if let factorized = head.factorized { return [.textEmbedding: factorized.embedText(text)] }
        var stored: [Tap: Tensor] = [.sentenceFeatures: text.sentence]
        if let tokens = text.tokens { stored["text.tokens"] = tokens }
        if let mask = text.mask { stored["text.mask"] = mask }
        return stored
    }

    /// Factorised heads store one normalised vector per video; others keep the frame features.
    public func encodeVideos(_ frames: Tensor, kind: VideoFrames.Kind, mask: Tensor) throws -> [Tap: Tensor] {
        let video = kind == .features ? VideoFeatures(frames: frames, mask: mask) : backbone.encodeVideo(pixels: frames, mask: mask)
        if let factorized = head.factorized { return [.videoEmbedding: factorized.embedVideo(video)] }
        return [.frameFeatures: video.frames, .frameMask: video.mask]
    }

    /// A dot product for factorised heads (the logit scale does not change ranks); the head on
    /// the block otherwise.
    public func score(captions: [Tap: Tensor], videos: [Tap: Tensor]) throws -> Tensor {
        let captionStore = Outputs(captions), videoStore = Outputs(videos)
        if head.factorized != nil {
            return Tensor.matmul(try captionStore.require(.textEmbedding, from: headName),
                                 try videoStore.require(.videoEmbedding, from: headName), transposeB: true)
        }
        let text = TextFeatures(sentence: try captionStore.require(.sentenceFeatures, from: headName),
                                tokens: captions["text.tokens"], mask: captions["text.mask"])
        let video = VideoFeatures(frames: try videoStore.require(.frameFeatures, from: headName),
                                  mask: try videoStore.require(.frameMask, from: headName))
        try head.validate(text: text, video: video)
        return try head.similarity(text: text, video: video).require(.logits, from: headName)
    }
}
