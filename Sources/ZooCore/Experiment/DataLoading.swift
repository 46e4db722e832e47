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
        DataPathOption(name: "features-file", valueName: "FILE", help: "features.safetensors elsewhere (features:DIR)"),
        DataPathOption(name: "captions-file", valueName: "FILE", help: "captions.json elsewhere (features:DIR)"),
    ]
}

extension DataSpec {
    /// Train, validation and test splits at the model's image size.
    /// - frames: frames per video, or the dataset's default (synthvtt 8, MSR-VTT 12) when nil.
    /// - paths: files kept elsewhere, by `DataPathOption` name.
    /// - dataSeed: the seed of generated data (synthvtt); fixed by default so that runs with
    ///   different training seeds see the same benchmark.
    public func load(imageSize: Int, frames: Int?, paths: [String: String], dataSeed: UInt64 = 0) throws -> DataSplits {
        func url(_ option: String) -> URL? { paths[option].map { URL(fileURLWithPath: $0) } }
        switch self {
        case .synthvtt:
            var configuration = SynthVTTConfiguration(seed: dataSeed, imageSize: imageSize)
            if let frames { configuration.frames = frames }
            return DataSplits(train: .success(try SynthVTT.split(.train, configuration: configuration)),
                              validation: try SynthVTT.split(.validation, configuration: configuration),
                              test: try SynthVTT.split(.test, configuration: configuration))
        case let .msrvtt(directory):
            let paths = MSRVTTPaths(directory: URL(fileURLWithPath: directory), annotations: url("msrvtt-annotations"),
                                    trainCSV: url("msrvtt-train-csv"), testCSV: url("msrvtt-test-csv"), videos: url("msrvtt-videos"))
            let decoder = VideoDecoder(framesPerVideo: frames ?? 12, imageSize: imageSize)
            let test = try MSRVTTSource(paths: paths, split: .test, decoder: decoder)
            // Evaluation needs only the test list; a missing training list matters only to training,
            // which then stops with its error (never trains on the test split instead).
            let train = Result<any RetrievalSource, any Error> { try MSRVTTSource(paths: paths, split: .train, decoder: decoder) }
            return DataSplits(train: train, validation: nil, test: test)
        case .digits, .synthfine:
            throw ExperimentError.badValue(field: "the dataset", value: "\(self)", expected: "retrieval data for a retrieval model (synthvtt, msrvtt:DIR or features:DIR)")
        case let .features(directory):
            let paths = FeatureSourcePaths(directory: URL(fileURLWithPath: directory), features: url("features-file"), captions: url("captions-file"))
            let test = try FeatureSource(paths: paths, split: "test", framesPerVideo: frames ?? 12)
            let train = Result<any RetrievalSource, any Error> { try FeatureSource(paths: paths, split: "train", framesPerVideo: frames ?? 12) }
            return DataSplits(train: train, validation: nil, test: test)
        }
    }
}
