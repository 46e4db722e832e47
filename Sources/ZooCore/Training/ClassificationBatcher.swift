// Seeded batches of a classification split, in the same deterministic scheme as retrieval:
// batch `i` of epoch `e` depends only on (seed, e, i).
import ZooData

/// Examples of a classification split in a seeded order per epoch; the last partial batch is dropped.
public struct ClassificationBatcher: BatchSource {
    public let source: any ClassificationSource

    public init(source: any ClassificationSource) { self.source = source }

    public var name: String { source.name }
    public var examplesPerEpoch: Int { source.count }
    public func batchesPerEpoch(batchSize: Int) -> Int { source.count / Swift.max(batchSize, 1) }

    public func batch(epoch: Int, index: Int, batchSize: Int, seed: UInt64) throws -> Batch {
        let order = epochPermutation(count: source.count, epoch: epoch, seed: seed)
        return try source.batch(Array(order[(index * batchSize)..<((index + 1) * batchSize)]))
    }

    /// Every example once, in order, in batches of at most `batchSize` (evaluation).
    public func sequentialBatches(batchSize: Int) -> [[Int]] {
        stride(from: 0, to: source.count, by: Swift.max(batchSize, 1)).map { Array($0..<Swift.min($0 + batchSize, source.count)) }
    }

    public var trainingSet: TrainingSetDescription? {
        TrainingSetDescription(name: source.name, labels: source.labels, rows: .examples)
    }
}
