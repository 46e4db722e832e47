// The zoo's one numeric type: a float32 tensor that can sit on the autograd tape.
import Foundation

/// A dense float32 tensor, row-major and contiguous, that can record how it was computed.
///
/// Every tensor owns (or shares, for reshapes) a `TensorStorage` of `count` floats laid out
/// row-major for `shape`. Operations return new tensors; when gradient recording is on
/// (see `noGrad`) and an input requires a gradient, the result remembers the operation so
/// that `backward()` can propagate gradients to the leaves.
///
/// Tensors are classes because identity matters: a parameter is the same object in the
/// module, the optimizer and the tape.
public final class Tensor {
    /// Sizes of each dimension; `[]` is a scalar with one element.
    public let shape: [Int]
    /// The floats, shared between a tensor and its reshapes.
    public let storage: TensorStorage
    /// Whether gradients flow to (or through) this tensor. Set on leaves to make them trainable.
    public var requiresGrad: Bool
    /// The accumulated gradient of a leaf after `backward()`; same shape as the tensor.
    public var grad: Tensor?
    /// How this tensor was computed, when recorded; nil for leaves and untracked results.
    var gradNode: GradNode?

    /// Wraps existing storage. `storage.count` must equal the product of `shape`.
    public init(shape: [Int], storage: TensorStorage, requiresGrad: Bool = false) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        precondition(storage.count == shape.reduce(1, *),
                     "storage of \(storage.count) floats cannot hold shape \(shape)")
        self.shape = shape
        self.storage = storage
        self.requiresGrad = requiresGrad
    }

    /// A tensor with uninitialised contents; kernels fill it.
    init(uninitializedShape shape: [Int]) {
        self.shape = shape
        self.storage = TensorStorage(count: shape.reduce(1, *))
        self.requiresGrad = false
    }

    /// A tensor holding `scalars` in row-major order.
    public convenience init(_ scalars: [Float], shape: [Int], requiresGrad: Bool = false) {
        precondition(scalars.count == shape.reduce(1, *),
                     "\(scalars.count) values cannot fill shape \(shape)")
        let storage = TensorStorage(count: scalars.count)
        scalars.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { storage.pointer.update(from: base, count: scalars.count) }
        }
        self.init(shape: shape, storage: storage, requiresGrad: requiresGrad)
    }

    /// A 1-D tensor.
    public convenience init(_ scalars: [Float]) { self.init(scalars, shape: [scalars.count]) }

    /// A 2-D tensor from rows of equal length.
    public convenience init(rows: [[Float]]) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "rows of unequal length")
        self.init(rows.flatMap { $0 }, shape: [rows.count, columns])
    }

    /// A 0-d tensor.
    public convenience init(scalar: Float, requiresGrad: Bool = false) {
        self.init([scalar], shape: [], requiresGrad: requiresGrad)
    }

    /// A tensor of `shape` filled with `value`.
    public convenience init(repeating value: Float, shape: [Int]) {
        let storage = TensorStorage(count: shape.reduce(1, *))
        let pointer = storage.pointer
        Tensor.parallelElements(storage.count) { range in
            (pointer + range.lowerBound).initialize(repeating: value, count: range.count)
        }
        self.init(shape: shape, storage: storage)
    }

    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }

    /// Number of elements.
    public var count: Int { storage.count }
    /// Number of dimensions.
    public var rank: Int { shape.count }
    /// Whether this tensor is a leaf of the tape (created by the user, not by an op).
    public var isLeaf: Bool { gradNode == nil }

    /// A copy of the contents in row-major order.
    public var scalars: [Float] { Array(UnsafeBufferPointer(start: storage.pointer, count: count)) }

    /// The single value of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item needs a one-element tensor, got shape \(shape)")
        return storage.pointer[0]
    }

    /// Size of dimension `axis`; negative axes count from the end.
    public func size(_ axis: Int) -> Int { shape[normalizedAxis(axis)] }

    /// Maps a possibly negative axis into `0..<rank`, with a readable failure.
    public func normalizedAxis(_ axis: Int, op: String = "axis") -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        precondition(resolved >= 0 && resolved < Swift.max(rank, 1), "\(op): axis \(axis) is out of range for shape \(shape)")
        return resolved
    }

    /// Read-only access to the floats.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    /// Mutable access to the floats. Mutating a tensor that is recorded on the tape invalidates
    /// gradients computed from it; optimizers use this on leaves only.
    public func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
    }

    /// Overwrites the contents with `other`'s (same element count), keeping identity and shape.
    public func assign(_ other: Tensor) {
        precondition(other.count == count, "assign: shape \(other.shape) does not fit \(shape)")
        if other.storage !== storage { storage.pointer.update(from: other.storage.pointer, count: count) }
    }

    /// A new leaf with the same values that is cut off from the tape.
    public func detached() -> Tensor {
        Tensor(shape: shape, storage: storage)
    }

    /// A deep copy (new storage), not recorded on the tape.
    public func copy() -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        result.storage.pointer.update(from: storage.pointer, count: count)
        return result
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = scalars.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor\(shape)[\(preview)\(count > 8 ? ", …" : "")]"
    }
}

/// A 64-byte aligned buffer of floats, freed with the last tensor that references it.
public final class TensorStorage: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int

    public init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    deinit { pointer.deallocate() }
}
