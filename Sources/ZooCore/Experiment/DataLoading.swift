// Turning an experiment's data options into splits.
import Foundation
import ZooData

/// A file of a dataset layout that may live elsewhere (`DataOptions.paths`, the `--NAME` flags).
public struct DataPathOption: Sendable {
    /// The key in `DataOptions.paths` and the command-line flag (`msrvtt-videos`).
    public let name: String
    public let valueName: String
    public let help: String

    /// Every path option, in the order `--help` lists them.
    public static let all: [DataPathOption] = [
        DataPathOption(name: "msrvtt-annotations", valueName: "FILE", help: "MSRVTT_data.json elsewhere (msrvtt:DIR)"),
        DataPathOption(name: "msrvtt-train-csv", valueName: "FILE", help: "The training video list elsewhere (msrvtt:DIR)"),
        DataPathOption(name: "msrvtt-test-csv", valueName: "FILE", help: "The 1k-A test pairs elsewhere (msrvtt:DIR)"),
        DataPathOption(name: "msrvtt-videos", valueName: "DIR", help: "The video folder elsewhere (msrvtt:DIR)"),
        DataPathOption(name: "videos-folder", valueName: "DIR", help: "The video folder elsewhere (msvd, lsmdc, didemo, activitynet; default DIR/videos)"),
        DataPathOption(name: "features-file", valueName: "FILE", help: "features.safetensors elsewhere (features:DIR)"),
        DataPathOption(name: "captions-file", valueName: "FILE", help: "captions.json elsewhere (features:DIR)"),
    ]
}

extension DataSpec {
    /// The named splits of this dataset, the default training and test split first.
    public var splitNames: [String] {
        switch self {
        case .synthvtt: return ["train", "val", "test"]
        case .msrvtt: return MSRVTTAnnotations.splitNames
        case .msvd: return MSVDAnnotations.splits
        case .lsmdc: return LSMDCAnnotations.splits
        case .didemo: return DiDeMoAnnotations.splits
        case .activitynet: return ActivityNetAnnotations.splits
        case .features: return ["train", "test"]
        case .list, .digits, .synthfine: return ["train", "test"]
        }
    }

    /// Whether the dataset is a layout of video files that `annotatedSplit` reads.
    public var annotatedSplitKind: Bool {
        switch self {
        case .msrvtt, .msvd, .lsmdc, .didemo, .activitynet, .list: return true
        case .synthvtt, .features, .digits, .synthfine: return false
        }
    }

    /// The split that reports when none is chosen: `test`, or `val` for ActivityNet (the papers
    /// report on val_1.json), or `all` for a list without a split column.
    var defaultTestSplit: String { self.kind == "activitynet" ? "val" : "test" }

    /// The annotated split `name` of a video-file dataset (msrvtt, msvd, lsmdc, didemo,
    /// activitynet, list); nil for the others.
    public func annotatedSplit(_ name: String, paths: [String: String]) throws -> AnnotatedSplit? {
        func url(_ option: String) -> URL? { paths[option].map { URL(fileURLWithPath: $0) } }
        let videos = url("videos-folder")
        switch self {
        case let .msrvtt(directory):
            let layout = MSRVTTPaths(directory: URL(fileURLWithPath: directory), annotations: url("msrvtt-annotations"),
                                     trainCSV: url("msrvtt-train-csv"), testCSV: url("msrvtt-test-csv"), videos: url("msrvtt-videos"))
            return try MSRVTTAnnotations.annotatedSplit(name, paths: layout)
        case let .msvd(directory): return try MSVDAnnotations.split(name, directory: URL(fileURLWithPath: directory), videos: videos)
        case let .lsmdc(directory): return try LSMDCAnnotations.split(name, directory: URL(fileURLWithPath: directory), videos: videos)
        case let .didemo(directory): return try DiDeMoAnnotations.split(name, directory: URL(fileURLWithPath: directory), videos: videos)
        case let .activitynet(directory): return try ActivityNetAnnotations.split(name, directory: URL(fileURLWithPath: directory), videos: videos)
        case let .list(file): return try VideoCaptionList.split(name, list: URL(fileURLWithPath: file))
        case .synthvtt, .features, .digits, .synthfine: return nil
        }
    }

    /// For a list: its own split names when it has them, else `all` for training and test alike.
    private func listSplitName(_ wanted: String?, default fallback: String) throws -> String {
        guard case let .list(file) = self else { return wanted ?? fallback }
        let names = VideoCaptionList.splitNames(try VideoCaptionList.pairs(URL(fileURLWithPath: file)))
        if let wanted { return wanted }
        return names == ["all"] ? "all" : fallback
    }

    /// Train, validation and test splits at the model's image size.
    /// - options: frames per video (the dataset's default, synthvtt 8, MSR-VTT 12, DiDeMo and
    ///   ActivityNet 64, when nil), files kept elsewhere by `DataPathOption` name, the splits, and
    ///   how many videos may be missing.
    /// - dataSeed: the seed of generated data (synthvtt); fixed by default so that runs with
    ///   different training seeds see the same benchmark.
    public func load(imageSize: Int, options: DataOptions, dataSeed: UInt64 = 0) throws -> DataSplits {
        let (frames, paths) = (options.frames, options.paths)
        func url(_ option: String) -> URL? { paths[option].map { URL(fileURLWithPath: $0) } }
        switch self {
        case .synthvtt:
            var configuration = SynthVTTConfiguration(seed: dataSeed, imageSize: imageSize)
            if let frames { configuration.frames = frames }
            return DataSplits(train: .success(try SynthVTT.split(.train, configuration: configuration)),
                              validation: try SynthVTT.split(.validation, configuration: configuration),
                              test: try SynthVTT.split(.test, configuration: configuration))
        case .msrvtt, .msvd, .lsmdc, .didemo, .activitynet, .list:
            let decoder = VideoDecoder(framesPerVideo: frames ?? defaultFrames ?? 12, imageSize: imageSize)
            let policy = MissingVideoPolicy(fraction: options.maxMissing ?? 0.01)
            func open(_ name: String) throws -> any RetrievalSource {
                guard let split = try annotatedSplit(name, paths: paths) else { preconditionFailure("\(self) is a video-file dataset") }
                return try VideoFileSource(split: split, decoder: decoder, policy: policy)
            }
            let test = try open(try listSplitName(options.testSplit, default: defaultTestSplit))
            // Evaluation needs only the test split; a training split that cannot open matters only
            // to training, which then stops with its error (never trains on the test split instead).
            let train = Result<any RetrievalSource, any Error> { try open(try listSplitName(options.trainSplit, default: "train")) }
            var splits = DataSplits(train: train, validation: nil, test: test)
            // A training split that did not open has no record (its error waits in `train`).
            if case let .success(source) = train, let log = source.skippedVideos { splits.skippedVideoLogs.append(log) }
            if let log = test.skippedVideos { splits.skippedVideoLogs.append(log) }
            return splits
        case .digits, .synthfine:
            throw ExperimentError.badValue(field: "the dataset", value: "\(self)", expected: "retrieval data for a retrieval model (synthvtt, msrvtt:DIR, msvd:DIR, lsmdc:DIR, didemo:DIR, activitynet:DIR, list:FILE or features:DIR)")
        case let .features(directory):
            let paths = FeatureSourcePaths(directory: URL(fileURLWithPath: directory), features: url("features-file"), captions: url("captions-file"))
            let test = try FeatureSource(paths: paths, split: options.testSplit ?? "test", framesPerVideo: frames ?? 12)
            let train = Result<any RetrievalSource, any Error> { try FeatureSource(paths: paths, split: options.trainSplit ?? "train", framesPerVideo: frames ?? 12) }
            return DataSplits(train: train, validation: nil, test: test)
        }
    }
}
