// A dataset split as its annotation files describe it, before any video is decoded: every
// dataset layout (MSR-VTT, MSVD, LSMDC, DiDeMo, ActivityNet, a user's list) reads its files into
// this one shape, and `VideoFileSource` opens it, whatever the layout.
import Foundation

/// One video of an annotated split.
public struct AnnotatedVideo: Sendable, Equatable {
    /// The dataset's id for the video (`video7020`, `-4wsuPCjDBc_5_15`, …).
    public var id: String
    /// Its file, or nil when the layout's search found none.
    public var file: URL?
    /// Where the file was expected, for messages when `file` is nil (`videos/**/ID.*`).
    public var expected: String
    /// The last second read (seconds 0…lastSecond at one frame per second), or nil for the whole
    /// video: DiDeMo's 31 and ActivityNet's ⌈duration⌉, as their official loaders pass them.
    public var lastSecond: Int?

    public init(id: String, file: URL?, expected: String, lastSecond: Int? = nil) {
        (self.id, self.file, self.expected, self.lastSecond) = (id, file, expected, lastSecond)
    }
}

/// The videos and captions of one split, in the order the official loader builds them.
public struct AnnotatedSplit: Sendable, Equatable {
    /// What it is, for logs and reports: `msvd:/data/msvd/test`.
    public var name: String
    public var videos: [AnnotatedVideo]
    /// Captions with their video's index in `videos`, in the official loader's pair order.
    public var captions: [Caption]
    /// Things worth telling the user that did not stop loading.
    public var notes: [String]

    public init(name: String, videos: [AnnotatedVideo], captions: [Caption], notes: [String] = []) {
        (self.name, self.videos, self.captions, self.notes) = (name, videos, captions, notes)
    }

    /// The split with only the videos at `kept` (ascending indices) and their captions, re-indexed.
    public func keeping(_ kept: [Int]) -> AnnotatedSplit {
        var newIndex = [Int?](repeating: nil, count: videos.count)
        for (position, old) in kept.enumerated() { newIndex[old] = position }
        let captions = self.captions.compactMap { caption in newIndex[caption.video].map { Caption(text: caption.text, video: $0) } }
        return AnnotatedSplit(name: name, videos: kept.map { videos[$0] }, captions: captions, notes: notes)
    }
}
