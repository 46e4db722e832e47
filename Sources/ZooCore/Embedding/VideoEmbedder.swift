// `zoo embed --videos`: a user's collection through a video encoder into a `features:DIR` folder.
// Decoding runs ahead of encoding (`OrderedDecodeQueue`); the work is cut into batches of videos
// whose features go to their own chunk file, written atomically, so a run killed at any moment
// and started again redoes at most the batch in flight; at the end the chunks are merged, one
// tensor at a time, into `features.safetensors`. Every file in the folder opens at every moment:
// chunks and the final files are renamed into place complete, and stale temporaries are removed.
import Foundation
import ZooData
import ZooNN
import ZooTensor

/// What an embedding folder was made from (`DIR/embedding.json`): a second run with the same
/// record resumes or finds the work done; a different record is refused rather than mixed in.
public struct EmbeddingRecord: Codable, Equatable, Sendable {
    public var model: String
    public var weights: String
    public var weightsChecksum: String
    public var framesPerVideo: Int
    public var imageSize: Int
    public var videosPerBatch: Int
    public var items: Int
    /// Checksum of every (id, file) of the collection, in order.
    public var collectionChecksum: String
    public var kind: String

    public init(model: String, weights: String, weightsChecksum: String, framesPerVideo: Int, imageSize: Int,
                videosPerBatch: Int, items: [CollectionItem], kind: String) {
        self.model = model
        self.weights = weights
        self.weightsChecksum = weightsChecksum
        self.framesPerVideo = framesPerVideo
        self.imageSize = imageSize
        self.videosPerBatch = videosPerBatch
        self.items = items.count
        var checksum = ContentChecksum()
        for item in items { checksum.add(Array(item.id.utf8)); checksum.add(Array(item.file.path.utf8)) }
        self.collectionChecksum = checksum.hex
        self.kind = kind
    }
}

/// How an embedding run went.
public struct EmbeddingSummary: Sendable {
    public var embedded: Int
    public var skipped: [SkippedVideo]
    public var seconds: Double
    /// True when the folder already held the finished embedding.
    public var wasComplete: Bool
}

/// Why an embedding could not be made.
public enum EmbeddingError: Error, CustomStringConvertible, LocalizedError {
    case foreignFolder(path: String, detail: String)
    case nothingEmbedded(count: Int, first: [SkippedVideo])
    /// Ctrl-C: the batches written so far are kept.
    case interrupted(done: Int, total: Int)

    public var description: String {
        switch self {
        case let .foreignFolder(path, detail):
            return "'\(path)' \(detail); choose another --out folder (an embedding resumes only with the same model, weights, frames and collection)"
        case let .nothingEmbedded(count, first):
            return "none of the \(count) file(s) could be embedded: " + first.prefix(3).map { "\($0.id): \($0.reason)" }.joined(separator: "; ")
        case let .interrupted(done, total):
            return "stopped after \(done) of \(total) videos; run the same command again to continue from there"
        }
    }

    public var errorDescription: String? { description }
}

/// Embeds a collection with a video encoder, resumably.
public struct VideoEmbedder {
    public var items: [CollectionItem]
    public var encoder: any VideoEncoder
    public var decoder: VideoDecoder
    public var record: EmbeddingRecord
    /// Decoding threads (each runs its own ffmpeg).
    public var workers: Int
    /// Videos one ffmpeg process decodes together (`VideoDecoder.frames(ofEach:)`): start-up is
    /// most of what a short clip costs. 1 decodes each video in a process of its own; the
    /// features are the same either way.
    public var videosPerProcess = VideoEmbedder.defaultVideosPerProcess
    /// 4: on the 2-core machine of docs/search.md, one process per video costs ≈0.16 s of CPU per
    /// short clip, four per process ≈0.09 s, eight ≈0.07 s, for four or eight clips held at once.
    public static let defaultVideosPerProcess = 4
    /// Called after each batch with (videos done, videos in all, seconds so far).
    public var progress: ((Int, Int, Double) -> Void)?

    public init(items: [CollectionItem], encoder: any VideoEncoder, decoder: VideoDecoder, record: EmbeddingRecord, workers: Int) {
        self.items = items
        self.encoder = encoder
        self.decoder = decoder
        self.record = record
        self.workers = workers
    }

    static let chunkFolder = ".chunks"

    /// Runs (or resumes, or finds finished) the embedding into `folder`.
    public func run(into folder: URL) throws -> EmbeddingSummary {
        let started = Date()
        let manager = FileManager.default
        try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        let recordURL = folder.appendingPathComponent("embedding.json")
        let featuresURL = folder.appendingPathComponent("features.safetensors")
        try removeStaleTemporaries(in: folder)
        if manager.fileExists(atPath: recordURL.path) {
            let existing: EmbeddingRecord
            do { existing = try JSONDecoder().decode(EmbeddingRecord.self, from: Data(contentsOf: recordURL)) } catch {
                throw EmbeddingError.foreignFolder(path: folder.path, detail: "has an embedding.json that cannot be read (\(error))")
            }
            guard existing == record else {
                throw EmbeddingError.foreignFolder(path: folder.path, detail: "holds an embedding of another model, checkpoint, frame count or collection")
            }
            if manager.fileExists(atPath: featuresURL.path), !manager.fileExists(atPath: folder.appendingPathComponent(Self.chunkFolder).path) {
                let skipped = try readSkipped(folder.appendingPathComponent("skipped.jsonl"))
                return EmbeddingSummary(embedded: record.items - skipped.count, skipped: skipped, seconds: 0, wasComplete: true)
            }
        } else {
            let others = try manager.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }
            guard others.isEmpty else {
                throw EmbeddingError.foreignFolder(path: folder.path, detail: "is not empty and holds no embedding (found \(others.prefix(3).joined(separator: ", ")))")
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(record).write(to: recordURL, options: .atomic)
        }

        let chunks = folder.appendingPathComponent(Self.chunkFolder)
        try manager.createDirectory(at: chunks, withIntermediateDirectories: true)
        try removeStaleTemporaries(in: chunks)
        let batch = record.videosPerBatch
        let batchCount = (items.count + batch - 1) / batch
        let pending = (0..<batchCount).filter { !manager.fileExists(atPath: chunkURL(chunks, $0).path) }
        let pendingItems = pending.flatMap { Array(($0 * batch)..<Swift.min(($0 + 1) * batch, items.count)) }
        let videoDecoder = self.decoder, collection = self.items, kind = record.kind
        // Groups of consecutive pending videos, each decoded by one worker; the window holds as
        // many videos as it did one video at a time, and one group more than there are workers.
        let perProcess = Swift.max(videosPerProcess, 1)
        let groups = stride(from: 0, to: pendingItems.count, by: perProcess).map {
            Array(pendingItems[$0..<Swift.min($0 + perProcess, pendingItems.count)])
        }
        let window = Swift.max(workers + 1, (Swift.max(2 * workers, batch) + perProcess - 1) / perProcess)
        let queue = OrderedDecodeQueue<[Result<VideoFrames, any Error>]>(indices: Array(groups.indices), workers: workers, window: window) { group in
            Self.decode(groups[group].map { collection[$0] }, with: videoDecoder, kind: kind)
        }
        defer { queue.stop() }
        var decodedGroup: [Result<VideoFrames, any Error>] = [], nextInGroup = 0
        /// The next video's result, in collection order; nil after the last.
        func nextResult() throws -> Result<VideoFrames, any Error>? {
            while nextInGroup == decodedGroup.count {
                guard let group = queue.next() else { return nil }
                decodedGroup = try group.get()
                nextInGroup = 0
            }
            defer { nextInGroup += 1 }
            return decodedGroup[nextInGroup]
        }
        var done = Swift.min((batchCount - pending.count) * batch, items.count)
        for chunk in pending {
            let range = (chunk * batch)..<Swift.min((chunk + 1) * batch, items.count)
            var decoded: [(item: CollectionItem, frames: VideoFrames)] = [], skipped: [SkippedVideo] = []
            for index in range {
                guard let result = try nextResult() else { break }
                switch result {
                case let .success(frames): decoded.append((items[index], frames))
                case let .failure(error):
                    guard let videoError = error as? VideoError, let (_, path) = videoError.brokenFile else { throw error }
                    skipped.append(SkippedVideo(id: items[index].id, path: path, reason: Self.reason(videoError), stage: "decode"))
                }
            }
            try writeChunk(chunk, decoded: decoded, skipped: skipped, to: chunks)
            done = Swift.min(done + range.count, items.count)
            progress?(done, items.count, Date().timeIntervalSince(started))
            if InterruptRequest.isRequested { throw EmbeddingError.interrupted(done: done, total: items.count) }
        }
        let summary = try merge(chunks: chunks, batchCount: batchCount, into: folder)
        try manager.removeItem(at: chunks)
        guard summary.embedded > 0 else { throw EmbeddingError.nothingEmbedded(count: items.count, first: summary.skipped) }
        return EmbeddingSummary(embedded: summary.embedded, skipped: summary.skipped, seconds: Date().timeIntervalSince(started), wasComplete: false)
    }

    /// The frames of each of `items`, or why there are none: `decode(_:with:kind:)` of each, with
    /// the videos that pass its file checks decoded together (`VideoDecoder.frames(ofEach:)`).
    static func decode(_ items: [CollectionItem], with decoder: VideoDecoder, kind: String) -> [Result<VideoFrames, any Error>] {
        guard kind == "videos", items.count > 1 else {
            return items.map { item in Result { try decode(item, with: decoder, kind: kind) } }
        }
        var results = [Result<VideoFrames, any Error>?](repeating: nil, count: items.count)
        var videos: [Int] = []
        for (index, item) in items.enumerated() {
            do { try checkFile(item); videos.append(index) } catch { results[index] = .failure(error) }
        }
        for (index, result) in zip(videos, decoder.frames(ofEach: videos.map { (items[$0].file, items[$0].id) })) {
            results[index] = result.mapError { $0 }
        }
        return results.map { $0! }
    }

    /// The frames of `item`, refusing a missing or empty file before ffmpeg is started. An image
    /// (`kind` "images") is one frame, preprocessed as CLIP does.
    static func decode(_ item: CollectionItem, with decoder: VideoDecoder, kind: String) throws -> VideoFrames {
        try checkFile(item)
        guard kind == "images" else { return try decoder.frames(of: item.file, videoID: item.id) }
        let image: RGBImage
        do { image = try RGBImage(contentsOf: item.file, ffmpeg: decoder.ffmpeg) } catch {
            if case .ffmpegNotInstalled = error { throw error }
            throw VideoError.undecodable(videoID: item.id, path: item.file.path, message: error.description)
        }
        return VideoFrames(values: decoder.preprocessing(image).expandingDimension(at: 0), kind: .pixels, validFrames: 1)
    }

    /// Refuses a missing or empty file, with the error a decoder would give it.
    private static func checkFile(_ item: CollectionItem) throws(VideoError) {
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: item.file.path) } catch {
            throw VideoError.fileNotFound(videoID: item.id, path: item.file.path)
        }
        if (attributes[.size] as? NSNumber)?.intValue == 0 {
            throw VideoError.noFrames(videoID: item.id, path: item.file.path, message: "the file is empty (0 bytes)")
        }
    }

    /// A short reason for skipped.jsonl: the cause, not the advice.
    static func reason(_ error: VideoError) -> String {
        switch error {
        case .fileNotFound: return "no such file"
        case let .undecodable(_, _, message): return "ffmpeg could not decode it: \(message)"
        case let .noFrames(_, _, message): return message.isEmpty ? "ffmpeg found no video frame in it" : message
        case let .timedOut(_, _, seconds): return "decoding took longer than \(Int(seconds)) s"
        default: return error.description
        }
    }

    private func chunkURL(_ folder: URL, _ index: Int) -> URL {
        folder.appendingPathComponent(String(format: "chunk-%07d.safetensors", index))
    }

    /// Encodes the decoded videos of one batch and writes their `[frames, D]` features, with the
    /// batch's skipped entries in the chunk's metadata.
    private func writeChunk(_ index: Int, decoded: [(item: CollectionItem, frames: VideoFrames)], skipped: [SkippedVideo], to folder: URL) throws {
        let jsonEncoder = JSONEncoder()
        jsonEncoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var writer = SafetensorsWriter(metadata: ["skipped": String(decoding: try jsonEncoder.encode(skipped), as: UTF8.self),
                                                  "ids": String(decoding: try jsonEncoder.encode(decoded.map(\.item.id)), as: UTF8.self)])
        if !decoded.isEmpty {
            let frames = decoder.framesPerVideo
            var mask = [Float](repeating: 0, count: decoded.count * frames)
            for (row, video) in decoded.enumerated() { for f in 0..<video.frames.validFrames { mask[row * frames + f] = 1 } }
            encoder.eval()
            let features = noGrad {
                encoder.encodeVideo(pixels: Tensor.stack(decoded.map(\.frames.values)), mask: Tensor(mask, shape: [decoded.count, frames])).frames
            }
            let width = features.shape[2]
            let values = features.scalars
            for (row, video) in decoded.enumerated() {
                let valid = video.frames.validFrames
                let start = row * frames * width
                try writer.add(video.item.id, floats: Array(values[start..<(start + valid * width)]), shape: [valid, width])
            }
        }
        try writer.write(to: chunkURL(folder, index))
    }

    /// Merges the chunks into `features.safetensors` (tensors read one at a time), and writes
    /// `skipped.jsonl`, `files.json` (id → file) and, when the collection had captions, `captions.json`.
    private func merge(chunks: URL, batchCount: Int, into folder: URL) throws -> (embedded: Int, skipped: [SkippedVideo]) {
        var writer = SafetensorsWriter(metadata: ["model": record.model, "weights_checksum": record.weightsChecksum,
                                                  "frames_per_video": String(record.framesPerVideo), "made_by": "zoo embed"])
        var skipped: [SkippedVideo] = [], embedded = Set<String>()
        for index in 0..<batchCount {
            let file = try SafetensorsFile(contentsOf: chunkURL(chunks, index))
            skipped += try JSONDecoder().decode([SkippedVideo].self, from: Data((file.metadata["skipped"] ?? "[]").utf8))
            for entry in file.entries {
                embedded.insert(entry.name)
                let name = entry.name
                try writer.addDeferred(name, dtype: entry.dtype, shape: entry.shape, byteCount: entry.byteCount) { () throws(SafetensorsError) -> [UInt8] in
                    do { return try file.withRawBytes(name) { Array($0) } } catch {
                        throw .writeFailed(path: file.source, reason: "reading \(name): \(error)")
                    }
                }
            }
        }
        if !embedded.isEmpty { try writer.write(to: folder.appendingPathComponent("features.safetensors")) }
        try Data(try SkippedVideo.jsonLines(skipped).utf8).write(to: folder.appendingPathComponent("skipped.jsonl"), options: .atomic)
        // Where each embedded video came from, for thumbnails of search results (`zoo search --html`).
        var files: [String: String] = [:]
        for item in items where embedded.contains(item.id) { files[item.id] = item.file.standardizedFileURL.path }
        try JSONSerialization.data(withJSONObject: files, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            .write(to: folder.appendingPathComponent("files.json"), options: .atomic)
        var splits: [String: [[String: String]]] = [:]
        for item in items where embedded.contains(item.id) {
            for caption in item.captions {
                splits[caption.split, default: []].append(["video": item.id, "caption": caption.text])
            }
        }
        if !splits.isEmpty {
            let data = try JSONSerialization.data(withJSONObject: splits, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            try data.write(to: folder.appendingPathComponent("captions.json"), options: .atomic)
        }
        return (embedded.count, skipped)
    }

    private func readSkipped(_ url: URL) throws -> [SkippedVideo] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { try JSONDecoder().decode(SkippedVideo.self, from: Data($0.utf8)) }
    }

    /// Removes the hidden temporaries an interrupted atomic write leaves (`.NAME.tmp-UUID`).
    private func removeStaleTemporaries(in folder: URL) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasPrefix(".") && name.contains(".tmp-") {
            try FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }
}
