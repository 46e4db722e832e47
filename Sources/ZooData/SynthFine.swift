// synthfine: the zoo's embedded fine-grained recognition benchmark, for Bi-modal PMA and its
// image-only students. Birds drawn from four parts (head, wing, tail, belly), each with a
// colour, a pattern and a shape; ten species that differ from a plain finch in one or two parts
// (SynthFineSpecies.swift); per image three to five template descriptions that name some parts,
// not always the distinguishing one, and the noun phrases extracted from them ("red head",
// "striped brown wing"), tokenised with a fixed 28-word vocabulary.
//
// Always available, seeded, generated in memory: a split holds recipes (pose, background,
// colour jitter, descriptions) and renders pixels when a batch asks for them, with integer and
// plain float arithmetic only (+ − × ÷, comparisons, no libm), so the same seed gives the same
// bytes on every machine. Train and test are drawn from separate streams of the seed.
import ZooTensor

/// What synthfine generates.
public struct SynthFineConfiguration: Sendable, Hashable {
    /// Seeds everything; the same configuration gives the same recipes, pixels and phrases.
    public var seed: UInt64
    /// Image side in pixels (S); the drawing scales with it.
    public var imageSize: Int
    /// Images per class in each split (balanced classes).
    public var trainPerClass: Int
    public var testPerClass: Int
    /// Descriptions per image, drawn per image from this range.
    public var descriptionsPerImage: ClosedRange<Int>
    /// Phrase slots per image (p): phrases beyond it are dropped, fewer are padded.
    public var maxPhrases: Int

    public init(seed: UInt64 = 0, imageSize: Int = 32, trainPerClass: Int = 150, testPerClass: Int = 50,
                descriptionsPerImage: ClosedRange<Int> = 3...5, maxPhrases: Int = 10) {
        (self.seed, self.imageSize, self.trainPerClass, self.testPerClass) = (seed, imageSize, trainPerClass, testPerClass)
        (self.descriptionsPerImage, self.maxPhrases) = (descriptionsPerImage, maxPhrases)
    }

    /// Throws when a value cannot work, naming the field and the fix.
    public func validate() throws(SynthFineError) {
        guard imageSize >= 16 else { throw .invalidConfiguration("imageSize is \(imageSize); parts are unrecognisable below 16 pixels (use 32)") }
        guard trainPerClass >= 0, testPerClass >= 0 else { throw .invalidConfiguration("images per class must be 0 or more") }
        guard descriptionsPerImage.lowerBound >= 1 else { throw .invalidConfiguration("descriptionsPerImage must start at 1 or more") }
        guard maxPhrases >= 1 else { throw .invalidConfiguration("maxPhrases is \(maxPhrases); every image needs at least one phrase slot") }
    }
}

/// A synthfine configuration or request that cannot be served.
public enum SynthFineError: Error, Equatable, CustomStringConvertible {
    case invalidConfiguration(String)
    case imageOutOfRange(Int, count: Int, split: String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(message): "synthfine: \(message)"
        case let .imageOutOfRange(index, count, split): "\(split) has \(count) images (0..<\(count)); image \(index) does not exist"
        }
    }
}

/// Everything that fixes one image: its class, how it is drawn and how it is described.
public struct SynthFineImage: Hashable, Sendable {
    /// Class id, an index into `BirdSpecies.all`.
    public let label: Int
    /// Bird centre in 1/32 of the image side, facing, and size (scale of the drawing).
    public let centreX: Float, centreY: Float, scale: Float
    public let facingLeft: Bool
    /// Index into the background palette, and whether the bird sits on a branch.
    public let background: Int
    public let branch: Bool
    /// Per-part colour jitter in −12…12 per channel: head, wing, tail, belly, mantle (5 × 3).
    public let jitter: [Int]
    /// Seeds the per-pixel noise.
    public let noiseSeed: UInt64
    /// The template sentences and their noun phrases (unique, at most `maxPhrases`).
    public let descriptions: [String]
    public let phrases: [SynthFinePhrase]

    /// Draws an image of class `label`.
    init(label: Int, configuration: SynthFineConfiguration, using generator: inout RandomGenerator) {
        self.label = label
        func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * generator.nextUniform() }
        scale = uniform(0.76, 0.9)
        centreX = 16 + uniform(-2, 2)
        centreY = 15.5 + uniform(-3, 3)
        facingLeft = generator.nextInt(below: 2) == 0
        background = generator.nextInt(below: SynthFineRenderer.backgrounds.count)
        branch = generator.nextInt(below: 2) == 0
        jitter = (0..<15).map { _ in generator.nextInt(below: 25) - 12 }
        noiseSeed = generator.next()
        let count = configuration.descriptionsPerImage.lowerBound + generator.nextInt(below: configuration.descriptionsPerImage.count)
        (descriptions, phrases) = SynthFineDescriptions.describe(label, branch: branch, count: count,
                                                                 maxPhrases: configuration.maxPhrases, using: &generator)
    }
}

/// The split generator.
public enum SynthFine {
    /// The two splits.
    public enum Split: String, CaseIterable, Sendable {
        case train, test
    }

    /// The ten class names, index = class id.
    public static var classNames: [String] { BirdSpecies.all.map(\.name) }

    /// The recipes of `split`: `perClass` images of each class, in a seeded shuffled order.
    static func images(_ split: Split, configuration: SynthFineConfiguration) -> [SynthFineImage] {
        let perClass = split == .train ? configuration.trainPerClass : configuration.testPerClass
        let stream: UInt64 = split == .train ? 0x5F1E_7A11 : 0x7E57_F1E5
        var generator = RandomGenerator(seed: configuration.seed &* 0x9E37_79B9_7F4A_7C15 ^ stream)
        var labels = (0..<(perClass * BirdSpecies.all.count)).map { $0 % BirdSpecies.all.count }
        for i in stride(from: labels.count - 1, to: 0, by: -1) { labels.swapAt(i, generator.nextInt(below: i + 1)) }
        return labels.map { SynthFineImage(label: $0, configuration: configuration, using: &generator) }
    }
}
