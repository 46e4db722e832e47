// One synthvtt split as a `RetrievalSource`: recipes in memory, pixels rendered per call (about
// 50 µs per 8-frame 32x32 video in release: the 2000 training videos in 0.1-0.2 s on 2 cores),
// so nothing is cached and memory stays small.
import ZooTensor

/// One split of synthvtt (`SynthVTT.split(_:configuration:)` makes it).
public struct SynthVTTSplit: RetrievalSource, Sendable {
    public let split: SynthVTT.Split
    public let configuration: SynthVTTConfiguration
    /// The recipe of each video, by index.
    public let recipes: [SynthVTTVideo]
    /// Every caption with its video, in video order (several per training video, one otherwise).
    public let captions: [Caption]
    /// Pairs of videos `(a, b)`, `a < b`, whose captions and frames differ only in the order of
    /// their two events; sorted by `a`. No video belongs to two pairs.
    public let temporalPairs: [(Int, Int)]

    init(split: SynthVTT.Split, configuration: SynthVTTConfiguration, recipes: [SynthVTTVideo], pairs: [(Int, Int)]) {
        self.split = split
        self.configuration = configuration
        self.recipes = recipes
        self.temporalPairs = pairs
        captions = recipes.enumerated().flatMap { index, recipe in recipe.captions.map { Caption(text: $0, video: index) } }
    }

    /// "synthvtt/train", "synthvtt/val" or "synthvtt/test".
    public var name: String { "synthvtt/\(split.rawValue)" }
    public var videoCount: Int { recipes.count }
    /// F, `configuration.frames`.
    public var framesPerVideo: Int { configuration.frames }

    /// Video `index` as `.pixels` `[F, 3, S, S]` (S = `configuration.imageSize`), normalised with
    /// CLIP's mean and std; every frame is real (`validFrames == F`).
    public func video(_ index: Int) throws -> VideoFrames {
        guard recipes.indices.contains(index) else { throw SynthVTTError.videoOutOfRange(index, count: recipes.count, split: name) }
        let values = SynthVTTRenderer.tensor(recipes[index], frames: configuration.frames, size: configuration.imageSize)
        return VideoFrames(values: values, kind: .pixels, validFrames: configuration.frames)
    }

    /// The frames of video `index` as 8-bit images, before normalisation (for previews).
    public func frameImages(_ index: Int) -> [RGBImage] {
        SynthVTTRenderer.render(recipes[index], frames: configuration.frames, size: configuration.imageSize)
    }

    /// The captions of video `index`.
    public func captions(ofVideo index: Int) -> [String] { recipes[index].captions }

    /// The other video of `index`'s temporal pair, if it has one.
    public func twin(of index: Int) -> Int? {
        for (a, b) in temporalPairs {
            if a == index { return b }
            if b == index { return a }
        }
        return nil
    }

    /// One line for logs: "synthvtt/test: 500 videos, 500 captions, 75 temporal pairs (150 videos,
    /// 30%), 8 frames of 32x32".
    public var summary: String {
        let paired = 2 * temporalPairs.count
        let percent = recipes.isEmpty ? 0 : Int((100 * Double(paired) / Double(recipes.count)).rounded())
        return "\(name): \(recipes.count) videos, \(captions.count) captions, \(temporalPairs.count) temporal pairs "
            + "(\(paired) videos, \(percent)%), \(configuration.frames) frames of \(configuration.imageSize)x\(configuration.imageSize)"
    }
}
