// Turning a `--data` value into splits.
import Foundation
import ZooCore
import ZooData

extension DataSpec {
    /// Train, validation and test splits at the model's image size.
    /// - frames: frames per video, or the dataset's default when nil.
    func load(imageSize: Int, frames: Int?, seed: UInt64) throws -> DataSplits {
        throw ZooError.invalidConfig(entry: "--data", key: description, problem: "cannot be loaded by this build yet")
    }
}
