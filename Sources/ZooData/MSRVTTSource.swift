// An MSR-VTT style split as a `RetrievalSource` (`--data msrvtt:DIR`): annotations are read and
// every video file checked when it opens; frames are decoded lazily, one video per `video(_:)`
// call, through `VideoDecoder`, optionally through an on-disk cache of the decoded pixels.
import Foundation
import ZooTensor

/// One split of an MSR-VTT style dataset: `train` (9k) or `test` (1k-A).
///
/// `video(i)` returns `[F, 3, S, S]` CLIP-preprocessed pixels (kind `.pixels`), decoded at 1 frame
/// per second and sampled to F as CLIP4Clip does (see `VideoDecoder`); it throws `VideoError`
/// naming the video id and file when ffmpeg is missing or cannot decode the file.
///
/// Safe to call `video(_:)` from several threads at once (each call runs its own ffmpeg).
public struct MSRVTTSource: RetrievalSource, Sendable {
    public let name: String
    public let split: MSRVTTSplit
    public let paths: MSRVTTPaths
    /// Video ids in index order.
    public let videoIDs: [String]
    public let captions: [Caption]
    /// The folder the video files are read from (see `MSRVTTPaths.videosFolder(for:)`).
    public let videosFolder: URL
    /// Decodes and preprocesses each video; its F and S are the source's.
    public let decoder: VideoDecoder
    /// When set, decoded pixels are stored here under model `pixels` and read back instead of
    /// decoding again (F·3·S²·4 bytes per video: 7.2 MB at F = 12, S = 224).
    public let pixelCache: FrameFeatureCache?
    /// Messages about the data that did not stop it loading (see `MSRVTTAnnotations.notes`).
    public let notes: [String]

    public var videoCount: Int { videoIDs.count }
    public var framesPerVideo: Int { decoder.framesPerVideo }
    /// The output image side S in pixels.
    public var imageSize: Int { decoder.preprocessing.cropSize }

    /// Opens `split` of the dataset at `paths`: reads its annotations and checks that every
    /// video of the split has a file (no video is decoded yet).
    /// - Parameters:
    ///   - decoder: F, S and the ffmpeg configuration (default F = 12, S = 224).
    ///   - pixelCache: an optional cache of decoded, preprocessed frames.
    /// - Throws: `MSRVTTError`: `.missingFile` (which file and which flag overrides it),
    ///   `.malformedJSON` / `.malformedCSV` (file and line), `.missingVideos` (the ids), …
    public init(paths: MSRVTTPaths, split: MSRVTTSplit, decoder: VideoDecoder = VideoDecoder(),
                pixelCache: FrameFeatureCache? = nil) throws(MSRVTTError) {
        let annotations = try MSRVTTAnnotations.load(paths, split: split)
        let folder = paths.videosFolder(for: annotations.videoIDs)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .missingFile(field: .videos, path: folder.path, overridden: paths.isOverridden(.videos))
        }
        let missing = annotations.videoIDs.filter { !FileManager.default.fileExists(atPath: paths.videoURL($0, in: folder).path) }
        guard missing.isEmpty else {
            throw .missingVideos(missing: Array(missing.prefix(5)), count: missing.count, folder: folder.path,
                                 fileExtension: paths.videoExtension, overridden: paths.isOverridden(.videos))
        }
        self.name = "msrvtt:\(paths.directory.path)/\(split.rawValue)"
        self.split = split
        self.paths = paths
        self.videoIDs = annotations.videoIDs
        self.captions = annotations.captions
        self.videosFolder = folder
        self.decoder = decoder
        self.pixelCache = pixelCache
        self.notes = annotations.notes
    }

    /// The file of video `index`.
    public func videoURL(_ index: Int) -> URL {
        paths.videoURL(videoIDs[index], in: videosFolder)
    }

    /// The decoded, preprocessed frames of video `index`: `[F, 3, S, S]`, kind `.pixels`.
    /// - Throws: `VideoError` naming the video id and its file.
    public func video(_ index: Int) throws -> VideoFrames {
        let id = videoIDs[index]
        guard let pixelCache else { return try decoder.frames(of: videoURL(index), videoID: id) }
        return try pixelCache.frames(for: pixelCacheKey(videoID: id)) {
            try decoder.frames(of: videoURL(index), videoID: id)
        }
    }

    /// The cache key of a video's decoded pixels: model `pixels`, and for weights a hash of the
    /// preprocessing settings (sizes, mean, std, resize pass order), so changing any re-decodes.
    public func pixelCacheKey(videoID: String) -> FrameFeatureCache.Key {
        var hash = FrameCacheHash()
        hash.add(bytes: Array(String(describing: decoder.preprocessing).utf8))
        return FrameFeatureCache.Key(model: "pixels", weights: "clip-preprocessing-\(hash.hex.prefix(12))",
                                     videoID: videoID, framesPerVideo: framesPerVideo, imageSize: imageSize)
    }
}
