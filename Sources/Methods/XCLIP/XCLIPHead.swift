// X-CLIP: End-to-End Multi-grained Contrastive Learning for Video-Text Retrieval.
// Yiwei Ma, Guohai Xu, Xiaoshuai Sun, Ming Yan, Ji Zhang, Rongrong Ji — 2022, arXiv:2207.07285.
// Mirrors xuguohai/X-CLIP modules/modeling_xclip.py `XCLIP._loose_similarity` with sim_header
// "seqTransf" and `use_original_clip_for_frame_features = True`.
// Deviations: none in the values. Scoring is tiled (see MultiGrainedScores.swift). The all-gather
// across GPUs is dropped (one process sees the whole batch). `tau` is read from the config
// (official: the constant 0.01). Word and frame counts are checked against the matrix sizes,
// which the official code leaves to a shape error inside torch.matmul. Padded frames are dropped
// before the masked mean normalises them, and a frame (or word) row of zeros stays zero when
// normalised for the fine-grained terms, where the official code lets padding take part: its
// padded frames are CLIP features of black frames, never zero, but zero-padded precomputed
// features are, and x / ‖x‖ would make every score of that video NaN. Other rows are unchanged.
import CLIP
import CLIP4Clip
import ZooCore
import ZooNN
import ZooTensor

/// X-CLIP's similarity head: four scores between a caption and a video, averaged.
///
/// With `s = n(t)` `[Bt, D]`, `w = n(words)` `[Bt, T, D]` (every position, padding included),
/// `f'' = seqTransf(f)`, `v = n(masked mean of n(f''))` `[Bv, D]` and `fr = n(f)` `[Bv, F, D]` (the
/// frames *before* the temporal transformer), and `ls = exp(clip.logit_scale)`:
/// `VS = (s G) vᵀ`, `VW = X ⊛_words W_wl`, `SF = Y ⊛_frames W_fl`, `FW = (U ⊛_frames W_fm2 + R ⊛_words W_wm2) / 2`
/// (README of the parity fixtures, "xclip"), and `logits = ls·(VS + VW + SF + FW)/4`.
///
/// Keys: `clip.logit_scale`, `frame_position_embeddings.weight` `[maxPositions, D]`,
/// `transformerClip.resblocks.N.*`, `global_mat_weight`, `local_mat_weight` `[D, D]`,
/// `word_logit_weight`, `word_mat_weight`, `word_mat_weight2` `[T, T]`, `frame_logit_weight`,
/// `frame_mat_weight`, `frame_mat_weight2` `[F, F]` — the eight matrices start as identities.
public final class XCLIPHead: Module, SimilarityHead {
    /// ln s: `clip.logit_scale`, or the backbone's once shared.
    @Child(key: "") public var scaleParameter: HeadLogitScale
    /// The seqTransf temporal module; its keys sit at the head's root.
    @Child(key: "") var temporal: SequentialFrameTransformer
    @Parameter(key: "global_mat_weight") public var globalMatrix: Tensor
    @Parameter(key: "local_mat_weight") public var localMatrix: Tensor
    @Parameter(key: "word_logit_weight") public var wordLogitMatrix: Tensor
    @Parameter(key: "frame_logit_weight") public var frameLogitMatrix: Tensor
    @Parameter(key: "word_mat_weight") public var wordMatrix: Tensor
    @Parameter(key: "frame_mat_weight") public var frameMatrix: Tensor
    @Parameter(key: "word_mat_weight2") public var wordMatrix2: Tensor
    @Parameter(key: "frame_mat_weight2") public var frameMatrix2: Tensor
    public let configuration: XCLIPConfiguration
    /// Text–video pairs scored at once. The frame–word step holds about five `T·F` floats per
    /// pair of a tile, so this bounds evaluation memory (`peakEvaluationBytes`); it never
    /// changes the values.
    public var pairsPerBlock: Int

    public init(_ configuration: XCLIPConfiguration) {
        self.configuration = configuration
        pairsPerBlock = configuration.pairsPerBlock
        super.init()   // keyed wrappers are assigned after
        scaleParameter = HeadLogitScale(initial: configuration.logitScaleInit)
        temporal = SequentialFrameTransformer(width: configuration.width, layers: configuration.layers, heads: configuration.heads,
                                       maxPositions: configuration.maxPositions, layerNormEps: configuration.layerNormEps)
        let (width, words, frames) = (configuration.width, configuration.words, configuration.frames)
        (globalMatrix, localMatrix) = (Self.identity(width), Self.identity(width))
        (wordLogitMatrix, wordMatrix, wordMatrix2) = (Self.identity(words), Self.identity(words), Self.identity(words))
        (frameLogitMatrix, frameMatrix, frameMatrix2) = (Self.identity(frames), Self.identity(frames), Self.identity(frames))
        OfficialInitialization.apply(to: self)   // init_weights over the temporal blocks; the identity matrices are not nn.Linear
    }

    static func identity(_ size: Int) -> Tensor {
        Tensor((0..<(size * size)).map { $0 / size == $0 % size ? 1 : 0 }, shape: [size, size])
    }

    /// ln s in use (0-d): the head's own, or the backbone's after `shareLogitScale(_:)`.
    public var logitScale: Tensor { scaleParameter.value }

    public func shareLogitScale(_ backboneScale: Tensor) { scaleParameter.share(backboneScale) }

    public func initialize(fromBackbone backboneState: [String: Tensor]) -> Result<[String], HeadInitializationSkipped>? {
        temporal.initialize(fromBackbone: backboneState)
    }

    public var exposedTaps: Set<Tap> {
        [.logits, .videoSentenceLogits, .videoWordLogits, .sentenceFrameLogits, .frameWordLogits, .textEmbedding,
         .videoEmbedding, .encodedFrames, .frameFeatures, .sentenceFeatures]
    }

    /// Throws unless `text` has token features with exactly `words` positions and `video` exactly
    /// `frames` frames (the sizes of X-CLIP's learnable matrices), all `embedDim` wide.
    public func validate(text: TextFeatures, video: VideoFeatures) throws {
        if let problem = inputProblem(text: text, video: video) {
            throw ZooError.invalidConfig(entry: "xclip", key: problem.key, problem: problem.message)
        }
    }

    private func inputProblem(text: TextFeatures, video: VideoFeatures) -> (key: String, message: String)? {
        let (width, words, frames) = (configuration.width, configuration.words, configuration.frames)
        guard let tokens = text.tokens else {
            return ("words", """
                is \(words), but the text features carry no per-token features (TextFeatures.tokens [Bt, T, D]); \
                X-CLIP scores words, so the text encoder must return them
                """)
        }
        guard tokens.rank == 3, tokens.shape[0] == text.sentence.shape[0], tokens.shape[1] == words else {
            let fix = tokens.rank == 3 ? " (or build the head with --set words=\(tokens.shape[1]))" : ""
            return ("words", """
                is \(words), but the token features are \(tokens.shape) for \(text.sentence.shape[0]) captions; X-CLIP's word \
                matrices are \(words)×\(words), so captions must be padded or cut to \(words) tokens\(fix)
                """)
        }
        guard video.frames.shape[1] == frames else {
            return ("frames", """
                is \(frames), but the videos have \(video.frames.shape[1]) frames; X-CLIP's frame matrices are \
                \(frames)×\(frames), so sample or pad every video to \(frames) frames (or build the head with \
                --set frames=\(video.frames.shape[1]))
                """)
        }
        guard text.sentence.shape.last == width, tokens.shape[2] == width, video.frames.shape[2] == width else {
            return ("embedDim", "is \(width), but the features are \(text.sentence.shape), \(tokens.shape) and \(video.frames.shape) wide")
        }
        return nil
    }

    /// Taps: `logits` `[Bt, Bv]`; the four scaled scores `logits_video_sentence`,
    /// `logits_video_word`, `logits_sentence_frame`, `logits_frame_word` `[Bt, Bv]`;
    /// `embedding.text` s `[Bt, D]`; `embedding.video` v `[Bv, D]`; `frames.encoded` f''·m
    /// `[Bv, F, D]`; `frames` the input frames f `[Bv, F, D]`; `sentence` the input t `[Bt, D]`
    /// (these two, un-normalised, are what TeachCLIP's fine teaching reads from an X-CLIP teacher).
    /// Wrong word or frame counts stop with the message of `validate(text:video:)`.
    public func similarity(text: TextFeatures, video: VideoFeatures) -> Outputs {
        if let problem = inputProblem(text: text, video: video) { preconditionFailure("xclip: '\(problem.key)' \(problem.message)") }
        let keep = video.mask.expandingDimension(at: -1)                                   // [Bv, F, 1]
        let refined = temporal(video.frames, mask: video.mask)                             // f''
        let count = Tensor.maximum(video.mask.sum(axis: 1, keepingDimensions: true), Tensor(scalar: 1))
        let videoEmbedding = (refined.l2Normalized(keepingRows: keep).sum(axis: 1) / count).l2Normalized()   // v
        let sentence = text.sentence.l2Normalized()                                         // s
        let words = text.tokens!.l2NormalizedKeepingZeroRows()                              // w
        let frames = video.frames.l2NormalizedKeepingZeroRows()                             // fr
        let width = configuration.width
        let projectedWords = Tensor.matmul(words.reshaped([-1, width]), localMatrix).reshaped(words.shape)   // w G_local
        let scores = MultiGrainedScores(wordLogit: wordLogitMatrix, frameLogit: frameLogitMatrix, wordMat: wordMatrix,
                                        frameMat: frameMatrix, frameMat2: frameMatrix2, wordMat2: wordMatrix2, tau: configuration.tau)
        let (videoWord, sentenceFrame, frameWord) = scores(s: sentence, w: words, wG: projectedWords, v: videoEmbedding,
                                                           fr: frames, pairsPerBlock: pairsPerBlock)
        let videoSentence = Tensor.matmul(Tensor.matmul(sentence, globalMatrix), videoEmbedding, transposeB: true)
        let scale = logitScale.exp()
        let scaled = [videoSentence, videoWord, sentenceFrame, frameWord].map { $0 * scale }
        let logits = (scaled[0] + scaled[1] + scaled[2] + scaled[3]) * 0.25
        return Outputs([.logits: logits, .videoSentenceLogits: scaled[0], .videoWordLogits: scaled[1],
                        .sentenceFrameLogits: scaled[2], .frameWordLogits: scaled[3], .textEmbedding: sentence,
                        .videoEmbedding: videoEmbedding, .encodedFrames: refined * keep, .frameFeatures: video.frames,
                        .sentenceFeatures: text.sentence])
    }

    public func exampleFeatures(textCount: Int, videoCount: Int, seed: UInt64) -> (TextFeatures, VideoFeatures) {
        exampleXCLIPFeatures(configuration, textCount: textCount, videoCount: videoCount, seed: seed)
    }
}
