// Where the files of an MSR-VTT style dataset live: the official names inside one folder, each
// overridable (the CLI maps its flags onto the optional fields). docs/data-formats.md shows the layout.
import Foundation

/// The files of an MSR-VTT style dataset (`--data msrvtt:DIR`).
///
/// Defaults, all inside `directory`:
/// - `MSRVTT_data.json`: the official annotations, `{"videos": [...], "sentences": [{"caption",
///   "video_id", "sen_id"}, ...]}` (only `sentences[].caption` and `.video_id` are read);
/// - `MSRVTT_train.9k.csv`: the 9,000 training videos (column `video_id`);
/// - `MSRVTT_JSFUSION_test.csv`: the 1,000 "1k-A" test pairs (columns `key,vid_key,video_id,sentence`);
/// - `videos/<video_id>.mp4`, or `videos/all/<video_id>.mp4` (CLIP4Clip's layout) when `videos/`
///   lacks the files and `videos/all/` exists.
public struct MSRVTTPaths: Sendable, Equatable {
    /// The files a user may point elsewhere, for messages that say which setting to change.
    public enum Field: String, Sendable, CaseIterable {
        case annotations, trainCSV, testCSV, videos

        /// The default name inside the dataset folder.
        public var defaultName: String {
            switch self {
            case .annotations: return "MSRVTT_data.json"
            case .trainCSV: return "MSRVTT_train.9k.csv"
            case .testCSV: return "MSRVTT_JSFUSION_test.csv"
            case .videos: return "videos"
            }
        }

        /// The zoo CLI flag that overrides it (`--msrvtt-annotations FILE`, …).
        public var flag: String {
            switch self {
            case .annotations: return "--msrvtt-annotations"
            case .trainCSV: return "--msrvtt-train-csv"
            case .testCSV: return "--msrvtt-test-csv"
            case .videos: return "--msrvtt-videos"
            }
        }
    }

    /// The dataset folder (`DIR` of `msrvtt:DIR`).
    public var directory: URL
    /// `MSRVTT_data.json` elsewhere; nil for `directory/MSRVTT_data.json`.
    public var annotations: URL?
    /// The training split CSV elsewhere; nil for `directory/MSRVTT_train.9k.csv`.
    public var trainCSV: URL?
    /// The test split CSV elsewhere; nil for `directory/MSRVTT_JSFUSION_test.csv`.
    public var testCSV: URL?
    /// The folder of video files elsewhere; nil for `directory/videos` (or `videos/all`).
    public var videos: URL?
    /// The video files' extension, without the dot (`mp4`).
    public var videoExtension: String

    public init(directory: URL, annotations: URL? = nil, trainCSV: URL? = nil, testCSV: URL? = nil,
                videos: URL? = nil, videoExtension: String = "mp4") {
        self.directory = directory
        self.annotations = annotations
        self.trainCSV = trainCSV
        self.testCSV = testCSV
        self.videos = videos
        self.videoExtension = videoExtension
    }

    /// The path in use for `field`: the override, or the default inside `directory`.
    public func url(for field: Field) -> URL {
        let override: URL?
        switch field {
        case .annotations: override = annotations
        case .trainCSV: override = trainCSV
        case .testCSV: override = testCSV
        case .videos: override = videos
        }
        return override ?? directory.appendingPathComponent(field.defaultName)
    }

    /// Whether `field` was set explicitly.
    public func isOverridden(_ field: Field) -> Bool {
        switch field {
        case .annotations: return annotations != nil
        case .trainCSV: return trainCSV != nil
        case .testCSV: return testCSV != nil
        case .videos: return videos != nil
        }
    }

    /// The folder that holds the videos `ids`: the override, else `directory/videos`, else
    /// `directory/videos/all` when that folder exists and holds the first id's file while
    /// `videos/` does not.
    public func videosFolder(for ids: [String]) -> URL {
        let folder = url(for: .videos)
        guard videos == nil, let first = ids.first else { return folder }
        let all = folder.appendingPathComponent("all")
        let manager = FileManager.default
        if !manager.fileExists(atPath: videoURL(first, in: folder).path) && manager.fileExists(atPath: videoURL(first, in: all).path) {
            return all
        }
        return folder
    }

    /// `folder/<id>.<videoExtension>`.
    public func videoURL(_ id: String, in folder: URL) -> URL {
        folder.appendingPathComponent(videoExtension.isEmpty ? id : "\(id).\(videoExtension)")
    }
}

/// The two MSR-VTT splits CLIP4Clip-style papers report.
public enum MSRVTTSplit: String, Sendable, CaseIterable {
    /// "9k": every sentence of the videos in `MSRVTT_train.9k.csv` (20 per video in the real data).
    case train
    /// "1k-A": the rows of `MSRVTT_JSFUSION_test.csv`, one (video, sentence) pair each.
    case test

    /// The split named `name`: `train` (also `9k`), `test` (also `1k-A`, and `val`, since
    /// CLIP4Clip validates on the test split); case-insensitive.
    public init?(name: String) {
        switch name.lowercased() {
        case "train", "9k", "train-9k": self = .train
        case "test", "1k-a", "val": self = .test
        default: return nil
        }
    }
}
