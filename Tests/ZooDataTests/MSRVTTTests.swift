// The MSR-VTT style source on the six-video fixture: splits, captions, frames, overrides, the
// pixel cache, and every error a user can meet (missing files, malformed JSON and CSV, a video
// without a file, a video ffmpeg cannot decode).
import Foundation
import Testing
import ZooData
import ZooTensor
import ZooTestSupport

/// An MSR-VTT folder with annotations only (no videos), for the tests that never decode.
func writeAnnotationsOnly(in folder: TemporaryFolder, json: String? = nil, trainCSV: String = "video_id\nvideo0\nvideo1\n",
                          testCSV: String = "key,vid_key,video_id,sentence\nret0,msr0,video0,\"a, b\"\n") throws {
    let defaultJSON = """
    {"videos": [], "sentences": [
      {"caption": "first of video1", "video_id": "video1", "sen_id": 0},
      {"caption": "first of video0", "video_id": "video0", "sen_id": 1},
      {"caption": "not in the split", "video_id": "video9", "sen_id": 2},
      {"caption": "second of video1", "video_id": "video1", "sen_id": 3}
    ]}
    """
    _ = try folder.write(Data((json ?? defaultJSON).utf8), to: "MSRVTT_data.json")
    _ = try folder.write(Data(trainCSV.utf8), to: "MSRVTT_train.9k.csv")
    _ = try folder.write(Data(testCSV.utf8), to: "MSRVTT_JSFUSION_test.csv")
}

@Suite("MSR-VTT annotations")
struct MSRVTTAnnotationTests {
    @Test("train takes every JSON sentence of the CSV's videos, in JSON order; test takes the CSV rows")
    func splitsWithoutVideos() throws {
        let folder = try TemporaryFolder()
        try writeAnnotationsOnly(in: folder)
        let paths = MSRVTTPaths(directory: folder.url)
        let train = try MSRVTTAnnotations.load(paths, split: .train)
        #expect(train.videoIDs == ["video0", "video1"])
        #expect(train.captions == [Caption(text: "first of video1", video: 1), Caption(text: "first of video0", video: 0),
                                   Caption(text: "second of video1", video: 1)])
        let test = try MSRVTTAnnotations.load(paths, split: .test)
        #expect(test.videoIDs == ["video0"] && test.captions == [Caption(text: "a, b", video: 0)])
    }

    @Test("a missing annotation file names the file and the flag that overrides it; test needs no JSON")
    func missingFiles() throws {
        let folder = try TemporaryFolder()
        try writeAnnotationsOnly(in: folder)
        try FileManager.default.removeItem(at: folder.url.appendingPathComponent("MSRVTT_data.json"))
        let paths = MSRVTTPaths(directory: folder.url)
        let error = #expect(throws: MSRVTTError.self) { try MSRVTTAnnotations.load(paths, split: .train) }
        #expect(error == .missingFile(field: .annotations, path: folder.url.appendingPathComponent("MSRVTT_data.json").path, overridden: false))
        #expect(error?.description.contains("--msrvtt-annotations") == true)
        #expect(try MSRVTTAnnotations.load(paths, split: .test).captions.count == 1)

        var moved = paths
        moved.testCSV = folder.url.appendingPathComponent("elsewhere.csv")
        let csvError = #expect(throws: MSRVTTError.self) { try MSRVTTAnnotations.load(moved, split: .test) }
        #expect(csvError == .missingFile(field: .testCSV, path: moved.testCSV!.path, overridden: true))
    }

    @Test("malformed JSON is reported with its line, a wrong value with its entry")
    func malformedJSON() throws {
        let folder = try TemporaryFolder()
        try writeAnnotationsOnly(in: folder, json: "{\"sentences\": [\n  {\"caption\": \"a\", \"video_id\": \"video0\"},\n  {\"caption\": \"b\",, }\n]}")
        let paths = MSRVTTPaths(directory: folder.url)
        let error = #expect(throws: MSRVTTError.self) { try MSRVTTAnnotations.load(paths, split: .train) }
        guard case let .malformedJSON(path, detail)? = error else { Issue.record("unexpected \(String(describing: error))"); return }
        #expect(path.hasSuffix("MSRVTT_data.json"))
        #expect(detail == "line 3, column 19: Invalid value", "\(detail)")   // the second comma

        try writeAnnotationsOnly(in: folder, json: "{\"sentences\": [{\"caption\": \"a\", \"video_id\": \"video0\"}, {\"caption\": 7, \"video_id\": \"video1\"}]}")
        let typeError = #expect(throws: MSRVTTError.self) { try MSRVTTAnnotations.load(paths, split: .train) }
        #expect(typeError?.description.contains("sentences[1].caption") == true, "\(String(describing: typeError))")
    }

    @Test("a malformed split CSV names the file and line; a CSV without video_id lists its columns")
    func malformedCSV() throws {
        let folder = try TemporaryFolder()
        try writeAnnotationsOnly(in: folder, testCSV: "key,vid_key,video_id,sentence\nret0,msr0,video0,a man, a plan\n")
        let paths = MSRVTTPaths(directory: folder.url)
        let error = #expect(throws: MSRVTTError.self) { try MSRVTTAnnotations.load(paths, split: .test) }
        #expect(error?.description.contains("MSRVTT_JSFUSION_test.csv:2") == true, "\(String(describing: error))")
        try writeAnnotationsOnly(in: folder, trainCSV: "id\nvideo0\n")
        let columnError = #expect(throws: MSRVTTError.self) { try MSRVTTAnnotations.load(paths, split: .train) }
        #expect(columnError?.description.contains("no column named 'video_id'") == true)
    }

    @Test("split names: train/9k and test/1k-A/val")
    func splitNames() {
        #expect(MSRVTTSplit(name: "9k") == .train && MSRVTTSplit(name: "1k-A") == .test && MSRVTTSplit(name: "val") == .test)
        #expect(MSRVTTSplit(name: "dev") == nil)
    }
}

@Suite("MSR-VTT source on the six-video fixture")
struct MSRVTTSourceTests {
    @Test("the splits have the fixture's videos and captions (3 per training video, 1 per test pair)")
    func splits() throws {
        let fixture = try MSRVTTFixture.shared()
        let train = try MSRVTTSource(paths: fixture.paths, split: .train)
        #expect(train.videoIDs == fixture.trainVideoIDs)
        #expect(train.captions.count == 3 * fixture.trainVideoIDs.count)
        for (index, id) in train.videoIDs.enumerated() {
            #expect(train.captions.filter { $0.video == index }.map(\.text).sorted() == fixture.video(id)!.captions.sorted())
        }
        let test = try MSRVTTSource(paths: fixture.paths, split: .test)
        #expect(test.videoIDs == fixture.testPairs.map(\.videoID))
        #expect(test.captions.map(\.text) == fixture.testPairs.map(\.sentence))
        #expect(test.captions.map(\.video) == Array(0..<fixture.testPairs.count))
        #expect(test.captions.contains { $0.text.contains("\"testsrc2\"") } && test.captions.contains { $0.text.contains(",") })
        #expect(test.name.hasPrefix("msrvtt:") && test.name.hasSuffix("/test"))
    }

    @Test("each video decodes to [F, 3, S, S] with min(seconds, F) valid frames", .enabled(if: FFmpeg.isAvailable, ffmpegMissingNote))
    func frames() throws {
        let fixture = try MSRVTTFixture.shared()
        for split in MSRVTTSplit.allCases {
            let source = try MSRVTTSource(paths: fixture.paths, split: split, decoder: VideoDecoder(framesPerVideo: 12, imageSize: 24))
            for index in 0..<source.videoCount {
                let frames = try source.video(index)
                #expect(frames.values.shape == [12, 3, 24, 24])
                #expect(frames.validFrames == min(fixture.video(source.videoIDs[index])!.seconds, 12), "\(source.videoIDs[index])")
            }
        }
    }

    @Test("a video listed in a CSV without a file is named when the source opens")
    func missingVideo() throws {
        let folder = try TemporaryFolder()
        try writeAnnotationsOnly(in: folder)
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("videos"), withIntermediateDirectories: true)
        _ = try folder.write(Data(), to: "videos/video0.mp4")
        let error = #expect(throws: MSRVTTError.self) { try MSRVTTSource(paths: MSRVTTPaths(directory: folder.url), split: .train) }
        guard case let .missingVideos(missing, count, _, _, _)? = error else { Issue.record("unexpected \(String(describing: error))"); return }
        #expect(missing == ["video1"] && count == 1)
        #expect(error!.description.contains("'video1'") && error!.description.contains("--msrvtt-videos"))
    }

    @Test("without a videos folder the error says where it was looked for")
    func missingVideosFolder() throws {
        let folder = try TemporaryFolder()
        try writeAnnotationsOnly(in: folder)
        #expect(throws: MSRVTTError.missingFile(field: .videos, path: folder.url.appendingPathComponent("videos").path, overridden: false)) {
            try MSRVTTSource(paths: MSRVTTPaths(directory: folder.url), split: .test)
        }
    }

    @Test("videos are found in videos/all (CLIP4Clip's layout) or in an overridden folder")
    func videoFolders() throws {
        let folder = try TemporaryFolder()
        try writeAnnotationsOnly(in: folder)
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("videos/all"), withIntermediateDirectories: true)
        _ = try folder.write(Data(), to: "videos/all/video0.mp4")
        let source = try MSRVTTSource(paths: MSRVTTPaths(directory: folder.url), split: .test)
        #expect(source.videoURL(0).path.hasSuffix("videos/all/video0.mp4"))
        let other = folder.url.appendingPathComponent("clips")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        _ = try folder.write(Data(), to: "clips/video0.webm")
        let paths = MSRVTTPaths(directory: folder.url, videos: other, videoExtension: "webm")
        #expect(try MSRVTTSource(paths: paths, split: .test).videoURL(0) == other.appendingPathComponent("video0.webm"))
    }

    @Test("a video ffmpeg cannot decode fails with its id and file when its frames are asked for", .enabled(if: FFmpeg.isAvailable, ffmpegMissingNote))
    func undecodableVideo() throws {
        let folder = try TemporaryFolder()
        try writeAnnotationsOnly(in: folder)
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("videos"), withIntermediateDirectories: true)
        let file = try folder.write(Data(repeating: 0x42, count: 1000), to: "videos/video0.mp4")
        let source = try MSRVTTSource(paths: MSRVTTPaths(directory: folder.url), split: .test)
        let error = #expect(throws: VideoError.self) { try source.video(0) }
        guard case .undecodable(videoID: "video0", path: file.path, message: _)? = error else {
            Issue.record("unexpected \(String(describing: error))"); return
        }
    }

    @Test("with a pixel cache a video is decoded once and read back identically", .enabled(if: FFmpeg.isAvailable, ffmpegMissingNote))
    func pixelCache() throws {
        let fixture = try MSRVTTFixture.shared()
        let cacheFolder = try TemporaryFolder()
        let cache = FrameFeatureCache(directory: cacheFolder.url)
        let source = try MSRVTTSource(paths: fixture.paths, split: .test, decoder: VideoDecoder(framesPerVideo: 4, imageSize: 16), pixelCache: cache)
        let first = try source.video(2)
        let file = cache.url(for: source.pixelCacheKey(videoID: source.videoIDs[2]))
        #expect(FileManager.default.fileExists(atPath: file.path))
        let again = try source.video(2)
        #expect(again.values.scalars == first.values.scalars && again.validFrames == first.validFrames && again.kind == .pixels)
    }
}
