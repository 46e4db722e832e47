// The official-layout dataset fixtures of Tests/Fixtures/datasets/<name>/ (annotation files made
// by scripts/make-dataset-fixtures.py, with the pairs CLIP4Clip's dataloader classes build from
// them in expected.json), copied into a temporary folder with a real short video made by ffmpeg
// at every path the layout expects.
import Foundation
import ZooData

/// A dataset folder in one of the official layouts, with its videos, and what the official loader
/// makes of it.
public struct DatasetLayoutFixture: Sendable {
    /// One (video, caption) pair as the official loader yields it.
    public struct Pair: Decodable, Sendable, Equatable {
        /// The file name without its extension.
        public var video: String
        /// The loader's own key when it differs (DiDeMo keeps the extension, ActivityNet the `v_`).
        public var official_key: String?
        public var caption: String
        /// The seconds the loader passes to its video reader (DiDeMo, ActivityNet).
        public var start: Int?
        public var end: Int?

        /// The id the zoo reports: the dataset's own key.
        public var id: String { official_key ?? video }
    }

    struct Expected: Decodable {
        var videos: [String]
        var splits: [String: [Pair]]
    }

    /// `msvd`, `lsmdc`, `didemo`, `activitynet` or `msrvtt`: the `--data` kind.
    public let name: String
    /// The dataset folder (`NAME:DIR`).
    public let directory: URL
    /// The pairs of each split, in the official loader's order.
    public let splits: [String: [Pair]]
    /// Every video file, relative to `directory`.
    public let videos: [String]

    /// Copies the fixture `name` into a fresh temporary folder and makes every video with ffmpeg:
    /// `seconds(path)` long (default 2 s) at 5 fps, 32x24, whatever the extension (an MP4 stream).
    public static func make(_ name: String, seconds: (String) -> Int = { _ in 2 }) throws -> DatasetLayoutFixture {
        let manager = FileManager.default
        let source = fixturesDirectory.appendingPathComponent("datasets").appendingPathComponent(name)
        let root = manager.temporaryDirectory.appendingPathComponent("zoo-\(name)-layout-\(UUID().uuidString)")
        try manager.createDirectory(at: root, withIntermediateDirectories: true)
        for file in try manager.contentsOfDirectory(atPath: source.path) where file != "expected.json" {
            try manager.copyItem(at: source.appendingPathComponent(file), to: root.appendingPathComponent(file))
        }
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: source.appendingPathComponent("expected.json")))
        let ffmpeg = FFmpeg()
        for (index, path) in expected.videos.enumerated() {
            let output = root.appendingPathComponent(path)
            try manager.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
            _ = try ffmpeg.run(.ffmpeg, ["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=32x24:rate=5",
                                         "-t", String(seconds(path)), "-vf", "hue=h=\(37 * index)", "-pix_fmt", "yuv420p",
                                         "-f", "mp4", output.path], input: output.path)
        }
        return DatasetLayoutFixture(name: name, directory: root, splits: expected.splits, videos: expected.videos)
    }

    /// Deletes the folder.
    public func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
