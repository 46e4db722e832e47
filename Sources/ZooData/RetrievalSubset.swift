// A split with some of its videos left out (those found broken), re-indexed, so that the
// evaluation's matrix and metrics cover exactly the videos that decoded.
import ZooTensor

/// The videos `kept` of `base` (ascending) and their captions, re-indexed from 0.
public struct RetrievalSubset: RetrievalSource {
    public let base: any RetrievalSource
    /// Index in `base` of each video here.
    public let kept: [Int]
    public let captions: [Caption]
    /// Index in `base.captions` of each caption here.
    public let captionIndices: [Int]

    public init(base: any RetrievalSource, keeping kept: [Int]) {
        self.base = base
        self.kept = kept
        var newIndex = [Int: Int]()
        for (position, old) in kept.enumerated() { newIndex[old] = position }
        var captions: [Caption] = [], indices: [Int] = []
        for (index, caption) in base.captions.enumerated() {
            guard let video = newIndex[caption.video] else { continue }
            captions.append(Caption(text: caption.text, video: video))
            indices.append(index)
        }
        (self.captions, self.captionIndices) = (captions, indices)
    }

    public var name: String { base.name }
    public var videoCount: Int { kept.count }
    public var framesPerVideo: Int { base.framesPerVideo }
    /// None: the subset is made of videos that already decoded (the base's record keeps its own
    /// indices, which are not this subset's).
    public var skippedVideos: SkippedVideos? { nil }
    /// Temporal pairs whose two videos are both kept.
    public var temporalPairs: [(Int, Int)] {
        var newIndex = [Int: Int]()
        for (position, old) in kept.enumerated() { newIndex[old] = position }
        return base.temporalPairs.compactMap { pair in newIndex[pair.0].flatMap { a in newIndex[pair.1].map { (a, $0) } } }
    }
    public func video(_ index: Int) throws -> VideoFrames { try base.video(kept[index]) }
}
