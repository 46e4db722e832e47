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
    /// Where videos whose file turns out broken are recorded and left out; nil (the default):
    /// a video that cannot be read is an error.
    var skippedVideos: SkippedVideos? { get }
}

extension RetrievalSource {
    public var temporalPairs: [(Int, Int)] { [] }
    public var skippedVideos: SkippedVideos? { nil }

    /// The frames of the videos at `indices` that decode, each with its position in `indices`.
    ///
    /// A source without `skippedVideos` returns every video or throws. One with it leaves out a
    /// video whose file is broken (damaged, cut short, no video stream, too slow to decode),
    /// records it once, and never decodes it again; a missing ffmpeg is still an error.
    /// - Throws: the video's error, or `DatasetError.tooManyMissing` past `--max-missing`.
    public func decodableVideos(_ indices: [Int]) throws -> [(position: Int, frames: VideoFrames)] {
        guard let skipped = skippedVideos else { return try indices.enumerated().map { ($0.offset, try video($0.element)) } }
        var result: [(position: Int, frames: VideoFrames)] = []
        for (position, index) in indices.enumerated() where !skipped.isBroken(index) {
            do {
                result.append((position, try video(index)))
            } catch let error as VideoError {
                guard let (id, path) = error.brokenFile else { throw error }
                try skipped.recordBroken(index: index, id: id, path: path, reason: error.description)
            }
        }
        return result
    }
}
