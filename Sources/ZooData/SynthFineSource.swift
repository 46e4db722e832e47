// One synthfine split as a `ClassificationSource`: recipes in memory, pixels rendered per batch,
// phrases tokenised with `SynthFineVocabulary`.
import ZooTensor

/// One split of synthfine.
///
/// A batch holds `images` `[B, 3, S, S]` (`(v/255 − 0.5)/0.25` per channel), `phrases.ids`
/// `[B, p, L]` (integers, 0 = padding, p = `maxPhrases`, L = 4), `phrases.mask` `[B, p]` (1 for a
/// real phrase), `labels` `[B]` and the split's example indices.
public struct SynthFineSource: ClassificationSource, Sendable {
    public let split: SynthFine.Split
    public let configuration: SynthFineConfiguration
    /// The recipe of each image, by index.
    public let images: [SynthFineImage]

    /// The split `split` of `configuration`.
    public init(_ split: SynthFine.Split, configuration: SynthFineConfiguration = SynthFineConfiguration()) throws(SynthFineError) {
        try configuration.validate()
        self.split = split
        self.configuration = configuration
        images = SynthFine.images(split, configuration: configuration)
    }

    /// The default train (1,500 images) and test (500 images) splits of 32-pixel birds, 10 classes.
    public static func splits(seed: UInt64 = 0) -> (train: SynthFineSource, test: SynthFineSource) {
        let configuration = SynthFineConfiguration(seed: seed)
        // The default configuration is valid, so neither call can throw.
        return (try! SynthFineSource(.train, configuration: configuration), try! SynthFineSource(.test, configuration: configuration))
    }

    /// Both splits of `configuration`.
    public static func splits(configuration: SynthFineConfiguration) throws(SynthFineError) -> (train: SynthFineSource, test: SynthFineSource) {
        (try SynthFineSource(.train, configuration: configuration), try SynthFineSource(.test, configuration: configuration))
    }

    /// "synthfine/train" or "synthfine/test".
    public var name: String { "synthfine/\(split.rawValue)" }
    public var count: Int { images.count }
    public var classNames: [String] { SynthFine.classNames }
    public func label(_ index: Int) -> Int { images[index].label }

    /// The descriptions of image `index`.
    public func descriptions(of index: Int) -> [String] { images[index].descriptions }
    /// The noun phrases of image `index`.
    public func phrases(of index: Int) -> [SynthFinePhrase] { images[index].phrases }
    /// Image `index` as 8-bit pixels (previews).
    public func image(_ index: Int) -> RGBImage { SynthFineRenderer.render(images[index], size: configuration.imageSize) }

    public func batch(_ indices: [Int]) throws -> Batch {
        for index in indices where !images.indices.contains(index) {
            throw SynthFineError.imageOutOfRange(index, count: images.count, split: name)
        }
        let (b, s, p, l) = (indices.count, configuration.imageSize, configuration.maxPhrases, SynthFineVocabulary.maxPhraseLength)
        let pixels = Tensor.zeros([b, 3, s, s])
        var ids = [Int](repeating: SynthFineVocabulary.padding, count: b * p * l)
        var mask = [Float](repeating: 0, count: b * p)
        for (row, index) in indices.enumerated() {
            let image = images[index]
            SynthFineRenderer.write(image, size: s, into: pixels.storage.pointer + row * 3 * s * s)
            for (slot, phrase) in image.phrases.prefix(p).enumerated() {
                mask[row * p + slot] = 1
                let start = (row * p + slot) * l
                ids.replaceSubrange(start..<(start + l), with: SynthFineVocabulary.encode(phrase))
            }
        }
        return Batch(tensors: ["images": pixels, "phrases.mask": Tensor(mask, shape: [b, p])],
                     integers: ["phrases.ids": IntTensor(ids, shape: [b, p, l]), "labels": IntTensor(indices.map(label))],
                     indices: indices)
    }

    /// One line for logs: "synthfine/test: 500 images of 10 classes, 32x32, 3-5 descriptions and up
    /// to 10 phrases each (mean 6.1)".
    public var summary: String {
        let phrases = images.reduce(0) { $0 + $1.phrases.count }
        let mean = images.isEmpty ? 0 : Double(phrases) / Double(images.count)
        let range = configuration.descriptionsPerImage
        return "\(name): \(images.count) images of \(classNames.count) classes, \(configuration.imageSize)x\(configuration.imageSize), "
            + "\(range.lowerBound)-\(range.upperBound) descriptions and up to \(configuration.maxPhrases) phrases each "
            + "(mean \((mean * 10).rounded() / 10))"
    }
}
