// Turning a `--data` value (and the path-override flags) into splits.
import Foundation
import ZooCommandLine
import ZooCore
import ZooData

/// Flags that move one file of a dataset layout elsewhere.
enum DataPathFlags {
    static let options: [OptionSpec] = [
        .value("msrvtt-annotations", valueName: "FILE", help: "MSRVTT_data.json elsewhere (msrvtt:DIR)"),
        .value("msrvtt-train-csv", valueName: "FILE", help: "The training video list elsewhere (msrvtt:DIR)"),
        .value("msrvtt-test-csv", valueName: "FILE", help: "The 1k-A test pairs elsewhere (msrvtt:DIR)"),
        .value("msrvtt-videos", valueName: "DIR", help: "The video folder elsewhere (msrvtt:DIR)"),
        .value("features-file", valueName: "FILE", help: "features.safetensors elsewhere (features:DIR)"),
        .value("captions-file", valueName: "FILE", help: "captions.json elsewhere (features:DIR)"),
    ]
}

extension DataSpec {
    /// Train, validation and test splits at the model's image size.
    /// - frames: frames per video, or the dataset's default (synthvtt 8, MSR-VTT 12) when nil.
    /// - dataSeed: the seed of generated data (synthvtt); fixed by default so that runs with
    ///   different training seeds see the same benchmark.
    func load(imageSize: Int, frames: Int?, arguments: ParsedArguments, dataSeed: UInt64 = 0) throws -> DataSplits {
        func url(_ flag: String) -> URL? { arguments.value(flag).map { URL(fileURLWithPath: $0) } }
        switch self {
        case .synthvtt:
            var configuration = SynthVTTConfiguration(seed: dataSeed, imageSize: imageSize)
            if let frames { configuration.frames = frames }
            return DataSplits(train: try SynthVTT.split(.train, configuration: configuration),
                              validation: try SynthVTT.split(.validation, configuration: configuration),
                              test: try SynthVTT.split(.test, configuration: configuration))
        case let .msrvtt(directory):
            let paths = MSRVTTPaths(directory: URL(fileURLWithPath: directory), annotations: url("msrvtt-annotations"),
                                    trainCSV: url("msrvtt-train-csv"), testCSV: url("msrvtt-test-csv"), videos: url("msrvtt-videos"))
            let decoder = VideoDecoder(framesPerVideo: frames ?? 12, imageSize: imageSize)
            let test = try MSRVTTSource(paths: paths, split: .test, decoder: decoder)
            // Evaluation needs only the test list; a missing training list matters only to training.
            let train = (try? MSRVTTSource(paths: paths, split: .train, decoder: decoder)) ?? test
            return DataSplits(train: train, validation: nil, test: test)
        case .digits, .synthfine:
            throw UsageError("--data \(self) is a classification dataset; train a classification model on it (`zoo list --family classification`)")
        case let .features(directory):
            let paths = FeatureSourcePaths(directory: URL(fileURLWithPath: directory), features: url("features-file"), captions: url("captions-file"))
            let test = try FeatureSource(paths: paths, split: "test", framesPerVideo: frames ?? 12)
            let train = (try? FeatureSource(paths: paths, split: "train", framesPerVideo: frames ?? 12)) ?? test
            return DataSplits(train: train, validation: nil, test: test)
        }
    }
}
