// synthvtt: determinism, split sizes and disjointness, captions, temporal hard negatives, tensors.
import Foundation
import Testing
import ZooData
import ZooTensor

/// The default test split, made once (recipes only; pixels are rendered per test).
private let defaultTest = try! SynthVTT.split(.test)

/// A small benchmark for tests that build many splits.
private func small(seed: UInt64 = 3, frames: Int = 8) -> SynthVTTConfiguration {
    SynthVTTConfiguration(seed: seed, frames: frames, trainVideos: 60, validationVideos: 20, testVideos: 40)
}

/// The 8-bit frames of video `index`, as one array per frame.
private func frames(_ split: SynthVTTSplit, _ index: Int) -> [[UInt8]] { split.frameImages(index).map(\.pixels) }

/// The caption's words without punctuation, sorted: equal for captions that only reorder words.
private func words(_ caption: String) -> [String] {
    caption.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init).sorted()
}

@Suite("synthvtt")
struct SynthVTTTests {
    @Test("the same seed gives the same captions and pixels")
    func sameSeed() throws {
        let a = try SynthVTT.split(.train, configuration: small())
        let b = try SynthVTT.split(.train, configuration: small())
        #expect(a.captions == b.captions)
        for index in [0, 17, 59] { #expect(try a.video(index).values.scalars == b.video(index).values.scalars) }
    }

    @Test("different seeds give different captions and pixels")
    func differentSeeds() throws {
        let a = try SynthVTT.split(.test, configuration: small(seed: 1))
        let b = try SynthVTT.split(.test, configuration: small(seed: 2))
        #expect(a.captions != b.captions)
        #expect(try a.video(0).values.scalars != b.video(0).values.scalars)
    }

    @Test("default splits hold 2000/250/500 videos; 3-5 distinct captions per training video, one otherwise")
    func splitSizes() throws {
        let train = try SynthVTT.split(.train), validation = try SynthVTT.split(.validation)
        #expect(train.videoCount == 2000 && validation.videoCount == 250 && defaultTest.videoCount == 500)
        #expect(train.name == "synthvtt/train" && validation.name == "synthvtt/val" && defaultTest.name == "synthvtt/test")
        let perVideo = Dictionary(grouping: train.captions, by: \.video)
        #expect(perVideo.count == 2000)
        for (_, captions) in perVideo {
            #expect((3...5).contains(captions.count))
            #expect(Set(captions.map(\.text)).count == captions.count)
        }
        for split in [validation, defaultTest] {
            #expect(split.captions.map(\.video) == Array(0..<split.videoCount))
        }
    }

    @Test("train, val and test never share a video, and the test split ignores the other sizes")
    func disjointAndStable() throws {
        let configuration = SynthVTTConfiguration()
        let splits = try SynthVTT.Split.allCases.map { try SynthVTT.split($0, configuration: configuration) }
        // Same shapes, start positions and events would be the same video with other noise.
        func key(_ video: SynthVTTVideo) -> String { "\(video.objects)|\(video.events)|\(video.boundary)" }
        let keys = splits.map { Set($0.recipes.map(key)) }
        #expect(keys.map(\.count) == splits.map(\.videoCount))
        #expect(keys[0].isDisjoint(with: keys[1]) && keys[0].isDisjoint(with: keys[2]) && keys[1].isDisjoint(with: keys[2]))
        var resized = configuration
        resized.trainVideos = 10
        resized.validationVideos = 3
        #expect(try SynthVTT.split(.test, configuration: resized).captions == defaultTest.captions)
    }

    @Test("30% of the test split forms 75 temporal pairs; no video is in two pairs")
    func temporalPairCount() throws {
        #expect(defaultTest.temporalPairs.count == 75)
        let members = defaultTest.temporalPairs.flatMap { [$0.0, $0.1] }
        #expect(Set(members).count == 150 && members.allSatisfy { (0..<500).contains($0) })
        #expect(defaultTest.temporalPairs.allSatisfy { $0.0 < $0.1 })
        #expect(defaultTest.summary == "synthvtt/test: 500 videos, 500 captions, 75 temporal pairs (150 videos, 30%), 8 frames of 32x32")
        #expect(try SynthVTT.split(.train).temporalPairs.isEmpty)
    }

    @Test("the twins of a pair have the same events in the other order, and captions with the same words")
    func pairCaptions() throws {
        for (a, b) in defaultTest.temporalPairs {
            let first = defaultTest.recipes[a], second = defaultTest.recipes[b]
            #expect(second.events.map(\.action) == first.events.reversed().map(\.action))
            let captionA = defaultTest.captions(ofVideo: a)[0], captionB = defaultTest.captions(ofVideo: b)[0]
            #expect(captionA != captionB)
            #expect(words(captionA) == words(captionB), "\(captionA) / \(captionB)")
        }
    }

    @Test("the twins of every pair have different pixels")
    func pairPixelsDiffer() throws {
        for (a, b) in defaultTest.temporalPairs { #expect(try defaultTest.video(a).values.scalars != defaultTest.video(b).values.scalars) }
    }

    @Test("a direction change and its twin show the same frames in another order: frame means agree to 1e-5",
          arguments: [8, 7])
    func directionChangeAverages(frameCount: Int) throws {
        var configuration = SynthVTTConfiguration(frames: frameCount, trainVideos: 0, validationVideos: 0, testVideos: 200)
        configuration.hardNegativeFraction = 0.4
        let split = try SynthVTT.split(.test, configuration: configuration)
        let reversals = split.temporalPairs.filter { split.recipes[$0.0].objects.count == 1 }
        #expect(reversals.count >= 10)
        for (a, b) in reversals {
            // Exact: the twin's frames are the original's rotated by its turning frame.
            let framesA = frames(split, a), framesB = frames(split, b)
            let rotation = split.recipes[a].boundary
            #expect(framesB == Array(framesA[rotation...] + framesA[..<rotation]))
            let meanA = try split.video(a).values.mean(axis: 0).scalars
            let meanB = try split.video(b).values.mean(axis: 0).scalars
            #expect(zip(meanA, meanB).map { abs($0 - $1) }.max()! <= 1e-5)
        }
    }

    @Test("a two-object pair starts and ends on the same frame and differs in between")
    func sequencePairsShareEnds() throws {
        let sequences = defaultTest.temporalPairs.filter { defaultTest.recipes[$0.0].objects.count == 2 }
        #expect(sequences.count >= 20)
        for (a, b) in sequences {
            let framesA = frames(defaultTest, a), framesB = frames(defaultTest, b)
            #expect(framesA.first == framesB.first && framesA.last == framesB.last)
            #expect(framesA != framesB)
        }
    }

    @Test("videos are [F, 3, S, S] pixels with every frame valid, at any configured size")
    func tensorShapes() throws {
        let video = try defaultTest.video(0)
        #expect(video.values.shape == [8, 3, 32, 32] && video.kind == .pixels && video.validFrames == 8)
        var configuration = small(frames: 5)
        configuration.imageSize = 48
        let other = try SynthVTT.split(.validation, configuration: configuration).video(3)
        #expect(other.values.shape == [5, 3, 48, 48] && other.validFrames == 5)
        #expect(defaultTest.framesPerVideo == 8)
    }

    @Test("pixels are normalised with CLIP's mean and std")
    func normalisation() throws {
        let tensor = try defaultTest.video(4).values.scalars
        let bytes = defaultTest.frameImages(4)
        let preprocessing = CLIPPreprocessing.clip
        for (frame, x, y) in [(0, 0, 0), (3, 16, 9), (7, 31, 31)] {
            for channel in 0..<3 {
                let byte = bytes[frame].pixels[(y * 32 + x) * 3 + channel]
                let expected = (Float(byte) / 255 - CLIPPreprocessing.clipMean[channel]) / CLIPPreprocessing.clipStd[channel]
                #expect(tensor[((frame * 3 + channel) * 32 + y) * 32 + x] == expected)
                #expect(expected == preprocessing.normalized(byte, channel: channel))
            }
        }
    }

    @Test("a shape captioned as moving left, right, up or down moves that way on screen")
    func motionMatchesCaption() throws {
        let split = try SynthVTT.split(.train, configuration: small())
        var checked = 0
        for recipe in split.recipes where recipe.events.count == 1 {
            guard case let .move(direction) = recipe.events[0].action else { continue }
            let images = SynthVTTRenderer.render(recipe, frames: 8, size: 32)
            // Centroid of the pixels far from the grey background (the shape's ink).
            func centroid(_ image: RGBImage) -> (x: Float, y: Float) {
                var sum = (x: Float(0), y: Float(0), n: Float(0))
                for y in 0..<32 { for x in 0..<32 {
                    let p = image[x, y]
                    if [p.red, p.green, p.blue].map({ abs(Int($0) - Int(recipe.background)) }).max()! > 60 {
                        sum = (sum.x + Float(x), sum.y + Float(y), sum.n + 1)
                    }
                } }
                return (sum.x / sum.n, sum.y / sum.n)
            }
            let start = centroid(images[0]), end = centroid(images[7])
            let moved = (x: end.x - start.x, y: end.y - start.y)
            let (dx, dy) = direction.step
            #expect(Float(dx) * moved.x + Float(dy) * moved.y > 8, "\(recipe.captions[0]): moved \(moved)")
            checked += 1
        }
        #expect(checked >= 5)
    }

    @Test("a missing video and an impossible configuration are errors that say why")
    func errors() throws {
        #expect(throws: SynthVTTError.videoOutOfRange(500, count: 500, split: "synthvtt/test")) { try defaultTest.video(500) }
        var configuration = SynthVTTConfiguration()
        configuration.frames = 2
        #expect(throws: SynthVTTError.self) { try SynthVTT.split(.test, configuration: configuration) }
        configuration = SynthVTTConfiguration(hardNegativeFraction: 1.5)
        #expect(throws: SynthVTTError.self) { try SynthVTT.split(.test, configuration: configuration) }
        #expect(SynthVTT.Split(name: "valid") == .validation && SynthVTT.Split(name: "dev") == nil)
    }

    @Test("rendering the 2000 training videos takes under a few seconds even in debug builds")
    func generationSpeed() throws {
        let train = try SynthVTT.split(.train)
        let start = Date()
        var checksum: Float = 0
        for index in 0..<train.videoCount { checksum += try train.video(index).values.scalars[0] }
        let seconds = Date().timeIntervalSince(start)
        print("synthvtt: rendered 2000 videos x 8 frames x 32x32 in \(String(format: "%.3f", seconds)) s (checksum \(checksum))")
        #expect(seconds < 20)
    }
}
