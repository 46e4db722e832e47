// `zoo embed --videos`: a folder of a user's videos into a `features:` folder whose frame features
// are what `zoo eval`'s own video decoding and encoder give, with the files that cannot be decoded
// skipped and listed; killed at random moments and run again, the result is byte-identical.
import Foundation
import Testing
import ZooCommands
import ZooCore
import ZooData
import ZooNN
import ZooTensor
import ZooTestSupport

private let tinyCLIP = fixturesDirectory.appendingPathComponent("tiny-clip")

private func zoo(_ arguments: [String]) -> (status: Int32, output: String, errors: String) {
    runZoo([EmbedCommand(registry: commandTestRegistry), EvalCommand(registry: commandTestRegistry)], arguments)
}

/// Twelve files: ten short videos (odd sizes, a 0.4 s clip, a portrait one, one of 14 s, four in a
/// subfolder), a corrupt file and a zero-byte file.
func makeVideoCollection() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-collection-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
    let specs = [("33x25", "2"), ("64x48", "3"), ("48x96", "2"), ("50x30", "0.4"), ("32x24", "5"), ("100x60", "14"),
                 ("40x40", "1"), ("30x62", "3"), ("64x36", "2"), ("80x45", "4")]
    for (index, (size, seconds)) in specs.enumerated() {
        let path = folder.appendingPathComponent((index >= 6 ? "sub/" : "") + "clip\(index).mp4").path
        _ = try FFmpeg().run(.ffmpeg, ["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=\(size):rate=5", "-t", seconds,
                                       "-vf", "hue=h=\(30 * index)", "-pix_fmt", "yuv420p", path], input: path)
    }
    try Data((0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: folder.appendingPathComponent("broken.mp4"))
    try Data().write(to: folder.appendingPathComponent("empty.mp4"))
    return folder
}

@Suite("zoo embed --videos", .enabled(if: FFmpeg.isAvailable, "ffmpeg is not installed: apt-get install ffmpeg"))
struct EmbedCollectionTests {
    @Test("frame features equal the encoder on zoo eval's own decoding of the same files, and the two bad files are skipped with reasons")
    func featuresMatchEvaluationDecoding() throws {
        let collection = try makeVideoCollection()
        defer { try? FileManager.default.removeItem(at: collection) }
        let out = collection.deletingLastPathComponent().appendingPathComponent(collection.lastPathComponent + "-features")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = zoo(["embed", "clip-tiny", "--weights", tinyCLIP.path, "--videos", collection.path, "--out", out.path,
                          "--frames", "4", "--batch", "3", "--workers", "2"])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("embedded 10 of 12 videos"))

        let skipped = try String(contentsOf: out.appendingPathComponent("skipped.jsonl"), encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(SkippedVideo.self, from: Data($0.utf8)) }
        #expect(skipped.map(\.id) == ["broken.mp4", "empty.mp4"])
        #expect(skipped[0].reason.contains("ffmpeg could not decode") && skipped[1].reason.contains("empty"))

        let model = try #require(try commandTestRegistry.createPretrained("clip-tiny", weights: tinyCLIP) as? any ContrastiveModel)
        model.eval()
        let decoder = VideoDecoder(framesPerVideo: 4, imageSize: model.imageSize)
        let file = try SafetensorsFile(contentsOf: out.appendingPathComponent("features.safetensors"))
        #expect(file.names.count == 10)
        for index in 0..<10 {
            let id = (index >= 6 ? "sub/" : "") + "clip\(index).mp4"
            let frames = try decoder.frames(of: collection.appendingPathComponent(id), videoID: id)
            var mask = [Float](repeating: 0, count: 4)
            for f in 0..<frames.validFrames { mask[f] = 1 }
            let expected = noGrad { model.encodeVideo(pixels: frames.values.expandingDimension(at: 0), mask: Tensor(mask, shape: [1, 4])).frames }
            let width = expected.shape[2]
            let stored = try file.floats(id)
            #expect(file.entry(id)?.shape == [frames.validFrames, width], "\(id)")
            let reference = Array(expected.scalars[0..<(frames.validFrames * width)])
            let largest = zip(stored, reference).map { abs($0 - $1) }.max() ?? .infinity
            #expect(largest <= 1e-5, "\(id): differs by \(largest)")
        }
    }

    @Test("a list with captions gives a captions.json that zoo eval reads as features:DIR")
    func listWithCaptionsEvaluates() throws {
        let collection = try makeVideoCollection()
        defer { try? FileManager.default.removeItem(at: collection) }
        var csv = "path,caption\n"
        for index in 0..<10 { csv += (index >= 6 ? "sub/" : "") + "clip\(index).mp4,test pattern \(index)\n" }
        csv += "broken.mp4,never embedded\n"
        let list = collection.appendingPathComponent("list.csv")
        try Data(csv.utf8).write(to: list)
        let out = collection.deletingLastPathComponent().appendingPathComponent(collection.lastPathComponent + "-listed")
        defer { try? FileManager.default.removeItem(at: out) }
        let embed = zoo(["embed", "clip-tiny", "--weights", tinyCLIP.path, "--videos", list.path, "--out", out.path, "--frames", "4"])
        #expect(embed.status == 0, "\(embed.errors)")
        let evaluation = zoo(["eval", "clip-tiny", "--weights", tinyCLIP.path, "--data", "features:\(out.path)", "--frames", "4", "--json"])
        #expect(evaluation.status == 0, "\(evaluation.errors)")
        let metrics = try JSONDecoder().decode(RetrievalEvaluation.self, from: Data(evaluation.output.utf8))
        #expect(metrics.metrics.textToVideo.queries == 10)
    }

    @Test("several videos to one ffmpeg process give the same features file and skipped list as one process per video")
    func groupedDecodingChangesNothing() throws {
        let collection = try makeVideoCollection()
        defer { try? FileManager.default.removeItem(at: collection) }
        let model = try #require(try commandTestRegistry.createPretrained("clip-tiny", weights: tinyCLIP) as? any ContrastiveModel)
        let decoder = VideoDecoder(framesPerVideo: 4, imageSize: model.imageSize)
        let items = try VideoCollection.items(collection, extensions: VideoCollection.videoExtensions)
        let record = EmbeddingRecord(model: "clip-tiny", weights: tinyCLIP.path, weightsChecksum: "0", framesPerVideo: 4,
                                     imageSize: model.imageSize, videosPerBatch: 3, items: items, kind: "videos")
        var outputs: [(features: Data, skipped: Data)] = []
        for perProcess in [1, 4, 5] {
            let out = collection.deletingLastPathComponent().appendingPathComponent(collection.lastPathComponent + "-\(perProcess)")
            defer { try? FileManager.default.removeItem(at: out) }
            var embedder = VideoEmbedder(items: items, encoder: model, decoder: decoder, record: record, workers: 2)
            embedder.videosPerProcess = perProcess
            let summary = try embedder.run(into: out)
            #expect(summary.embedded == 10 && summary.skipped.map(\.id) == ["broken.mp4", "empty.mp4"], "\(perProcess) per process")
            outputs.append((try Data(contentsOf: out.appendingPathComponent("features.safetensors")),
                            try Data(contentsOf: out.appendingPathComponent("skipped.jsonl"))))
        }
        for (index, output) in outputs.enumerated().dropFirst() {
            #expect(output.features == outputs[0].features, "features, run \(index)")
            #expect(output.skipped == outputs[0].skipped, "skipped.jsonl, run \(index)")
        }
    }

    @Test("killed (SIGKILL) at five random moments and run again, the features file is byte-identical to one uninterrupted run")
    func killedAndResumed() throws {
        let collection = try makeVideoCollection()
        defer { try? FileManager.default.removeItem(at: collection) }
        let base = collection.deletingLastPathComponent().appendingPathComponent(collection.lastPathComponent)
        let whole = URL(fileURLWithPath: base.path + "-whole"), resumed = URL(fileURLWithPath: base.path + "-resumed")
        defer { for folder in [whole, resumed] { try? FileManager.default.removeItem(at: folder) } }
        func arguments(_ out: URL) -> [String] {
            ["embed", "clip-tiny", "--weights", tinyCLIP.path, "--videos", collection.path, "--out", out.path, "--frames", "3", "--batch", "2", "--workers", "2"]
        }
        let executable = try zooExecutable()
        func launch(_ out: URL) throws -> Process {
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments(out)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        let started = Date()
        let uninterrupted = try launch(whole)
        uninterrupted.waitUntilExit()
        #expect(uninterrupted.terminationStatus == 0)
        // Moments spread over the length of a whole run on this machine.
        let runMicroseconds = UInt64(max(0.2, Date().timeIntervalSince(started)) * 1e6)
        var generator = RandomGenerator(seed: 22)
        var opened = 0
        for _ in 0..<5 {
            let process = try launch(resumed)
            usleep(UInt32(50_000 + generator.next() % runMicroseconds))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            // Whatever the moment, every file present opens: the chunks in .chunks/ as well as
            // features.safetensors (a kill before the folder exists leaves nothing to check).
            // Hidden `.NAME.tmp-UUID` files are temporaries a resumed run removes.
            if let files = FileManager.default.enumerator(at: resumed, includingPropertiesForKeys: nil) {
                for case let file as URL in files where file.pathExtension == "safetensors" {
                    #expect(throws: Never.self) { _ = try SafetensorsFile(contentsOf: file) }
                    opened += 1
                }
            }
        }
        #expect(opened > 0, "the kills left no file to check")
        let finish = try launch(resumed)
        finish.waitUntilExit()
        #expect(finish.terminationStatus == 0)
        let expected = try Data(contentsOf: whole.appendingPathComponent("features.safetensors"))
        #expect(try Data(contentsOf: resumed.appendingPathComponent("features.safetensors")) == expected)
        #expect(try Data(contentsOf: resumed.appendingPathComponent("skipped.jsonl")) == Data(contentsOf: whole.appendingPathComponent("skipped.jsonl")))
        // A third run finds the work done and changes nothing.
        let again = zoo(arguments(resumed))
        #expect(again.status == 0 && again.output.contains("already holds"))
        #expect(try Data(contentsOf: resumed.appendingPathComponent("features.safetensors")) == expected)
    }

    @Test("an output folder made from other weights or another collection is refused, never mixed")
    func foreignFolderIsRefused() throws {
        let collection = try makeVideoCollection()
        defer { try? FileManager.default.removeItem(at: collection) }
        let out = URL(fileURLWithPath: collection.path + "-foreign")
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(zoo(["embed", "clip-tiny", "--weights", tinyCLIP.path, "--videos", collection.path, "--out", out.path, "--frames", "2"]).status == 0)
        let other = zoo(["embed", "clip-tiny", "--weights", tinyCLIP.path, "--videos", collection.path, "--out", out.path, "--frames", "3"])
        #expect(other.status == 1 && other.errors.contains("another model"))
        // A folder of other files (here the collection itself) is never written into.
        let occupied = zoo(["embed", "clip-tiny", "--weights", tinyCLIP.path, "--videos", collection.path, "--out", collection.path])
        #expect(occupied.status == 1 && occupied.errors.contains("is not empty"))
        #expect(!FileManager.default.fileExists(atPath: collection.appendingPathComponent("embedding.json").path))
    }
}

@Suite("zoo embed --images")
struct EmbedImagesTests {
    @Test("each image becomes one [1, D] frame feature; an image that cannot be read is skipped with its reason")
    func images() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-images-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for index in 0..<3 {
            try Data("P6\n5 3\n255\n".utf8 + (0..<45).map { UInt8(($0 * 17 + index * 60) % 256) }).write(to: folder.appendingPathComponent("still\(index).ppm"))
        }
        try Data("P6\n5 3\n255\n".utf8).write(to: folder.appendingPathComponent("cut.ppm"))
        let out = URL(fileURLWithPath: folder.path + "-out")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = zoo(["embed", "clip-tiny", "--weights", tinyCLIP.path, "--images", folder.path, "--out", out.path])
        #expect(result.status == 0, "\(result.errors)")
        let file = try SafetensorsFile(contentsOf: out.appendingPathComponent("features.safetensors"))
        #expect(file.names == ["still0.ppm", "still1.ppm", "still2.ppm"])
        #expect(file.entry("still0.ppm")?.shape.first == 1)
        #expect(result.output.contains("cut.ppm"))
    }
}
