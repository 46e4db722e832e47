// A frozen image encoder encodes each video once: an experiment with `freezeImageEncoder` trains the
// head (and the text encoder) on frame features computed up front, instead of running the image
// encoder at every step.
import Foundation
import ZooData
import ZooTensor

/// A retrieval split whose videos were encoded by a frozen video encoder: every video is served
/// as `[F, D]` frame features (kind `.features`), with the captions, validity and temporal pairs
/// of the split it wraps. Held in memory (F·D floats per video: 1 KB for clip-tiny on synthvtt,
/// 24 KB for ViT-B/32 at 12 frames).
public struct EncodedVideoSource: RetrievalSource {
    /// The split whose videos were encoded.
    public let base: any RetrievalSource
    private let features: [Tensor]
    private let validFrames: [Int]

    /// Encodes every video of `base` with `encoder` in eval mode without gradients, `batchSize` at
    /// a time. A video whose file does not decode (when `base` tolerates those) is left out with
    /// its captions: `base` is then the subset of videos that decoded.
    public init(base whole: any RetrievalSource, encoder: any VideoEncoder, batchSize: Int = 32) throws {
        var features: [Tensor] = [], valid: [Int] = [], kept: [Int] = []
        let base = whole
        features.reserveCapacity(base.videoCount)
        encoder.eval()
        defer { encoder.train() }
        try noGrad {
            for start in stride(from: 0, to: base.videoCount, by: batchSize) {
                let indices = Array(start..<Swift.min(start + batchSize, base.videoCount))
                let decoded = try base.decodableVideos(indices)
                kept += decoded.map { indices[$0.position] }
                let items = decoded.map(\.frames)
                guard !items.isEmpty else { continue }
                if let item = items.first, item.kind == .features {
                    features += items.map(\.values)          // already features: nothing to encode
                } else {
                    let frames = base.framesPerVideo
                    var mask = [Float](repeating: 0, count: items.count * frames)
                    for (row, item) in items.enumerated() { for f in 0..<item.validFrames { mask[row * frames + f] = 1 } }
                    let encoded = encoder.encodeVideo(pixels: Tensor.stack(items.map(\.values)), mask: Tensor(mask, shape: [items.count, frames]))
                    for row in 0..<items.count { features.append(encoded.frames.select(axis: 0, index: row)) }
                }
                valid += items.map(\.validFrames)
            }
        }
        (self.features, self.validFrames) = (features, valid)
        self.base = kept.count == whole.videoCount ? whole : RetrievalSubset(base: whole, keeping: kept)
    }

    public var name: String { base.name }
    public var videoCount: Int { base.videoCount }
    public var framesPerVideo: Int { base.framesPerVideo }
    public var captions: [Caption] { base.captions }
    public var temporalPairs: [(Int, Int)] { base.temporalPairs }

    public func video(_ index: Int) throws -> VideoFrames {
        VideoFrames(values: features[index], kind: .features, validFrames: validFrames[index])
    }
}
