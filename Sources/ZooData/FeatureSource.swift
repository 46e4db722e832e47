// Precomputed frame features (`--data features:DIR`): per-video `[F_v, D]` tensors in one
// safetensors file plus a captions JSON, for training heads on a frozen encoder's outputs without
// decoding a single video. docs/data-formats.md describes the layout with an example.
import Foundation
import ZooNN
import ZooTensor

/// Where the two files of a features dataset are.
public struct FeatureSourcePaths: Sendable, Equatable {
    /// The dataset folder (`DIR` of `features:DIR`).
    public var directory: URL
    /// The safetensors file elsewhere; nil for `directory/features.safetensors`.
    public var features: URL?
    /// The captions file elsewhere; nil for `directory/captions.json`.
    public var captions: URL?

    public init(directory: URL, features: URL? = nil, captions: URL? = nil) {
        self.directory = directory
        self.features = features
        self.captions = captions
    }

    /// The features file in use.
    public var featuresURL: URL { features ?? directory.appendingPathComponent("features.safetensors") }
    /// The captions file in use.
    public var captionsURL: URL { captions ?? directory.appendingPathComponent("captions.json") }
}

/// One split of a precomputed-features dataset, as a `RetrievalSource` of kind `.features`.
///
/// Videos are the distinct `video` ids of the split's captions, in order of first appearance.
/// Each video's tensor `[F_v, D]` is sampled to F rows exactly as decoded frames are: all of them
/// when F_v ≤ F (zero rows after), else rows `VideoSampling.frameIndices(count: F_v, maxFrames: F)`.
/// Opening checks every caption's video and tensor header; values are read per `video(_:)` call
/// from the memory-mapped file.
public struct FeatureSource: RetrievalSource, Sendable {
    public let name: String
    public let framesPerVideo: Int
    public let captions: [Caption]
    /// Video ids in index order (the tensor names).
    public let videoIDs: [String]
    /// Feature width D of every video.
    public let featureWidth: Int
    /// The features file, mapped.
    private let file: SafetensorsFile
    /// Its path, for errors.
    private let featuresPath: String

    public var videoCount: Int { videoIDs.count }

    /// Opens split `split` (a key of captions.json, e.g. `train` or `test`).
    /// - Parameter framesPerVideo: F, rows per video after sampling and padding.
    /// - Throws: `FeatureSourceError` naming the file and the entry.
    public init(paths: FeatureSourcePaths, split: String, framesPerVideo: Int = 12) throws(FeatureSourceError) {
        precondition(framesPerVideo >= 1, "FeatureSource: framesPerVideo must be at least 1")
        let entries = try Self.readSplit(paths, split: split)
        let featuresURL = paths.featuresURL
        guard FileManager.default.fileExists(atPath: featuresURL.path) else {
            throw .missingFile(path: featuresURL.path, flag: "--features-file", overridden: paths.features != nil)
        }
        let file: SafetensorsFile
        do { file = try SafetensorsFile(contentsOf: featuresURL) } catch { throw .features(error) }

        var videoIDs: [String] = [], index: [String: Int] = [:], captions: [Caption] = []
        var width: Int?
        for (position, entry) in entries.enumerated() {
            let label = "\(split)[\(position)]"
            if let known = index[entry.video] {
                captions.append(Caption(text: entry.caption, video: known))
                continue
            }
            guard let tensor = file.entry(entry.video) else {
                throw .missingFeatures(path: featuresURL.path, videoID: entry.video, entry: label,
                                       suggestions: Self.suggestions(entry.video, file))
            }
            guard tensor.dtype.isFloatingPoint else {
                throw .badTensor(path: featuresURL.path, videoID: entry.video, reason: "are \(tensor.dtype.rawValue), not floating point")
            }
            guard tensor.shape.count == 2, tensor.shape[0] >= 1, tensor.shape[1] >= 1 else {
                throw .badTensor(path: featuresURL.path, videoID: entry.video, reason: "have shape \(tensor.shape)")
            }
            if let width, tensor.shape[1] != width {
                throw .widthMismatch(path: featuresURL.path, videoID: entry.video, width: tensor.shape[1], expected: width,
                                     firstVideo: videoIDs[0])
            }
            width = tensor.shape[1]
            index[entry.video] = videoIDs.count
            captions.append(Caption(text: entry.caption, video: videoIDs.count))
            videoIDs.append(entry.video)
        }
        self.name = "features:\(paths.directory.path)/\(split)"
        self.framesPerVideo = framesPerVideo
        self.captions = captions
        self.videoIDs = videoIDs
        self.featureWidth = width ?? 0
        self.file = file
        self.featuresPath = featuresURL.path
    }

    /// The features of video `index`: `VideoFrames` of kind `.features`, values `[F, D]`,
    /// `validFrames = min(F_v, F)`.
    public func video(_ index: Int) throws -> VideoFrames {
        try Self.sampledFrames(of: videoIDs[index], in: file, framesPerVideo: framesPerVideo, path: featuresPath)
    }

    /// The `[F_v, D]` tensor `id` of `file` sampled to `framesPerVideo` rows as every source
    /// samples frames (`VideoSampling.frameIndices`), zero rows after the real ones.
    /// - Throws: `FeatureSourceError.nonFinite` for a NaN or infinity in a sampled frame (unless
    ///   `--allow-nonfinite`), or the file's error for a missing tensor.
    public static func sampledFrames(of id: String, in file: SafetensorsFile, framesPerVideo: Int, path: String) throws -> VideoFrames {
        let entry = try file.requireEntry(id)
        let available = entry.shape[0], width = entry.shape[1]
        let rows = VideoSampling.frameIndices(count: available, maxFrames: framesPerVideo)
        let all = try file.floats(id)
        // A NaN or infinity in one sampled frame would turn every score of its video into NaN.
        for frame in rows where !NonFiniteValues.accepted {
            if all[(frame * width)..<((frame + 1) * width)].contains(where: { !$0.isFinite }) {
                throw FeatureSourceError.nonFinite(path: path, videoID: id, frame: frame)
            }
        }
        let values = Tensor.zeros([framesPerVideo, width])
        values.withUnsafeMutableBufferPointer { output in
            all.withUnsafeBufferPointer { source in
                for (row, frame) in rows.enumerated() {
                    (output.baseAddress! + row * width).update(from: source.baseAddress! + frame * width, count: width)
                }
            }
        }
        return VideoFrames(values: values, kind: .features, validFrames: rows.count)
    }

    /// The split names in the captions file at `paths`, sorted.
    public static func splits(in paths: FeatureSourcePaths) throws(FeatureSourceError) -> [String] {
        try readCaptions(paths).keys.sorted()
    }

    // MARK: - captions.json

    struct Entry: Decodable {
        var video: String
        var caption: String
    }

    private static func readCaptions(_ paths: FeatureSourcePaths) throws(FeatureSourceError) -> [String: [Entry]] {
        let url = paths.captionsURL
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw .missingFile(path: url.path, flag: "--captions-file", overridden: paths.captions != nil)
        }
        do {
            return try AnnotationJSON.decode([String: [Entry]].self, from: url)
        } catch {
            if error.unreadable { throw .unreadable(path: url.path, reason: error.reason) }
            throw .malformedCaptions(path: url.path, detail: error.text)
        }
    }

    private static func readSplit(_ paths: FeatureSourcePaths, split: String) throws(FeatureSourceError) -> [Entry] {
        let all = try readCaptions(paths)
        let path = paths.captionsURL.path
        guard let entries = all[split] else { throw .unknownSplit(path: path, split: split, available: all.keys.sorted()) }
        guard !entries.isEmpty else { throw .emptySplit(path: path, split: split) }
        for (position, entry) in entries.enumerated() {
            if entry.video.isEmpty { throw .emptyField(path: path, entry: "\(split)[\(position)]", field: "video") }
            if entry.caption.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw .emptyField(path: path, entry: "\(split)[\(position)]", field: "caption")
            }
        }
        return entries
    }

    /// The tensor names closest to `name`, from the features file's own suggestion logic.
    private static func suggestions(_ name: String, _ file: SafetensorsFile) -> [String] {
        do { _ = try file.requireEntry(name); return [] } catch {
            if case let .tensorNotFound(_, _, suggestions) = error { return suggestions }
            return []
        }
    }
}
