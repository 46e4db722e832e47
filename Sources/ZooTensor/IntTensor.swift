// Integer tensors: token ids, class labels, indices and masks as they come from data.

/// A dense row-major tensor of integers (token ids, labels, gather indices).
/// Integer tensors never carry gradients, so this is a plain value type.
public struct IntTensor: Equatable, Sendable {
    public var shape: [Int]
    public var scalars: [Int]

    public init(_ scalars: [Int], shape: [Int]) {
        precondition(scalars.count == shape.reduce(1, *), "\(scalars.count) integers cannot fill shape \(shape)")
        self.scalars = scalars
        self.shape = shape
    }

    /// A 1-D integer tensor.
    public init(_ scalars: [Int]) { self.init(scalars, shape: [scalars.count]) }

    /// A 2-D integer tensor from rows of equal length.
    public init(rows: [[Int]]) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "rows of unequal length")
        self.init(rows.flatMap { $0 }, shape: [rows.count, columns])
    }

    public var count: Int { scalars.count }
    public var rank: Int { shape.count }

    /// The same integers as floats (e.g. a 0/1 mask used in arithmetic).
    public var asFloat: Tensor { Tensor(scalars.map(Float.init), shape: shape) }

    /// The same integers viewed with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> IntTensor { IntTensor(scalars, shape: newShape) }
}
