// A searchable index of a `features:` folder under one retrieval model (`zoo index`): what the
// model keeps per video, computed once. For a model whose score is a dot product of one text
// vector and one video vector (CLIP, CLIP4Clip's loose heads, TeachCLIP's AFA), that is the
// vector, and a search is one matrix product. For heads whose score needs the query (X-CLIP,
// tightTransf) it is the frame features and mask, plus a first-stage vector (the mean of the
// normalised frame features, normalised: the backbone's own zero-shot score) that picks the
// candidates the head then re-ranks exactly. docs/search.md describes the folder.
import Foundation
import ZooData
import ZooNN
import ZooTensor

/// `INDEX/index.json`: what the index was made from and how to read it.
public struct IndexRecord: Codable, Equatable, Sendable {
    /// Bumped when the folder's layout changes.
    public var format: Int
    /// The registry name of the model or head, its backbone when a head, and their weights.
    public var model: String
    public var backbone: String?
    public var weights: String
    public var weightsChecksum: String
    /// `vector` (one vector per video, a dot product scores) or `rerank` (frames kept; a first
    /// stage on vectors, then the head on the top candidates).
    public var kind: String
    public var count: Int
    /// Width of the stored vectors (and frame features).
    public var width: Int
    public var framesPerVideo: Int
    /// Caption tokens the model reads.
    public var contextLength: Int
    /// `float32` or `float16` (`--half`), for every stored tensor.
    public var storage: String
    /// The features folder and the checksum of its features.safetensors.
    public var features: String
    public var featuresChecksum: String
    /// Video ids, row by row.
    public var ids: [String]
    /// id → video file, when the features folder recorded them (thumbnails).
    public var files: [String: String]?

    public static let currentFormat = 1

    public init(format: Int, model: String, backbone: String?, weights: String, weightsChecksum: String, kind: String, count: Int,
                width: Int, framesPerVideo: Int, contextLength: Int, storage: String, features: String, featuresChecksum: String,
                ids: [String], files: [String: String]?) {
        self.format = format
        self.model = model
        self.backbone = backbone
        self.weights = weights
        self.weightsChecksum = weightsChecksum
        self.kind = kind
        self.count = count
        self.width = width
        self.framesPerVideo = framesPerVideo
        self.contextLength = contextLength
        self.storage = storage
        self.features = features
        self.featuresChecksum = featuresChecksum
        self.ids = ids
        self.files = files
    }
}

/// An index in memory.
public struct VideoIndex {
    public let record: IndexRecord
    /// `[count, width]`, unit rows. For an index read from float16 storage these are widened
    /// from `halfVectors` the first time they are asked for (batches of more than 8 queries,
    /// `--video`, re-ranking), so a search of one to eight queries never holds them.
    public var vectors: Tensor { widened.tensor }
    /// `rerank` indexes: frame features `[count, F, width]` and mask `[count, F]`.
    public let frames: Tensor?
    public let mask: Tensor?
    /// For an index read from float16 storage, the vectors as stored (`[count, width]`
    /// row-major): one to eight queries read these, half the bytes, and get the same scores as
    /// `vectors` would give (each value is widened exactly as it is read).
    public let halfVectors: [Float16]?
    private let widened: WidenedVectors

    /// An index of float32 `vectors`.
    public init(record: IndexRecord, vectors: Tensor, frames: Tensor?, mask: Tensor?) {
        self.record = record
        self.frames = frames
        self.mask = mask
        self.halfVectors = nil
        self.widened = WidenedVectors(vectors)
    }

    /// An index of float16 vectors `[count, width]`, kept as they are.
    public init(record: IndexRecord, halfVectors: [Float16], frames: Tensor?, mask: Tensor?) {
        precondition(halfVectors.count == record.count * record.width, "VideoIndex: \(halfVectors.count) float16 values for \(record.count) × \(record.width)")
        self.record = record
        self.frames = frames
        self.mask = mask
        self.halfVectors = halfVectors
        self.widened = WidenedVectors(halfVectors: halfVectors, shape: [record.count, record.width])
    }

    public var isVector: Bool { record.kind == "vector" }

    /// The row of video `id`.
    public func row(of id: String) -> Int? { record.ids.firstIndex(of: id) }

    /// Runs every video of the features file through `model` (`batchSize` at a time, frames
    /// sampled to `framesPerVideo` as every source samples them).
    /// - Throws: `SearchError.unsupportedModel` when the model keeps neither a video vector nor frame features.
    public static func build(model: any RetrievalModel, features: URL, framesPerVideo: Int, batchSize: Int = 64,
                             base: IndexRecord) throws -> VideoIndex {
        let file = try SafetensorsFile(contentsOf: features)
        let ids = file.names.sorted()
        guard !ids.isEmpty else { throw SearchError.emptyFeatures(path: features.path) }
        // Every video as wide as the model reads frame features (features from another encoder
        // would otherwise reach a matrix product of the wrong shape).
        let expected = (model as any ZooModel).frameFeatureWidth
        for entry in file.entries {
            guard entry.shape.count == 2, entry.shape[0] >= 1, entry.dtype.isFloatingPoint else {
                throw SearchError.notAnIndex(path: features.path, detail: "tensor '\(entry.name)' is \(entry.dtype.rawValue) \(entry.shape), not [frames, D] floating point")
            }
            if let expected, entry.shape[1] != expected {
                throw SearchError.widthMismatch(path: features.path, id: entry.name, found: entry.shape[1], expected: expected, model: base.model)
            }
        }
        var vectors: [Float] = [], frames: [Float] = [], masks: [Float] = []
        var kind: String?, width = 0
        model.eval()
        try noGrad {
            for start in stride(from: 0, to: ids.count, by: batchSize) {
                let batch = try ids[start..<Swift.min(start + batchSize, ids.count)].map {
                    try FeatureSource.sampledFrames(of: $0, in: file, framesPerVideo: framesPerVideo, path: features.path)
                }
                var mask = [Float](repeating: 0, count: batch.count * framesPerVideo)
                for (row, video) in batch.enumerated() { for f in 0..<video.validFrames { mask[row * framesPerVideo + f] = 1 } }
                let maskTensor = Tensor(mask, shape: [batch.count, framesPerVideo])
                let taps = try model.encodeVideos(Tensor.stack(batch.map(\.values)), kind: .features, mask: maskTensor)
                if let vector = taps[.videoEmbedding] {
                    kind = "vector"
                    width = vector.shape[1]
                    vectors += vector.scalars
                } else if let frameFeatures = taps[.frameFeatures], let frameMask = taps[.frameMask] {
                    kind = "rerank"
                    width = frameFeatures.shape[2]
                    frames += frameFeatures.scalars
                    masks += frameMask.scalars
                    vectors += firstStageVectors(frames: frameFeatures, mask: frameMask).scalars
                } else {
                    throw SearchError.unsupportedModel(name: base.model, taps: taps.keys.map(\.rawValue).sorted())
                }
            }
        }
        var record = base
        record.kind = kind ?? "vector"
        record.count = ids.count
        record.width = width
        record.framesPerVideo = framesPerVideo
        record.ids = ids
        let isVector = record.kind == "vector"
        return VideoIndex(record: record, vectors: Tensor(vectors, shape: [ids.count, width]),
                          frames: isVector ? nil : Tensor(frames, shape: [ids.count, framesPerVideo, width]),
                          mask: isVector ? nil : Tensor(masks, shape: [ids.count, framesPerVideo]))
    }

    /// The first-stage vector of videos kept as frames: the masked mean of the normalised real
    /// frames, normalised (CLIP's own video embedding of `meanP` without a head).
    public static func firstStageVectors(frames: Tensor, mask: Tensor) -> Tensor {
        let keep = mask.expandingDimension(at: 2)
        let normalized = frames.l2Normalized(keepingRows: keep)
        let sum = (normalized * keep).sum(axis: 1)
        return sum.l2NormalizedKeepingZeroRows()
    }

    // MARK: - Files

    /// Writes `folder/index.json` and `folder/vectors.safetensors` (`vectors`, and for re-ranking
    /// `frames` and `mask`), each atomically.
    public func write(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let dtype: SafetensorsDType = record.storage == "float16" ? .float16 : .float32
        var writer = SafetensorsWriter(metadata: ["made_by": "zoo index", "model": record.model])
        try writer.add("vectors", floats: vectors.scalars, shape: vectors.shape, dtype: dtype)
        if let frames, let mask {
            try writer.add("frames", floats: frames.scalars, shape: frames.shape, dtype: dtype)
            try writer.add("mask", floats: mask.scalars, shape: mask.shape, dtype: .float32)
        }
        try writer.write(to: folder.appendingPathComponent("vectors.safetensors"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(record).write(to: folder.appendingPathComponent("index.json"), options: .atomic)
    }

    /// Reads an index folder. Float16 vectors are kept as stored (`halfVectors`, widened to
    /// float32 only when asked for); float16 frames are widened to float32. The vectors ask for
    /// huge pages (`HugePages`): every search scans all of them.
    /// - Throws: `SearchError.notAnIndex` naming what is missing or inconsistent.
    public static func load(_ folder: URL) throws -> VideoIndex {
        let recordURL = folder.appendingPathComponent("index.json")
        guard FileManager.default.fileExists(atPath: recordURL.path) else {
            throw SearchError.notAnIndex(path: folder.path, detail: "it has no index.json (make one with `zoo index`)")
        }
        let record: IndexRecord
        do { record = try JSONDecoder().decode(IndexRecord.self, from: Data(contentsOf: recordURL)) } catch {
            throw SearchError.notAnIndex(path: folder.path, detail: "index.json cannot be read: \(error)")
        }
        guard record.format == IndexRecord.currentFormat else {
            throw SearchError.notAnIndex(path: folder.path, detail: "index format \(record.format); this zoo reads format \(IndexRecord.currentFormat): rebuild it with `zoo index`")
        }
        let file = try SafetensorsFile(contentsOf: folder.appendingPathComponent("vectors.safetensors"))
        let stored = try file.requireEntry("vectors")
        guard stored.dtype.isFloatingPoint, stored.elementCount == record.count * record.width, record.ids.count == record.count else {
            throw SearchError.notAnIndex(path: folder.path, detail: "vectors.safetensors does not match index.json (\(stored.elementCount) \(stored.dtype.rawValue) values for \(record.count) × \(record.width))")
        }
        var frames: Tensor?, mask: Tensor?
        if record.kind == "rerank" {
            let frameValues = try file.floats("frames"), maskValues = try file.floats("mask")
            guard frameValues.count == record.count * record.framesPerVideo * record.width, maskValues.count == record.count * record.framesPerVideo else {
                throw SearchError.notAnIndex(path: folder.path, detail: "the frames or mask of vectors.safetensors do not match index.json")
            }
            frames = Tensor(frameValues, shape: [record.count, record.framesPerVideo, record.width])
            mask = Tensor(maskValues, shape: [record.count, record.framesPerVideo])
        }
        if stored.dtype == .float16 {
            return VideoIndex(record: record, halfVectors: try file.float16s("vectors", hugePages: true), frames: frames, mask: mask)
        }
        // Every search scans all the vectors: on huge pages, as numpy keeps a large matrix.
        let storage = TensorStorage.onHugePages(count: record.count * record.width)
        try file.copyFloats("vectors", into: UnsafeMutableBufferPointer(start: storage.pointer, count: storage.count))
        return VideoIndex(record: record, vectors: Tensor(shape: [record.count, record.width], storage: storage), frames: frames, mask: mask)
    }
}

/// The float32 vectors of an index: given, or widened once from float16 on first use (a class,
/// so that copies of a `VideoIndex` share the one widening).
private final class WidenedVectors: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Tensor?
    private let halfVectors: [Float16]
    private let shape: [Int]

    init(_ tensor: Tensor) {
        value = tensor
        halfVectors = []
        shape = tensor.shape
    }

    init(halfVectors: [Float16], shape: [Int]) {
        self.halfVectors = halfVectors
        self.shape = shape
    }

    var tensor: Tensor {
        lock.lock()
        defer { lock.unlock() }
        if let value { return value }
        let widened = Tensor(halfVectors.map { Float($0) }, shape: shape)
        value = widened
        return widened
    }
}

/// Why an index could not be built, read or searched.
public enum SearchError: Error, CustomStringConvertible, LocalizedError {
    case notAnIndex(path: String, detail: String)
    case emptyFeatures(path: String)
    case unsupportedModel(name: String, taps: [String])
    case weightsChanged(path: String, recorded: String, found: String)
    case unknownVideo(id: String, suggestions: [String])
    case queryNotSupported(what: String, why: String)
    case widthMismatch(path: String, id: String, found: Int, expected: Int, model: String)

    public var description: String {
        switch self {
        case let .notAnIndex(path, detail): return "'\(path)' is not a zoo index: \(detail)"
        case let .emptyFeatures(path): return "'\(path)' holds no video features; make them with `zoo embed --videos`"
        case let .unsupportedModel(name, taps):
            return "\(name) keeps neither a video vector nor frame features per video (it keeps \(taps.joined(separator: ", "))), so it cannot index videos"
        case let .weightsChanged(path, recorded, found):
            return "the weights at '\(path)' changed since the index was made (checksum \(recorded), now \(found)); rebuild the index with `zoo index`"
        case let .unknownVideo(id, suggestions):
            return "the index has no video '\(id)'" + (suggestions.isEmpty ? "" : "; did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?")
        case let .queryNotSupported(what, why): return "\(what): \(why)"
        case let .widthMismatch(path, id, found, expected, model):
            return "'\(path)': the features of '\(id)' are \(found) wide, but \(model) reads \(expected)-wide frame features; "
                + "embed the videos with the model's own backbone (zoo embed BACKBONE --weights … --videos …)"
        }
    }

    public var errorDescription: String? { description }
}
