// Any annotated split of video files as a `RetrievalSource`: videos without a file are left out
// when it opens (up to `--max-missing`), and every video is decoded lazily through `VideoDecoder`.
import Foundation
import ZooTensor

/// The opened split of a video-file dataset (`msrvtt:`, `msvd:`, `lsmdc:`, `didemo:`,
/// `activitynet:`, `list:`).
///
/// `video(i)` returns `[F, 3, S, S]` CLIP-preprocessed pixels (kind `.pixels`) sampled as
/// CLIP4Clip does (see `VideoDecoder`), reading seconds 0…`lastSecond` when the layout limits the
/// span. Safe to call from several threads at once.
public struct VideoFileSource: RetrievalSource, Sendable {
    public let name: String
    /// The videos that have a file, in split order.
    public let videos: [AnnotatedVideo]
    public let captions: [Caption]
    public let decoder: VideoDecoder
    /// The videos left out: missing when the split opened, or found broken since.
    public let skipped: SkippedVideos
    /// Messages about the annotations that did not stop them loading.
    public let notes: [String]

    public var videoCount: Int { videos.count }
    public var framesPerVideo: Int { decoder.framesPerVideo }
    public var skippedVideos: SkippedVideos? { skipped }

    /// Opens `split`: leaves out videos without a file (or with an empty one) and their captions.
    /// - Throws: `DatasetError.tooManyMissing` when more are missing than `policy` allows;
    ///   `.emptySplit` when no video is left.
    public init(split: AnnotatedSplit, decoder: VideoDecoder, policy: MissingVideoPolicy = MissingVideoPolicy()) throws(DatasetError) {
        var kept: [Int] = [], missing: [SkippedVideo] = []
        for (index, video) in split.videos.enumerated() {
            if let reason = Self.missingReason(video) {
                missing.append(SkippedVideo(id: video.id, path: video.file?.path ?? video.expected, reason: reason, stage: "open"))
            } else {
                kept.append(index)
            }
        }
        let skipped = try SkippedVideos(split: split.name, total: split.videos.count, missing: missing, policy: policy)
        let opened = split.keeping(kept)
        guard !opened.videos.isEmpty, !opened.captions.isEmpty else {
            throw .emptySplit(name: split.name, detail: split.videos.isEmpty ? "its annotations list no video" : "none of its \(split.videos.count) videos has a file")
        }
        self.name = split.name
        self.videos = opened.videos
        self.captions = opened.captions
        self.decoder = decoder
        self.skipped = skipped
        self.notes = split.notes
    }

    /// Why `video` cannot be read, or nil when its file is there and not empty.
    static func missingReason(_ video: AnnotatedVideo) -> String? {
        guard let file = video.file else { return "no file found" }
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: file.path) } catch {
            return "no file found"
        }
        if attributes[.type] as? FileAttributeType == .typeDirectory { return "a folder, not a file" }
        if (attributes[.size] as? NSNumber)?.intValue == 0 { return "the file is empty (0 bytes)" }
        return nil
    }

    /// The decoded, preprocessed frames of video `index`: `[F, 3, S, S]`, kind `.pixels`.
    /// - Throws: `VideoError` naming the video id and its file.
    public func video(_ index: Int) throws -> VideoFrames {
        let video = videos[index]
        guard let file = video.file else { throw VideoError.fileNotFound(videoID: video.id, path: video.expected) }
        return try decoder.frames(of: file, videoID: video.id, lastSecond: video.lastSecond)
    }
}
