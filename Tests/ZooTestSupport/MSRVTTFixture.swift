// A tiny MSR-VTT-format dataset built on the fly with ffmpeg's `testsrc2` source: six short videos
// of different lengths (some shorter than 12 one-per-second frames, some longer), the official
// annotation JSON and both split CSVs, with captions that exercise CSV quoting. Used by the data
// tests and by any test that needs real files behind `--data msrvtt:DIR`.
import Foundation
import ZooData

/// A six-video MSR-VTT style dataset in a temporary folder (needs ffmpeg: check `FFmpeg.isAvailable`).
///
/// Layout (see docs/data-formats.md): `MSRVTT_data.json`, `MSRVTT_train.9k.csv`,
/// `MSRVTT_JSFUSION_test.csv`, `videos/video<i>.mp4`. Video i lasts `durations[i]` seconds at 5 fps
/// (so it decodes to exactly `durations[i]` frames at 1 fps), is `width` x `height`, and has its hue
/// turned by 60·i degrees so the videos differ. Every video has three captions; train = the
/// even-numbered videos, test = the odd-numbered ones (one sentence each, with commas and quotes).
public struct MSRVTTFixture: Sendable {
    /// One video of the fixture.
    public struct Video: Sendable, Equatable {
        public let id: String
        /// Length in seconds = frames at 1 fps.
        public let seconds: Int
        /// Its sentences in MSRVTT_data.json, in `sen_id` order within the video.
        public let captions: [String]
    }

    /// The default lengths in seconds: with F = 12, videos 4 and 5 (13 s, 15 s) are sampled by
    /// linspace and the others padded.
    public static let defaultDurations = [1, 4, 7, 10, 13, 15]

    /// The dataset folder (`msrvtt:DIR`).
    public let directory: URL
    public let videos: [Video]
    /// Ids listed in `MSRVTT_train.9k.csv`, in order.
    public let trainVideoIDs: [String]
    /// The rows of `MSRVTT_JSFUSION_test.csv`: (video id, sentence).
    public let testPairs: [TestPair]

    public struct TestPair: Sendable, Equatable {
        public let videoID: String
        public let sentence: String
    }

    /// The paths of the dataset with every file at its default place.
    public var paths: MSRVTTPaths { MSRVTTPaths(directory: directory) }

    /// The video with id `id`.
    public func video(_ id: String) -> Video? { videos.first { $0.id == id } }

    /// Builds the dataset in `directory` (a fresh temporary folder when nil).
    /// - Parameters:
    ///   - durations: one entry per video, in whole seconds (≥ 1).
    ///   - width, height: frame size in pixels (even numbers, for yuv420p).
    public static func make(in directory: URL? = nil, durations: [Int] = defaultDurations,
                            width: Int = 64, height: Int = 48) throws -> MSRVTTFixture {
        let manager = FileManager.default
        let root = directory ?? manager.temporaryDirectory.appendingPathComponent("zoo-msrvtt-fixture-\(UUID().uuidString)")
        let videoFolder = root.appendingPathComponent("videos")
        try manager.createDirectory(at: videoFolder, withIntermediateDirectories: true)

        let ffmpeg = FFmpeg()
        var videos: [Video] = []
        for (i, seconds) in durations.enumerated() {
            let id = "video\(i)"
            let output = videoFolder.appendingPathComponent("\(id).mp4").path
            _ = try ffmpeg.run(.ffmpeg, ["-nostdin", "-v", "error", "-y", "-f", "lavfi",
                                         "-i", "testsrc2=size=\(width)x\(height):rate=5", "-t", String(seconds),
                                         "-vf", "hue=h=\(60 * i)", "-pix_fmt", "yuv420p", output], input: output)
            videos.append(Video(id: id, seconds: seconds, captions: [
                "a colourful test pattern number \(i) with a moving dot",
                "a clock counts to \(seconds), then the video ends",
                "the \"testsrc2\" pattern, turned \(60 * i) degrees",
            ]))
        }
        let train = videos.indices.filter { $0 % 2 == 0 }.map { videos[$0].id }
        let test = videos.indices.filter { $0 % 2 == 1 }.map { (index: Int) -> TestPair in
            TestPair(videoID: videos[index].id, sentence: videos[index].captions[index % 4 == 1 ? 1 : 2])
        }

        // MSRVTT_data.json: sentences interleaved across videos, as the real file is not grouped.
        var sentences: [[String: Any]] = []
        for caption in 0..<3 {
            for video in videos {
                sentences.append(["caption": video.captions[caption], "video_id": video.id, "sen_id": sentences.count])
            }
        }
        let videoEntries: [[String: Any]] = videos.enumerated().map { index, video in
            ["video_id": video.id, "id": index, "category": index % 20, "url": "https://example.invalid/\(video.id)",
             "start time": 0.0, "end time": Double(video.seconds), "split": index % 2 == 0 ? "train" : "test"]
        }
        let json: [String: Any] = ["info": ["contributor": "zoo tests"], "videos": videoEntries, "sentences": sentences]
        try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
            .write(to: root.appendingPathComponent("MSRVTT_data.json"))

        let trainCSV = "video_id\n" + train.map { "\($0)\n" }.joined()
        try Data(trainCSV.utf8).write(to: root.appendingPathComponent("MSRVTT_train.9k.csv"))
        var testCSV = "key,vid_key,video_id,sentence\n"
        for (row, pair) in test.enumerated() {
            testCSV += "ret\(row),msr\(pair.videoID.dropFirst(5)),\(pair.videoID),\(csvField(pair.sentence))\n"
        }
        try Data(testCSV.utf8).write(to: root.appendingPathComponent("MSRVTT_JSFUSION_test.csv"))
        return MSRVTTFixture(directory: root, videos: videos, trainVideoIDs: train, testPairs: test)
    }

    /// One fixture per test process, built on first use (tests must not modify it: use `make()`
    /// for a private copy to damage).
    public static func shared() throws -> MSRVTTFixture {
        try SharedFixture.instance.get()
    }

    /// Deletes the dataset folder.
    public func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// `text` as a CSV field: quoted, inner quotes doubled, when it holds a comma, quote or newline.
    public static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private func csvField(_ text: String) -> String { Self.csvField(text) }
}

/// The process-wide fixture behind `MSRVTTFixture.shared()`, built once under a lock.
private enum SharedFixture {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var built: Result<MSRVTTFixture, any Error>?

    static var instance: Result<MSRVTTFixture, any Error> {
        lock.lock(); defer { lock.unlock() }
        if let built { return built }
        let result = Result { try MSRVTTFixture.make() }
        built = result
        return result
    }
}
