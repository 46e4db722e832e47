// The shape every text–video dataset split takes, whatever its origin (the embedded synthvtt
// benchmark, MSR-VTT-style folders, precomputed features), so that batching, training and
// evaluation never look at where the data came from.
import ZooTensor

/// A caption and the video it describes.
public struct Caption: Sendable, Equatable {
    public var text: String
    /// Index of its video in the split.
    public var video: Int

    public init(text: String, video: Int) {
        self.text = text
        self.video = video
    }
}

/// The frames of one video as a model receives them.
public struct VideoFrames {
    public enum Kind: String, Sendable { case pixels, features }
    /// `[F, 3, S, S]` preprocessed pixels (`kind == .pixels`) or `[F, D]` frame features
    /// (`kind == .features`), F the split's `framesPerVideo`; rows past `validFrames` are zero.
    public var values: Tensor
    public var kind: Kind
    /// How many leading frames are real (at least 1).
    public var validFrames: Int

    public init(values: Tensor, kind: Kind, validFrames: Int) {
        precondition(validFrames >= 1 && validFrames <= values.shape[0],
                     "VideoFrames: \(validFrames) valid frames of \(values.shape[0])")
        self.values = values
        self.kind = kind
        self.validFrames = validFrames
    }
}

/// One split (train, val or test) of a text–video retrieval dataset.
public protocol RetrievalSource {
    /// What it is, for logs and reports: "synthvtt/test", "msrvtt:/data/msrvtt/test".
    var name: String { get }
    /// Number of videos.
    var videoCount: Int { get }
    /// Frames per video after sampling and padding (F).
    var framesPerVideo: Int { get }
    /// Every caption with its video; several captions may share a video.
    var captions: [Caption] { get }
    /// Pairs of videos that differ only in the order of their events (synthvtt's temporal hard
    /// negatives); empty for sources that have none.
    var temporalPairs: [(Int, Int)] { get }
    /// The frames of video `index`, decoded and preprocessed.
    func video(_ index: Int) throws -> VideoFrames
}

extension RetrievalSource {
    public var temporalPairs: [(Int, Int)] { [] }
}
