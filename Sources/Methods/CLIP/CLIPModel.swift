// CLIP as a retrieval model of the zoo. Mirrors openai/CLIP clip/model.py `CLIP.forward`.
// Deviations: a video is its frames through the image encoder, mean-pooled as CLIP4Clip's
// meanP does (`v = n(Σ m_f n(f_f) / Σ m_f)`); with one frame this is exactly CLIP's image
// embedding. Padded frames are masked before they are normalised (`l2Normalized(keepingRows:)`):
// zero-padded precomputed features would otherwise give 0/0 and a NaN video vector. Trained
// alone, the logit scale is clamped to [0, ln 100] after every optimizer step, as open_clip's
// training loop does (training/train.py; the released CLIP code has no training loop). Under a
// similarity head, `ComposedRetrievalModel` clamps it CLIP4Clip's way instead (at most ln 100).
import Foundation
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor

/// Image/video and text encoders with a learnable logit scale. Keys: OpenAI's state-dict layout
/// (`visual.*`, `token_embedding.weight`, `transformer.*`, `ln_final.*`, `text_projection`,
/// `logit_scale`), which is also the zoo's own checkpoint layout.
public final class CLIPModel: Module, ContrastiveModel, ReportsEffectiveSettings {
    @Child(key: "visual") public var visual: VisionTransformer
    @Child(key: "") public var text: TextTransformer
    @Parameter(key: "logit_scale") public var logitScale: Tensor   // 0-d, ln of the scale
    public let configuration: CLIPConfiguration

    public init(_ configuration: CLIPConfiguration) {
        self.configuration = configuration
        super.init()
        visual = VisionTransformer(configuration)
        text = TextTransformer(configuration)
        logitScale = Tensor(scalar: configuration.logitScaleInit)
    }

    public var family: Family { .retrieval }
    /// The sizes this model was built with, by zoo.json key (a checkpoint may have set them).
    public var effectiveSettings: [String: Double] {
        let c = configuration
        var settings: [String: Double] = [
            "imageSize": Double(c.imageSize), "patchSize": Double(c.patchSize), "visionWidth": Double(c.visionWidth),
            "visionLayers": Double(c.visionLayers), "visionHeads": Double(c.visionHeads), "textWidth": Double(c.textWidth),
            "textLayers": Double(c.textLayers), "textHeads": Double(c.textHeads), "contextLength": Double(c.contextLength),
            "vocabSize": Double(c.vocabSize), "embedDim": Double(c.embedDim), "layerNormEps": Double(c.layerNormEps),
            "logitScaleInit": Double(logitScale.item),
        ]
        if c.visionMLPWidth % c.visionWidth == 0, c.textMLPWidth % c.textWidth == 0,
           c.visionMLPWidth / c.visionWidth == c.textMLPWidth / c.textWidth {
            settings["mlpRatio"] = Double(c.visionMLPWidth / c.visionWidth)
        }
        return settings
    }
    /// What clip/model.py `convert_weights` turns to fp16: every Conv and Linear weight and bias,
    /// the attention's packed `in_proj_weight`/`in_proj_bias` (its `out_proj` is a Linear),
    /// `text_projection` and `visual.proj`. Embeddings, layer norms and the logit scale stay fp32.
    public var halfPrecisionParameterKeys: Set<String>? {
        var keys: Set<String> = ["text_projection", "visual.proj"]
        for (key, module) in namedModules() {
            let prefix = key.isEmpty ? "" : key + "."
            switch module {
            case let linear as Linear:
                keys.insert(prefix + "weight")
                if linear.bias != nil { keys.insert(prefix + "bias") }
            case let convolution as Conv2d:
                keys.insert(prefix + "weight")
                if convolution.bias != nil { keys.insert(prefix + "bias") }
            case is MultiheadAttention:
                keys.formUnion([prefix + "in_proj_weight", prefix + "in_proj_bias"])
            default:
                continue
            }
        }
        return keys.intersection(Set(namedParameters().map(\.key)))
    }
    public var embeddingWidth: Int { configuration.embedDim }
    public var contextLength: Int { configuration.contextLength }
    public var imageSize: Int { configuration.imageSize }
    public var imageEncoderParameterPattern: String { "visual.*" }
    public var exposedTaps: Set<Tap> {
        [.logits, .similarity, .textEmbedding, .videoEmbedding, .features, .sentenceFeatures, .frameFeatures, .frameMask]
    }

    public func encodeText(_ ids: IntTensor) -> TextFeatures {
        let (sentence, tokens) = text(ids)
        let mask = Tensor(ids.scalars.map { $0 != 0 ? 1 : 0 }, shape: ids.shape)
        return TextFeatures(sentence: sentence, tokens: tokens, mask: mask)
    }

    /// pixels: `[B, F, 3, S, S]`, mask `[B, F]` → frame features `[B, F, E]`.
    public func encodeVideo(pixels: Tensor, mask: Tensor) -> VideoFeatures {
        let (batch, frames) = (pixels.shape[0], pixels.shape[1])
        let images = pixels.reshaped([batch * frames] + Array(pixels.shape[2...]))
        return VideoFeatures(frames: visual(images).reshaped([batch, frames, configuration.embedDim]), mask: mask)
    }

    /// Normalised text and video embeddings and `exp(logit_scale)·t·vᵀ`.
    public func forward(_ batch: Batch) throws -> Outputs {
        let inputs = try batch.retrievalInputs()
        let textFeatures = encodeText(inputs.captionIDs)
        let mask = inputs.videoMask
        let video: VideoFeatures
        switch inputs.video {
        case let .features(features): video = VideoFeatures(frames: features, mask: mask)   // precomputed: no image encoder
        case let .pixels(pixels): video = encodeVideo(pixels: pixels, mask: mask)
        }
        let textEmbedding = textFeatures.sentence.l2Normalized()
        let videoEmbedding = CLIPModel.meanPooledEmbedding(video)
        let logits = Tensor.matmul(textEmbedding, videoEmbedding, transposeB: true) * logitScale.exp()
        // `features` (what CRD embeds) is the video embedding, as for the composed retrieval models.
        return Outputs([.logits: logits, .similarity: logits, .textEmbedding: textEmbedding, .videoEmbedding: videoEmbedding,
                        .features: videoEmbedding, .sentenceFeatures: textFeatures.sentence, .frameFeatures: video.frames, .frameMask: mask])
    }

    /// `n(Σ_f m_f n(f_f) / max(Σ_f m_f, 1))`: `[B, D]`. A padded frame (m_f = 0) is dropped before
    /// it is normalised, so zero padding never gives 0/0.
    public static func meanPooledEmbedding(_ video: VideoFeatures) -> Tensor {
        let mask = video.mask.expandingDimension(at: -1)
        let pooled = video.frames.l2Normalized(keepingRows: mask).sum(axis: 1) / Tensor.maximum(mask.sum(axis: 1), Tensor(scalar: 1))
        return pooled.l2Normalized()
    }

    /// Symmetric InfoNCE on the logits (CLIP's loss).
    public func taskLoss(_ outputs: Outputs, batch: Batch) throws -> Tensor {
        try outputs.require(.logits, from: "CLIP").symmetricCrossEntropy()
    }

    /// Random captions (SOT, words, EOT, padding) and 2-frame videos of random pixels.
    public func exampleBatch(size: Int, seed: UInt64) -> Batch {
        var generator = RandomGenerator(seed: seed)
        let length = Swift.min(8, configuration.contextLength)
        var ids = [Int](repeating: 0, count: size * length)
        for row in 0..<size {
            let words = 1 + generator.nextInt(below: length - 2)
            ids[row * length] = configuration.vocabSize - 2                          // <|startoftext|>
            for i in 1...words { ids[row * length + i] = 1 + generator.nextInt(below: configuration.vocabSize - 3) }
            ids[row * length + words + 1] = configuration.vocabSize - 1              // <|endoftext|>
        }
        let s = configuration.imageSize
        return Batch(retrieval: RetrievalInputs(captionIDs: IntTensor(ids, shape: [size, length]),
                                                video: .pixels(Tensor.randomNormal([size, 2, 3, s, s], using: &generator)),
                                                videoMask: Tensor.ones([size, 2]), videoIndices: Array(0..<size)),
                     indices: Array(0..<size))
    }

    /// open_clip's clamp of the logit scale to [0, ln 100], applied after optimizer steps.
    public func didUpdateParameters() { clampLogitScale(lowerBound: 0) }

    /// Clamps ln s to at most ln 100, and to at least `lowerBound` when one is given.
    public func clampLogitScale(lowerBound: Float?) {
        logitScale.withUnsafeMutableBufferPointer { value in
            value[0] = Swift.min(value[0], Float(Foundation.log(100.0)))
            if let lowerBound { value[0] = Swift.max(value[0], lowerBound) }
        }
    }
}

extension CLIPModel: RetrievalModel {
    /// One normalised sentence vector per caption.
    public func encodeCaptions(_ ids: IntTensor) throws -> [Tap: Tensor] {
        [.textEmbedding: encodeText(ids).sentence.l2Normalized()]
    }

    /// One normalised, mean-pooled vector per video.
    public func encodeVideos(_ frames: Tensor, kind: VideoFrames.Kind, mask: Tensor) throws -> [Tap: Tensor] {
        let video = kind == .features ? VideoFeatures(frames: frames, mask: mask) : encodeVideo(pixels: frames, mask: mask)
        return [.videoEmbedding: CLIPModel.meanPooledEmbedding(video)]
    }

    /// Cosine similarity (the logit scale does not change ranks).
    public func score(captions: [Tap: Tensor], videos: [Tap: Tensor]) throws -> Tensor {
        Tensor.matmul(try Outputs(captions).require(.textEmbedding, from: "CLIP"),
                      try Outputs(videos).require(.videoEmbedding, from: "CLIP"), transposeB: true)
    }
}
