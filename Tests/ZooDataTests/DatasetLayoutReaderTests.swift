// The dataset layout readers on hand-written folders (no video is decoded): what each error names,
// how a missing file is left out, and the --max-missing arithmetic.
import Foundation
import Testing
import ZooData

@Suite("Dataset layout readers")
struct DatasetLayoutReaderTests {
    @Test("an MSVD video listed without captions is an error naming it and the pickle")
    func msvdVideoWithoutCaptions() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("videos"), withIntermediateDirectories: true)
        _ = try folder.write(Data("known\nunknown\n".utf8), to: "test_list.txt")
        // {"known": [["a", "cat"]]} at protocol 2.
        let pickle: [UInt8] = [0x80, 0x02, 0x7D, 0x58, 0x05, 0, 0, 0] + Array("known".utf8)
            + [0x5D, 0x5D, 0x28, 0x58, 0x01, 0, 0, 0, 0x61, 0x58, 0x03, 0, 0, 0] + Array("cat".utf8) + [0x65, 0x61, 0x73, 0x2E]
        _ = try folder.write(Data(pickle), to: "raw-captions.pkl")
        let error = #expect(throws: DatasetError.self) { try MSVDAnnotations.split("test", directory: folder.url) }
        #expect(error?.description.contains("'unknown'") == true)
        #expect(error?.description.contains("raw-captions.pkl") == true)
    }

    @Test("a refused MSVD pickle stops the split with the pickle's error")
    func msvdHostilePickle() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("videos"), withIntermediateDirectories: true)
        _ = try folder.write(Data("a\n".utf8), to: "test_list.txt")
        _ = try folder.write(Data([0x80, 0x02] + Array("cposix\nsystem\n".utf8) + [0x2E]), to: "raw-captions.pkl")
        let error = #expect(throws: DatasetError.self) { try MSVDAnnotations.split("test", directory: folder.url) }
        #expect(error?.description.contains("GLOBAL") == true)
    }

    @Test("an LSMDC line without six tab-separated fields is named by its line number")
    func lsmdcFieldCount() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("videos"), withIntermediateDirectories: true)
        _ = try folder.write(Data("c1\t1\t2\t1\t2\tSOMEONE runs.\n\nc2\t1\t2\tno sentence\n".utf8), to: "LSMDC16_challenge_1000_publictect.csv")
        let error = #expect(throws: DatasetError.self) { try LSMDCAnnotations.split("test", directory: folder.url) }
        #expect(error?.description.contains("line 3") == true)
        #expect(error?.description.contains("4 tab-separated") == true)
    }

    @Test("ActivityNet keeps the dataset's v_ id, finds the file without the prefix, and reads to ⌈duration⌉")
    func activityNetIDsAndSpan() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("videos/part1"), withIntermediateDirectories: true)
        _ = try folder.write(Data(), to: "videos/part1/abc.mp4")
        _ = try folder.write(Data(#"["v_abc", "v_abc", "v_gone", "v_nocaption"]"#.utf8), to: "val_ids.json")
        _ = try folder.write(Data(#"{"v_abc": {"duration": 4.2, "sentences": ["One.", " Two."]}, "v_gone": {"duration": 0, "sentences": ["x"]}}"#.utf8), to: "val_1.json")
        let split = try ActivityNetAnnotations.split("val", directory: folder.url)
        #expect(split.videos.map(\.id) == ["v_abc", "v_gone"])
        #expect(split.videos.map(\.lastSecond) == [5, 1])
        #expect(split.videos[0].file?.lastPathComponent == "abc.mp4" && split.videos[1].file == nil)
        #expect(split.captions.map(\.text) == ["One.  Two.", "x"])
        #expect(split.notes.count == 2)   // the repeated id, and the id without captions
    }

    @Test("a list without a caption column is refused, naming the expected header")
    func listHeader() throws {
        let folder = try TemporaryFolder()
        let list = try folder.write(Data("video,text\na.mp4,hello\n".utf8), to: "pairs.csv")
        let error = #expect(throws: DatasetError.self) { try VideoCaptionList.split("all", list: list) }
        #expect(error?.description.contains("video,caption") == true)
        let lines = try folder.write(Data("{\"video\": \"a.mp4\", \"caption\": \"hi\", \"split\": \"test\"}\n{\"video\": 3}\n".utf8), to: "pairs.jsonl")
        let jsonError = #expect(throws: DatasetError.self) { try VideoCaptionList.split("test", list: lines) }
        #expect(jsonError?.description.contains("line 2") == true)
    }

    @Test("a split opens without its missing videos up to --max-missing, and refuses past it naming them")
    func missingPolicy() throws {
        let folder = try TemporaryFolder()
        let present = try folder.write(Data([1, 2, 3]), to: "a.mp4")
        let empty = try folder.write(Data(), to: "b.mp4")
        let videos = [AnnotatedVideo(id: "a", file: present, expected: present.path),
                      AnnotatedVideo(id: "b", file: empty, expected: empty.path),
                      AnnotatedVideo(id: "c", file: nil, expected: "videos/**/c.*")]
        let split = AnnotatedSplit(name: "demo", videos: videos, captions: (0..<3).map { Caption(text: "caption \($0)", video: $0) })
        let opened = try VideoFileSource(split: split, decoder: VideoDecoder(), policy: MissingVideoPolicy(fraction: 2.0 / 3))
        #expect(opened.videos.map(\.id) == ["a"] && opened.captions == [Caption(text: "caption 0", video: 0)])
        #expect(opened.skipped.all.map(\.reason) == ["the file is empty (0 bytes)", "no file found"])
        let error = #expect(throws: DatasetError.self) { try VideoFileSource(split: split, decoder: VideoDecoder(), policy: MissingVideoPolicy(fraction: 0.5)) }
        #expect(error?.description.contains("2 of 3 videos") == true)
        #expect(MissingVideoPolicy(text: "5%")?.fraction == 0.05 && MissingVideoPolicy(text: "0.5")?.fraction == 0.5)
        #expect(MissingVideoPolicy(text: "150%") == nil && MissingVideoPolicy(text: "-1") == nil && MissingVideoPolicy(text: "nan") == nil)
        #expect(MissingVideoPolicy().allowed(of: 1000) == 10 && MissingVideoPolicy().allowed(of: 99) == 0)
    }

    @Test("a videos folder that is a symbolic link is walked, as os.walk walks it")
    func symlinkedVideosFolder() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("elsewhere/deep"), withIntermediateDirectories: true)
        _ = try folder.write(Data([1]), to: "elsewhere/deep/clip.avi")
        try FileManager.default.createSymbolicLink(at: folder.url.appendingPathComponent("videos"),
                                                   withDestinationURL: folder.url.appendingPathComponent("elsewhere"))
        let index = try VideoFolderIndex(folder: folder.url.appendingPathComponent("videos"), key: .stem)
        #expect(index.file(for: "clip")?.lastPathComponent == "clip.avi")
    }
}
