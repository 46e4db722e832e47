// The frame feature cache: round trips, keys that never collide, and damaged or foreign files
// that are reported, removed and recomputed instead of crashing or being used.
import Foundation
import Testing
import ZooData
import ZooTensor

/// Collects the cache's problem reports.
final class ProblemLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String] = []
    func record(_ message: String) { lock.lock(); entries.append(message); lock.unlock() }
    var messages: [String] { lock.lock(); defer { lock.unlock() }; return entries }
}

@Suite("Frame feature cache")
struct FrameFeatureCacheTests {
    let folder: TemporaryFolder
    let log = ProblemLog()
    let cache: FrameFeatureCache

    init() throws {
        folder = try TemporaryFolder()
        let log = self.log
        cache = FrameFeatureCache(directory: folder.url.appendingPathComponent("cache"), onProblem: { log.record($0) })
    }

    func key(_ video: String = "video7", weights: String = "w1") -> FrameFeatureCache.Key {
        FrameFeatureCache.Key(model: "clip-vit-b-32", weights: weights, videoID: video, framesPerVideo: 4, imageSize: 224)
    }

    func features(seed: Float = 1, valid: Int = 3) -> VideoFrames {
        let values = (0..<(4 * 5)).map { index in index / 5 < valid ? seed * Float(index) + 0.25 : 0 }
        return VideoFrames(values: Tensor(values, shape: [4, 5]), kind: .features, validFrames: valid)
    }

    @Test("put then get returns the same values, valid frames and kind; a missing entry is nil")
    func roundTrip() throws {
        #expect(cache.get(key()) == nil)
        let stored = features()
        try cache.put(stored, for: key())
        let loaded = try #require(cache.get(key()))
        #expect(loaded.values.shape == [4, 5] && loaded.values.scalars == stored.values.scalars)
        #expect(loaded.validFrames == 3 && loaded.kind == .features)
        #expect(cache.get(key(weights: "w2")) == nil)                       // other weights: other entry
        #expect(log.messages.isEmpty)
    }

    @Test("a truncated or garbage cache file is reported, removed and recomputed")
    func corruptedFile() throws {
        try cache.put(features(), for: key())
        let url = cache.url(for: key())
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count / 2).write(to: url)
        #expect(cache.get(key()) == nil)
        #expect(!FileManager.default.fileExists(atPath: url.path))
        #expect(log.messages.count == 1 && log.messages[0].contains(url.path))

        try Data("garbage".utf8).write(to: url)
        var computed = 0
        let frames = cache.frames(for: key()) { computed += 1; return features(seed: 2) }
        #expect(computed == 1 && frames.values.scalars == features(seed: 2).values.scalars)
        let again = cache.frames(for: key()) { computed += 1; return features(seed: 3) }
        #expect(computed == 1 && again.values.scalars == features(seed: 2).values.scalars)
        #expect(log.messages.count == 2)
    }

    @Test("a file that belongs to another key is not used")
    func foreignFile() throws {
        try cache.put(features(), for: key("video1"))
        let target = cache.url(for: key("video2"))
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: cache.url(for: key("video1")), to: target)
        #expect(cache.get(key("video2")) == nil)
        #expect(log.messages.first?.contains("another entry") == true)
        #expect(cache.get(key("video1")) != nil)
    }

    @Test("keys with unsafe characters get distinct, safe file names")
    func safeNames() {
        let slash = cache.url(for: key("a/b")), underscore = cache.url(for: key("a_b")), dots = cache.url(for: key(".."))
        #expect(slash != underscore)
        #expect(slash.lastPathComponent.hasPrefix("a_b-") && !slash.lastPathComponent.contains("/"))
        #expect(dots.deletingLastPathComponent() == cache.url(for: key()).deletingLastPathComponent())
        #expect(cache.url(for: key()).path.hasSuffix("clip-vit-b-32/w1/F4-S224/video7.safetensors"))
    }

    @Test("the weights fingerprint depends on names, shapes and values only")
    func fingerprint() {
        let a = ["w": Tensor([1, 2, 3, 4], shape: [2, 2]), "b": Tensor([0.5])]
        let same = ["b": Tensor([0.5]), "w": Tensor([1, 2, 3, 4], shape: [2, 2])]
        let reshaped = ["w": Tensor([1, 2, 3, 4], shape: [4]), "b": Tensor([0.5])]
        let changed = ["w": Tensor([1, 2, 3, 4.0001], shape: [2, 2]), "b": Tensor([0.5])]
        let fingerprint = FrameFeatureCache.fingerprint(of: a)
        #expect(fingerprint.count == 16)
        #expect(fingerprint == FrameFeatureCache.fingerprint(of: same))
        #expect(fingerprint != FrameFeatureCache.fingerprint(of: reshaped))
        #expect(fingerprint != FrameFeatureCache.fingerprint(of: changed))
    }

    @Test("removeAll(model:) drops one model's entries")
    func removeAll() throws {
        try cache.put(features(), for: key())
        var other = key()
        other.model = "xclip"
        try cache.put(features(), for: other)
        try cache.removeAll(model: "clip-vit-b-32")
        #expect(cache.get(key()) == nil && cache.get(other) != nil)
    }
}
