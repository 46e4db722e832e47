// synthfine's promises: the same seed gives the same images and phrases (down to the bytes), the
// classes differ from the plain finch exactly in their documented parts and those parts show in
// the pixels, every phrase is in the vocabulary, is said in a description and is true of the
// bird, and batches have the documented keys and shapes.
import Testing
import ZooTensor
@testable import ZooData

private let splits = SynthFineSource.splits(seed: 0)

@Suite("synthfine")
struct SynthFineTests {
    @Test("the default splits hold 1,500 and 500 images, 150 and 50 of each of the 10 classes")
    func sizesAndBalance() {
        #expect(splits.train.count == 1500 && splits.test.count == 500)
        #expect(splits.train.classNames.count == 10)
        for c in 0..<10 {
            #expect(splits.train.labels.filter { $0 == c }.count == 150)
            #expect(splits.test.labels.filter { $0 == c }.count == 50)
        }
        #expect(splits.train.name == "synthfine/train" && splits.test.name == "synthfine/test")
    }

    @Test("the same seed gives identical recipes and pixels; another seed does not")
    func deterministicPerSeed() throws {
        let again = SynthFineSource.splits(seed: 0), other = SynthFineSource.splits(seed: 1)
        #expect(again.train.images == splits.train.images && again.test.images == splits.test.images)
        #expect(other.test.images != splits.test.images)
        let a = try splits.test.batch([0, 7, 499]), b = try again.test.batch([0, 7, 499])
        #expect(a.tensors["images"]!.scalars == b.tensors["images"]!.scalars)
        #expect(a.integers["phrases.ids"] == b.integers["phrases.ids"])
        #expect(splits.train.images.map(\.noiseSeed) != splits.test.images.map(\.noiseSeed))
    }

    @Test("rendering is pinned to the byte on every machine")
    func pixelsArePinned() {
        // CRC-32 of the bytes of test images 0 and 1 at seed 0: integer and IEEE float arithmetic only.
        let bytes = splits.test.image(0).pixels + splits.test.image(1).pixels
        #expect(PNGWriter.crc32(bytes) == pinnedChecksum, "got \(String(PNGWriter.crc32(bytes), radix: 16))")
    }

    @Test("every class differs from the plain finch in exactly its documented one or two parts, and classes are distinct")
    func classesDifferInTheDocumentedParts() {
        let species = BirdSpecies.all
        #expect(species.count == 10 && species[0] == BirdSpecies.plainFinch)
        for (c, bird) in species.enumerated() {
            #expect(bird.differingParts(from: .plainFinch) == BirdSpecies.distinguishingParts[c], "\(bird.name)")
            #expect(c == 0 || (1...2).contains(bird.differingParts(from: .plainFinch).count))
            for part in BirdPart.allCases { #expect(BirdShape.options(for: part).contains(bird[part].shape)) }
        }
        #expect(Set(species).count == 10)
        // Fine-grained pairs: some classes differ in one part only.
        #expect(species[1].differingParts(from: species[9]) == [.belly])
    }

    @Test("each class's distinguishing parts change the pixels of an otherwise identical image")
    func distinguishingPartsAreVisible() {
        let configuration = SynthFineConfiguration()
        for seed in UInt64(0)..<3 {
            var generator = RandomGenerator(seed: seed)
            let plain = SynthFineRenderer.renderBytes(SynthFineImage(label: 0, configuration: configuration, using: &generator), size: 32)
            for c in 1..<10 {
                var same = RandomGenerator(seed: seed)                  // same pose, background and noise
                let bird = SynthFineRenderer.renderBytes(SynthFineImage(label: c, configuration: configuration, using: &same), size: 32)
                let changed = stride(from: 0, to: plain.count, by: 3).filter { i in (0..<3).contains { abs(Int(plain[i + $0]) - Int(bird[i + $0])) > 40 } }
                #expect(changed.count >= 4, "class \(c) differs from the plain finch in only \(changed.count) pixels")
            }
        }
    }

    @Test("every phrase is in the vocabulary, is said in a description and is true of the bird")
    func phrasesAreTokenisableAndTrue() {
        #expect(SynthFineVocabulary.size == 28 && SynthFineVocabulary.words[0] == "<pad>")
        #expect(Set(SynthFineVocabulary.words).count == SynthFineVocabulary.size)
        for source in [splits.train, splits.test] {
            for image in source.images {
                #expect((1...10).contains(image.phrases.count) && (3...5).contains(image.descriptions.count))
                #expect(Set(image.phrases).count == image.phrases.count)
                let species = BirdSpecies.all[image.label]
                for phrase in image.phrases {
                    #expect(phrase.words.count <= SynthFineVocabulary.maxPhraseLength)
                    #expect(phrase.words.allSatisfy { SynthFineVocabulary.id(of: $0) != nil }, "\(phrase)")
                    #expect(image.descriptions.contains { $0.contains(phrase.text) }, "\(phrase) is in no description")
                    guard let part = BirdPart(rawValue: phrase.noun) else { continue }
                    let look = species[part], attributes = phrase.words.dropLast()
                    #expect(attributes.allSatisfy { [look.colour.rawValue, look.pattern.rawValue, look.shape.rawValue].contains($0) },
                            "\"\(phrase)\" is not true of a \(species.name)")
                }
            }
        }
    }

    @Test("descriptions do not always name a distinguishing part")
    func distinguishingPartsAreNotAlwaysNamed() {
        let images = splits.train.images.filter { $0.label != 0 }
        let naming = images.filter { image in
            image.phrases.contains { BirdSpecies.distinguishingParts[image.label].map(\.rawValue).contains($0.noun) }
        }
        #expect(naming.count > images.count / 2 && naming.count < images.count)
    }

    @Test("a batch holds images, phrase ids, the phrase mask and labels in the documented shapes")
    func batchShapes() throws {
        let indices = [4, 0, 9]
        let batch = try splits.train.batch(indices)
        #expect(batch.tensors["images"]?.shape == [3, 3, 32, 32])
        #expect(batch.integers["phrases.ids"]?.shape == [3, 10, 4])
        #expect(batch.tensors["phrases.mask"]?.shape == [3, 10])
        #expect(batch.integers["labels"]?.scalars == indices.map(splits.train.label))
        #expect(batch.indices == indices)
        let mask = batch.tensors["phrases.mask"]!.scalars, ids = batch.integers["phrases.ids"]!.scalars
        for (row, index) in indices.enumerated() {
            let phrases = splits.train.phrases(of: index)
            for slot in 0..<10 {
                let slotIds = Array(ids[((row * 10 + slot) * 4)..<((row * 10 + slot + 1) * 4)])
                #expect(mask[row * 10 + slot] == (slot < phrases.count ? 1 : 0))
                #expect(slotIds == (slot < phrases.count ? SynthFineVocabulary.encode(phrases[slot]) : [0, 0, 0, 0]))
            }
        }
        let pixels = batch.tensors["images"]!.scalars
        #expect(pixels.allSatisfy { $0 >= -2 && $0 <= 2 })
        #expect(throws: SynthFineError.self) { try splits.test.batch([500]) }
    }

    @Test("bad configurations are refused, and the preview sheet shows every requested image")
    func configurationAndPreview() throws {
        #expect(throws: SynthFineError.self) { try SynthFineSource(.test, configuration: SynthFineConfiguration(imageSize: 8)) }
        #expect(throws: SynthFineError.self) { try SynthFineSource(.test, configuration: SynthFineConfiguration(maxPhrases: 0)) }
        let sheet = SynthFinePreview.contactSheet(splits.test, images: [0, 1], scale: 4)
        #expect(sheet.width > 128 && sheet.height >= 2 * 128)
        #expect(splits.test.summary.hasPrefix("synthfine/test: 500 images of 10 classes, 32x32"))
    }
}

/// See `pixelsArePinned`.
private let pinnedChecksum: UInt32 = 0x281A_66EC
