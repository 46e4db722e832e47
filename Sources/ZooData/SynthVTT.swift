// synthvtt: the zoo's embedded text-to-video benchmark. Videos of one or two coloured shapes that
// move, appear, disappear or turn around, with captions that say what happens in which order.
// Always available, seeded, generated in memory: a split holds only recipes (SynthVTTScene.swift)
// and renders a video's pixels when `video(_:)` asks for it, so a split of any size costs a few
// hundred kilobytes and every call returns the same pixels.
//
// Splits are sampled test first, then validation, then train, each from its own stream, and a
// split never reuses a video (same shapes, start positions and events) of one sampled before it:
// the test split depends only on (seed, frames, testVideos, hardNegativeFraction), and the three
// are disjoint.
import ZooTensor

/// What synthvtt generates.
public struct SynthVTTConfiguration: Sendable, Hashable {
    /// Seeds everything; the same configuration gives the same recipes, pixels and captions.
    public var seed: UInt64
    /// Frames per video (F), at least 4 so that each of two events has two frames.
    public var frames: Int
    /// Frame side in pixels (S); shapes scale with it.
    public var imageSize: Int
    public var trainVideos: Int
    public var validationVideos: Int
    public var testVideos: Int
    /// Captions (distinct paraphrases) per training video, drawn per video from this range;
    /// validation and test videos have one.
    public var captionsPerTrainingVideo: ClosedRange<Int>
    /// Fraction of the validation and test videos that belong to temporal pairs (0...1); the
    /// training split has none.
    public var hardNegativeFraction: Double

    public init(seed: UInt64 = 0, frames: Int = 8, imageSize: Int = 32, trainVideos: Int = 2000,
                validationVideos: Int = 250, testVideos: Int = 500, captionsPerTrainingVideo: ClosedRange<Int> = 3...5,
                hardNegativeFraction: Double = 0.3) {
        self.seed = seed
        self.frames = frames
        self.imageSize = imageSize
        self.trainVideos = trainVideos
        self.validationVideos = validationVideos
        self.testVideos = testVideos
        self.captionsPerTrainingVideo = captionsPerTrainingVideo
        self.hardNegativeFraction = hardNegativeFraction
    }

    /// Number of videos in `split`.
    public func videos(in split: SynthVTT.Split) -> Int {
        switch split {
        case .train: trainVideos
        case .validation: validationVideos
        case .test: testVideos
        }
    }

    /// Throws when a value cannot work, naming the field and the fix.
    public func validate() throws(SynthVTTError) {
        func fail(_ message: String) -> SynthVTTError { .invalidConfiguration(message) }
        guard frames >= 4 else { throw fail("frames is \(frames); synthvtt needs at least 4 (two per event)") }
        guard imageSize >= 16 else { throw fail("imageSize is \(imageSize); shapes are unrecognisable below 16 pixels") }
        for split in SynthVTT.Split.allCases where videos(in: split) < 0 {
            throw fail("\(split.rawValue) has \(videos(in: split)) videos; use 0 or more")
        }
        guard captionsPerTrainingVideo.lowerBound >= 1 else { throw fail("captionsPerTrainingVideo must start at 1 or more") }
        guard (0...1).contains(hardNegativeFraction) else {
            throw fail("hardNegativeFraction is \(hardNegativeFraction); give a fraction in 0...1 (e.g. 0.3)")
        }
    }
}

/// A synthvtt configuration or request that cannot be served.
public enum SynthVTTError: Error, Equatable, CustomStringConvertible {
    case invalidConfiguration(String)
    case videoOutOfRange(Int, count: Int, split: String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(message): "synthvtt: \(message)"
        case let .videoOutOfRange(index, count, split): "\(split) has \(count) videos (0..<\(count)); video \(index) does not exist"
        }
    }
}

/// The embedded benchmark's entry point.
public enum SynthVTT {
    /// The three splits.
    public enum Split: String, CaseIterable, Sendable {
        case train, validation = "val", test

        /// `train`, `val`/`valid`/`validation` or `test`.
        public init?(name: String) {
            switch name.lowercased() {
            case "train": self = .train
            case "val", "valid", "validation": self = .validation
            case "test": self = .test
            default: return nil
            }
        }
    }

    /// One split of the benchmark `configuration` describes (recipes only; pixels on demand).
    public static func split(_ split: Split, configuration: SynthVTTConfiguration = SynthVTTConfiguration()) throws(SynthVTTError) -> SynthVTTSplit {
        try configuration.validate()
        var used = Set<SynthVTTVideo.Identity>()
        // Earlier splits are sampled even when not asked for: their videos must not reappear.
        for current in [Split.test, .validation, .train] {
            let (recipes, pairs) = sample(current, configuration: configuration, used: &used)
            if current == split { return SynthVTTSplit(split: split, configuration: configuration, recipes: recipes, pairs: pairs) }
        }
        fatalError("unreachable: every split is sampled")
    }

    /// The recipes of `split` and its temporal pairs (indices into the recipes, first < second).
    static func sample(_ split: Split, configuration: SynthVTTConfiguration,
                       used: inout Set<SynthVTTVideo.Identity>) -> ([SynthVTTVideo], [(Int, Int)]) {
        let splitNumber: UInt64 = split == .test ? 1 : split == .validation ? 2 : 3
        var generator = SynthVTTGenerator(frames: configuration.frames,
                                          seed: configuration.seed ^ (splitNumber &* 0x9E37_79B9_7F4A_7C15))
        let count = configuration.videos(in: split)
        let pairCount = split == .train ? 0 : Int((Double(count) * configuration.hardNegativeFraction / 2).rounded(.down))
        var recipes: [SynthVTTVideo] = []
        recipes.reserveCapacity(count)
        for _ in 0..<pairCount {
            let (first, second) = generator.pair(used: &used)
            recipes += [first, second]
        }
        let captionRange = configuration.captionsPerTrainingVideo
        while recipes.count < count {
            let captions = split == .train
                ? captionRange.lowerBound + generator.random.nextInt(below: captionRange.count) : 1
            recipes.append(generator.video(captions: captions, used: &used))
        }
        // Shuffle so that twins are not neighbours and index order says nothing about pairs.
        var order = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, generator.random.nextInt(below: i + 1)) }
        var position = [Int](repeating: 0, count: count)
        for (new, old) in order.enumerated() { position[old] = new }
        let pairs = (0..<pairCount).map { k -> (Int, Int) in
            let (a, b) = (position[2 * k], position[2 * k + 1])
            return (min(a, b), max(a, b))
        }.sorted { $0.0 < $1.0 }
        return (order.map { recipes[$0] }, pairs)
    }
}
