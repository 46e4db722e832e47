// Turning a `--data` value into splits.
import Foundation
import ZooCore
import ZooData

extension DataSpec {
    /// Train, validation and test splits at the model's image size.
    /// - frames: frames per video, or the dataset's default when nil.
    /// - dataSeed: the seed of generated data (synthvtt); fixed by default so that runs with
    ///   different training seeds see the same benchmark.
    func load(imageSize: Int, frames: Int?, dataSeed: UInt64 = 0) throws -> DataSplits {
        switch self {
        case .synthvtt:
            var configuration = SynthVTTConfiguration(seed: dataSeed, imageSize: imageSize)
            if let frames { configuration.frames = frames }
            return DataSplits(train: try SynthVTT.split(.train, configuration: configuration),
                              validation: try SynthVTT.split(.validation, configuration: configuration),
                              test: try SynthVTT.split(.test, configuration: configuration))
        case .msrvtt, .features:
            throw ZooError.invalidConfig(entry: "--data", key: description, problem: "cannot be loaded by this build yet")
        }
    }
}
