// A batch as every model sees it: named float inputs, named integer inputs, and the dataset
// indices of its examples (CRD's memory banks are indexed by them).
import ZooTensor

/// One batch of examples.
///
/// Retrieval batches hold `text.ids` `[B, T]` (token ids) and either `video.pixels`
/// `[B, F, 3, H, W]` or `video.features` `[B, F, D]`, plus `video.mask` `[B, F]`; row i of the
/// text matches row i of the video. Classification batches hold `images` `[B, C, H, W]` (or
/// `inputs` `[B, K]`) and `labels` `[B]`.
public struct Batch {
    public var tensors: [String: Tensor]
    public var integers: [String: IntTensor]
    /// Dataset index of each example (for memory banks and for logging).
    public var indices: [Int]

    public init(tensors: [String: Tensor] = [:], integers: [String: IntTensor] = [:], indices: [Int] = []) {
        self.tensors = tensors
        self.integers = integers
        self.indices = indices
    }

    /// Number of examples.
    public var count: Int { indices.count }

    /// A float input, or an error naming the key and what the batch has.
    public func tensor(_ key: String) throws -> Tensor {
        guard let value = tensors[key] else { throw BatchError.missingInput(key, available: Array(tensors.keys) + Array(integers.keys)) }
        return value
    }

    /// An integer input, or an error naming the key and what the batch has.
    public func integers(_ key: String) throws -> IntTensor {
        guard let value = integers[key] else { throw BatchError.missingInput(key, available: Array(tensors.keys) + Array(integers.keys)) }
        return value
    }
}

/// A batch lacks an input a model needs.
public enum BatchError: Error, CustomStringConvertible, Equatable {
    case missingInput(String, available: [String])

    public var description: String {
        switch self {
        case let .missingInput(key, available):
            return "the batch has no input '\(key)' (it has \(available.sorted().joined(separator: ", "))). Is the model paired with data of another task?"
        }
    }
}
