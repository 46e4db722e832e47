// The precomputed-features source: a safetensors file of [F_v, D] tensors plus captions.json,
// sampled and padded to F like decoded frames, with errors that name the file and the entry.
import Foundation
import Testing
import ZooData
import ZooNN
import ZooTensor

/// A features dataset in a temporary folder: video `v<i>` has `frames[i]` rows of width `width`,
/// row r of video i filled with `100 * i + r` (so a row's value says where it came from).
struct FeatureDataset {
    let folder: TemporaryFolder
    var paths: FeatureSourcePaths { FeatureSourcePaths(directory: folder.url) }

    init(frames: [Int] = [3, 12, 20], width: Int = 4, captions: String? = nil) throws {
        folder = try TemporaryFolder()
        var writer = SafetensorsWriter(metadata: ["model": "test"])
        for (i, count) in frames.enumerated() {
            let values = (0..<count).flatMap { row in [Float](repeating: Float(100 * i + row), count: width) }
            try writer.add("v\(i)", floats: values, shape: [count, width])
        }
        try writer.write(to: folder.url.appendingPathComponent("features.safetensors"))
        let defaultCaptions = """
        {"train": [{"video": "v0", "caption": "zero"}, {"video": "v1", "caption": "one"}, {"video": "v0", "caption": "zero again"}],
         "test": [{"video": "v2", "caption": "two"}, {"video": "v1", "caption": "one, \\"quoted\\""}]}
        """
        _ = try folder.write(Data((captions ?? defaultCaptions).utf8), to: "captions.json")
    }
}

@Suite("Precomputed features source")
struct FeatureSourceTests {
    @Test("round trip: captions, videos in order of first appearance, [F, D] features of kind .features")
    func roundTrip() throws {
        let data = try FeatureDataset()
        let train = try FeatureSource(paths: data.paths, split: "train", framesPerVideo: 12)
        #expect(train.videoIDs == ["v0", "v1"])
        #expect(train.captions == [Caption(text: "zero", video: 0), Caption(text: "one", video: 1), Caption(text: "zero again", video: 0)])
        #expect(train.featureWidth == 4 && train.framesPerVideo == 12 && train.videoCount == 2)
        let test = try FeatureSource(paths: data.paths, split: "test", framesPerVideo: 12)
        #expect(test.videoIDs == ["v2", "v1"] && test.captions[1].text == "one, \"quoted\"")
        #expect(try FeatureSource.splits(in: data.paths) == ["test", "train"])
    }

    @Test("short videos are zero padded, exact ones kept, long ones sampled with linspace")
    func paddingAndSampling() throws {
        let data = try FeatureDataset()
        let source = try FeatureSource(paths: data.paths, split: "test", framesPerVideo: 12)
        func rows(_ frames: VideoFrames) -> [Float] { stride(from: 0, to: frames.values.count, by: 4).map { frames.values.scalars[$0] } }
        let long = try source.video(0)                                    // v2: 20 rows
        #expect(long.values.shape == [12, 4] && long.kind == .features && long.validFrames == 12)
        #expect(rows(long) == VideoSampling.frameIndices(count: 20, maxFrames: 12).map { Float(200 + $0) })
        let exact = try source.video(1)                                   // v1: 12 rows
        #expect(rows(exact) == (0..<12).map { Float(100 + $0) })
        let short = try FeatureSource(paths: data.paths, split: "train", framesPerVideo: 12).video(0)   // v0: 3 rows
        #expect(short.validFrames == 3)
        #expect(rows(short) == [0, 1, 2] + [Float](repeating: 0, count: 9))
        #expect(short.values.scalars[12...].allSatisfy { $0 == 0 })
    }

    @Test("a caption naming a video without features names the file, the entry and close names")
    func missingFeatures() throws {
        let data = try FeatureDataset(captions: "{\"test\": [{\"video\": \"v1\", \"caption\": \"a\"}, {\"video\": \"v7\", \"caption\": \"b\"}]}")
        let error = #expect(throws: FeatureSourceError.self) { try FeatureSource(paths: data.paths, split: "test") }
        guard case let .missingFeatures(path, videoID, entry, _)? = error else { Issue.record("unexpected \(String(describing: error))"); return }
        #expect(path.hasSuffix("features.safetensors") && videoID == "v7" && entry == "test[1]")
        #expect(error!.description.contains("test[1]"))
    }

    @Test("tensors of the wrong rank or width are rejected with the video's name")
    func badTensors() throws {
        let folder = try TemporaryFolder()
        var writer = SafetensorsWriter()
        try writer.add("flat", floats: [1, 2, 3], shape: [3])
        try writer.add("wide", floats: [Float](repeating: 1, count: 10), shape: [2, 5])
        try writer.add("narrow", floats: [Float](repeating: 1, count: 8), shape: [2, 4])
        try writer.add("ids", integers: [1, 2], shape: [1, 2])
        try writer.write(to: folder.url.appendingPathComponent("features.safetensors"))
        let paths = FeatureSourcePaths(directory: folder.url)
        func open(_ videos: [String]) throws {
            let entries = videos.map { "{\"video\": \"\($0)\", \"caption\": \"c\"}" }.joined(separator: ",")
            _ = try folder.write(Data("{\"s\": [\(entries)]}".utf8), to: "captions.json")
            _ = try FeatureSource(paths: paths, split: "s")
        }
        #expect(throws: FeatureSourceError.badTensor(path: paths.featuresURL.path, videoID: "flat", reason: "have shape [3]")) { try open(["flat"]) }
        #expect(throws: FeatureSourceError.widthMismatch(path: paths.featuresURL.path, videoID: "narrow", width: 4, expected: 5, firstVideo: "wide")) {
            try open(["wide", "narrow"])
        }
        let dtypeError = #expect(throws: FeatureSourceError.self) { try open(["ids"]) }
        #expect(dtypeError?.description.contains("not floating point") == true)
    }

    @Test("a sampled frame holding NaN or infinity is refused with the video and the frame")
    func nonFiniteFeatures() throws {
        let folder = try TemporaryFolder()
        var values = [Float](repeating: 1, count: 3 * 2)
        values[3] = .nan                                         // frame 1, column 1
        var writer = SafetensorsWriter()
        try writer.add("v0", floats: values, shape: [3, 2])
        try writer.write(to: folder.url.appendingPathComponent("features.safetensors"))
        _ = try folder.write(Data("{\"s\": [{\"video\": \"v0\", \"caption\": \"c\"}]}".utf8), to: "captions.json")
        let paths = FeatureSourcePaths(directory: folder.url)
        let source = try FeatureSource(paths: paths, split: "s", framesPerVideo: 4)
        #expect(throws: FeatureSourceError.nonFinite(path: paths.featuresURL.path, videoID: "v0", frame: 1)) { try source.video(0) }
    }

    @Test("captions.json problems name the file with the line, the entry or the splits it has")
    func captionErrors() throws {
        let data = try FeatureDataset(captions: "{\n\"train\": [\n{\"video\": \"v0\" \"caption\": \"x\"}]}")
        let syntax = #expect(throws: FeatureSourceError.self) { try FeatureSource(paths: data.paths, split: "train") }
        #expect(syntax?.description.contains("line 3") == true, "\(String(describing: syntax))")

        _ = try data.folder.write(Data("{\"train\": [{\"video\": \"v0\"}]}".utf8), to: "captions.json")
        let missingKey = #expect(throws: FeatureSourceError.self) { try FeatureSource(paths: data.paths, split: "train") }
        #expect(missingKey?.description.contains("train[0]") == true && missingKey?.description.contains("caption") == true)

        _ = try data.folder.write(Data("{\"train\": [{\"video\": \"v0\", \"caption\": \" \"}]}".utf8), to: "captions.json")
        #expect(throws: FeatureSourceError.emptyField(path: data.paths.captionsURL.path, entry: "train[0]", field: "caption")) {
            try FeatureSource(paths: data.paths, split: "train")
        }
        #expect(throws: FeatureSourceError.unknownSplit(path: data.paths.captionsURL.path, split: "val", available: ["train"])) {
            try FeatureSource(paths: data.paths, split: "val")
        }
    }

    @Test("missing files are named with the flag that overrides them; a corrupted features file is a safetensors error")
    func missingAndCorruptFiles() throws {
        let data = try FeatureDataset()
        var paths = data.paths
        paths.captions = data.folder.url.appendingPathComponent("nope.json")
        #expect(throws: FeatureSourceError.missingFile(path: paths.captions!.path, flag: "--captions-file", overridden: true)) {
            try FeatureSource(paths: paths, split: "train")
        }
        let features = data.paths.featuresURL
        let bytes = try Data(contentsOf: features)
        try bytes.prefix(bytes.count - 10).write(to: features)
        let error = #expect(throws: FeatureSourceError.self) { try FeatureSource(paths: data.paths, split: "train") }
        guard case .features(.dataTruncated)? = error else { Issue.record("unexpected \(String(describing: error))"); return }
        try FileManager.default.removeItem(at: features)
        #expect(throws: FeatureSourceError.missingFile(path: features.path, flag: "--features-file", overridden: false)) {
            try FeatureSource(paths: data.paths, split: "train")
        }
    }
}
