// Deterministic batches: batch `i` of epoch `e` depends only on (seed, e, i), so a resumed run
// sees exactly the batches an uninterrupted one would.
import ZooData
import ZooTensor

/// Training data as numbered batches.
public protocol BatchSource {
    /// What it is, for logs.
    var name: String { get }
    /// Examples in one epoch.
    var examplesPerEpoch: Int { get }
    /// Batches in one epoch (the last partial batch is dropped: contrastive losses need peers).
    func batchesPerEpoch(batchSize: Int) -> Int
    /// Batch `index` of `epoch` under `seed`.
    func batch(epoch: Int, index: Int, batchSize: Int, seed: UInt64) throws -> Batch
    /// What losses with per-example memory need to know (nil: such losses cannot train on it).
    var trainingSet: TrainingSetDescription? { get }
}

extension BatchSource {
    public var trainingSet: TrainingSetDescription? { nil }
}

/// A seeded permutation of `0..<count` for one epoch (Fisher–Yates on xoshiro256**).
public func epochPermutation(count: Int, epoch: Int, seed: UInt64) -> [Int] {
    var generator = RandomGenerator(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(epoch) &+ 1)
    var order = Array(0..<count)
    if count > 1 {
        for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, generator.nextInt(below: i + 1)) }
    }
    return order
}

/// Caption–video pairs of a retrieval split, tokenized and stacked.
///
/// Batches hold `retrieval`: caption ids `[B, T]`, the videos as pixels `[B, F, 3, S, S]` or
/// features `[B, F, D]`, the mask `[B, F]` and each pair's video index; `indices` are caption indices.
public struct RetrievalBatcher: BatchSource {
    public let source: any RetrievalSource
    public let tokenizer: CLIPTokenizer
    public let contextLength: Int

    public init(source: any RetrievalSource, tokenizer: CLIPTokenizer, contextLength: Int) {
        self.source = source
        self.tokenizer = tokenizer
        self.contextLength = contextLength
    }

    public var name: String { source.name }
    public var examplesPerEpoch: Int { source.captions.count }
    public func batchesPerEpoch(batchSize: Int) -> Int { source.captions.count / Swift.max(batchSize, 1) }

    public func batch(epoch: Int, index: Int, batchSize: Int, seed: UInt64) throws -> Batch {
        let order = epochPermutation(count: source.captions.count, epoch: epoch, seed: seed)
        return try batch(captionIndices: Array(order[(index * batchSize)..<((index + 1) * batchSize)]))
    }

    /// The batch of these captions with their videos. When the split tolerates broken files
    /// (`skippedVideos`), a pair whose video does not decode is dropped from the batch (and the
    /// video recorded), never filled in.
    public func batch(captionIndices: [Int]) throws -> Batch {
        let decoded = try source.decodableVideos(captionIndices.map { source.captions[$0].video })
        guard !decoded.isEmpty else {
            throw DatasetError.emptySplit(name: source.name, detail: "no video of a whole batch could be decoded")
        }
        let kept = decoded.count == captionIndices.count ? captionIndices : decoded.map { captionIndices[$0.position] }
        let captions = kept.map { source.captions[$0] }
        let ids = try tokenizer.encode(captions.map(\.text), truncate: true, contextLength: contextLength)
        let (frames, kind, mask) = Self.stacked(decoded.map(\.frames), framesPerVideo: source.framesPerVideo)
        return Batch(retrieval: RetrievalInputs(captionIDs: ids, video: kind == .pixels ? .pixels(frames) : .features(frames),
                                                videoMask: mask, videoIndices: captions.map(\.video)),
                     indices: kept)
    }

    /// Videos stacked: frames `[B, F, ...]`, their kind, and the mask `[B, F]`.
    public func videos(_ indices: [Int]) throws -> (Tensor, VideoFrames.Kind, Tensor) {
        Self.stacked(try indices.map { try source.video($0) }, framesPerVideo: source.framesPerVideo)
    }

    /// Decoded videos stacked: frames `[B, F, ...]`, their kind, and the mask `[B, F]`.
    static func stacked(_ items: [VideoFrames], framesPerVideo frames: Int) -> (Tensor, VideoFrames.Kind, Tensor) {
        var mask = [Float](repeating: 0, count: items.count * frames)
        for (row, item) in items.enumerated() { for f in 0..<item.validFrames { mask[row * frames + f] = 1 } }
        return (Tensor.stack(items.map(\.values)), items.first?.kind ?? .pixels, Tensor(mask, shape: [items.count, frames]))
    }

    /// One memory row per video, each its own class.
    public var trainingSet: TrainingSetDescription? {
        TrainingSetDescription(name: source.name, labels: Array(0..<source.videoCount), rows: .videos)
    }

    /// Token ids of these captions.
    public func captionIDs(_ indices: [Int]) throws -> IntTensor {
        try tokenizer.encode(indices.map { source.captions[$0].text }, truncate: true, contextLength: contextLength)
    }
}
