// An on-disk cache of per-video frame tensors, so that a frozen backbone encodes each video once
// (and, with model "pixels", so that a video is decoded once). Storage only: what to cache and when
// is the trainer's business.
//
// One safetensors file per entry, written atomically (temporary file, fsync, rename), so a crash
// never leaves half a file under the final name and readers never see one being written. The key
// is stored in the file's metadata and checked on read, so a file that does not belong to its key
// (a sanitised-name collision, a hand-copied file) is never used. Anything unusable is reported,
// removed and treated as absent: the caller recomputes it.
import Foundation
import ZooNN
import ZooTensor

/// A directory of cached `[F, …]` frame tensors (features `[F, D]`, or pixels `[F, 3, S, S]`),
/// one safetensors file per (model, weights, video, F, S).
///
/// Layout: `directory/<model>/<weights>/F<F>-S<S>/<videoID>.safetensors`, each part reduced to
/// `[A-Za-z0-9._-]` (with a hash of the original appended when anything was replaced). The file
/// holds one F32 tensor `frames` and metadata `zoo.cache.*` (the key, `valid_frames`, `kind`).
///
/// Safe to share between threads and processes: writes are atomic renames, reads map the file.
public struct FrameFeatureCache: Sendable {
    /// What identifies one cached entry.
    public struct Key: Hashable, Sendable {
        /// The encoder, e.g. `clip-vit-b-32` (or `pixels` for decoded frames).
        public var model: String
        /// The identity of its weights, e.g. `FrameFeatureCache.fingerprint(of:)` of the frozen
        /// parameters or a checkpoint's checksum: different weights never share entries.
        public var weights: String
        /// The dataset's video id (`video7020`).
        public var videoID: String
        /// Frames per video (F).
        public var framesPerVideo: Int
        /// Input image side in pixels (S).
        public var imageSize: Int

        public init(model: String, weights: String, videoID: String, framesPerVideo: Int, imageSize: Int) {
            self.model = model
            self.weights = weights
            self.videoID = videoID
            self.framesPerVideo = framesPerVideo
            self.imageSize = imageSize
        }

        /// The metadata that must be in a file for it to belong to this key.
        var metadata: [String: String] {
            ["zoo.cache.model": model, "zoo.cache.weights": weights, "zoo.cache.video": videoID,
             "zoo.cache.frames": String(framesPerVideo), "zoo.cache.image_size": String(imageSize)]
        }
    }

    /// The cache's root folder (created on the first `put`).
    public let directory: URL
    /// Called with a message when a cached file is unusable (corrupted, truncated, of another
    /// key) and is discarded; by default the message goes to standard error.
    public var onProblem: @Sendable (String) -> Void

    public init(directory: URL, onProblem: (@Sendable (String) -> Void)? = nil) {
        self.directory = directory
        self.onProblem = onProblem ?? { message in FileHandle.standardError.write(Data("warning: \(message)\n".utf8)) }
    }

    /// The file that holds `key`'s entry.
    public func url(for key: Key) -> URL {
        directory.appendingPathComponent(Self.safeName(key.model))
            .appendingPathComponent(Self.safeName(key.weights))
            .appendingPathComponent("F\(key.framesPerVideo)-S\(key.imageSize)")
            .appendingPathComponent(Self.safeName(key.videoID) + ".safetensors")
    }

    /// The cached frames of `key`, or nil when there are none or the file is unusable (then it
    /// is reported through `onProblem` and removed, so the caller recomputes and `put`s again).
    public func get(_ key: Key) -> VideoFrames? {
        let url = url(for: key)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            let file = try SafetensorsFile(contentsOf: url)
            guard let entry = file.entry("frames") else { return discard(url, "it holds no 'frames' tensor") }
            for (name, value) in key.metadata where file.metadata[name] != value {
                return discard(url, "it belongs to another entry (\(name) is '\(file.metadata[name] ?? "missing")', expected '\(value)')")
            }
            guard entry.shape.first == key.framesPerVideo else {
                return discard(url, "its tensor has shape \(entry.shape), expected \(key.framesPerVideo) frames first")
            }
            guard let valid = file.metadata["zoo.cache.valid_frames"].flatMap(Int.init), valid >= 1, valid <= key.framesPerVideo,
                  let kind = file.metadata["zoo.cache.kind"].flatMap(VideoFrames.Kind.init(rawValue:)) else {
                return discard(url, "its valid_frames or kind metadata is missing or out of range")
            }
            let storage = TensorStorage(count: entry.elementCount)
            try file.copyFloats("frames", into: UnsafeMutableBufferPointer(start: storage.pointer, count: storage.count))
            return VideoFrames(values: Tensor(shape: entry.shape, storage: storage), kind: kind, validFrames: valid)
        } catch {
            return discard(url, error.description)
        }
    }

    /// Stores `frames` (values `[F, …]` with F = `key.framesPerVideo`) for `key`, atomically
    /// replacing any earlier entry.
    /// - Throws: `SafetensorsError.writeFailed` when the file cannot be written.
    public func put(_ frames: VideoFrames, for key: Key) throws(SafetensorsError) {
        precondition(frames.values.shape.first == key.framesPerVideo,
                     "FrameFeatureCache.put: values \(frames.values.shape) do not start with F = \(key.framesPerVideo)")
        let url = url(for: key)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw .writeFailed(path: url.deletingLastPathComponent().path, reason: "cannot create the folder: \(error.localizedDescription)")
        }
        var metadata = key.metadata
        metadata["zoo.cache.valid_frames"] = String(frames.validFrames)
        metadata["zoo.cache.kind"] = frames.kind.rawValue
        var writer = SafetensorsWriter(metadata: metadata)
        let values = frames.values
        try values.withUnsafeBufferPointer { buffer in
            Result { () throws(SafetensorsError) in try writer.add("frames", floats: buffer, shape: values.shape) }
        }.get()
        try writer.write(to: url)
    }

    /// The cached frames of `key`, or else `compute()`'s result, which is then stored. A failure
    /// to store is reported through `onProblem` and does not fail the call.
    public func frames(for key: Key, compute: () throws -> VideoFrames) rethrows -> VideoFrames {
        if let cached = get(key) { return cached }
        let frames = try compute()
        do { try put(frames, for: key) } catch { onProblem("could not cache frames of '\(key.videoID)': \(error)") }
        return frames
    }

    /// Removes every entry of `model` (all weights, F and S), or the whole cache when nil.
    public func removeAll(model: String? = nil) throws {
        let target = model.map { directory.appendingPathComponent(Self.safeName($0)) } ?? directory
        if FileManager.default.fileExists(atPath: target.path) { try FileManager.default.removeItem(at: target) }
    }

    /// A 16-hex-digit fingerprint of named tensors (names, shapes and every value's bits), for
    /// `Key.weights` when the weights are not a file: equal tensors give equal fingerprints.
    public static func fingerprint(of tensors: [String: Tensor]) -> String {
        var hash = FrameCacheHash()
        for name in tensors.keys.sorted() {
            let tensor = tensors[name]!
            hash.add(bytes: Array(name.utf8))
            hash.add(word: UInt64(tensor.shape.count))
            for dimension in tensor.shape { hash.add(word: UInt64(dimension)) }
            tensor.withUnsafeBufferPointer { values in
                for value in values { hash.add(word: UInt64(value.bitPattern)) }
            }
        }
        return hash.hex
    }

    // MARK: - Helpers

    private func discard(_ url: URL, _ reason: String) -> VideoFrames? {
        onProblem("discarding cached frames '\(url.path)': \(reason); they will be recomputed")
        try? FileManager.default.removeItem(at: url)
        return nil
    }

    /// `text` if it is a safe, plain file name, else a safe version with a hash of `text` appended
    /// (so that `a/b` and `a_b` never share a file).
    static func safeName(_ text: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        var safe = String(text.prefix(100).map { allowed.contains($0) ? $0 : "_" })
        if safe.hasPrefix(".") { safe = "_" + safe.dropFirst() }
        if safe.isEmpty || safe != text {
            var hash = FrameCacheHash()
            hash.add(bytes: Array(text.utf8))
            safe += "-" + hash.hex.prefix(8)
        }
        return safe
    }
}

/// 64-bit FNV-1a hashing for cache keys and fingerprints, fed bytes or whole 64-bit words (one multiply per word, for speed on tensors).
struct FrameCacheHash {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func add(bytes: [UInt8]) {
        for byte in bytes { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        add(word: UInt64(bytes.count))                               // keeps "ab"+"c" apart from "a"+"bc"
    }
    mutating func add(word: UInt64) { value = (value ^ word) &* 0x0000_0100_0000_01B3 }
    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
