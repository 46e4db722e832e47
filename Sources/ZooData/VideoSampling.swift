// Which frames of a video a model sees, as CLIP4Clip, X-CLIP and TeachCLIP choose them
// (CLIP4Clip's dataloaders/rawvideo_util.py and dataloader_msrvtt_retrieval.py):
//  - one frame per second: OpenCV reports the frame rate r and the reader takes frame
//    `sec * int(r)` for every second `sec`, i.e. every frame whose index is a multiple of int(r);
//  - when that gives more than F frames, `np.linspace(0, n - 1, num=F, dtype=int)` picks F of them
//    (`slice_framepos = 2`), which truncates towards zero.
// Both the video decoder and the precomputed-features source sample through these functions.
import Foundation

/// Frame sampling shared by every retrieval source: 1 frame per second, then at most F frames.
public enum VideoSampling {
    /// The indices NumPy's `np.linspace(0, count - 1, num: maxFrames).astype(int)` gives when
    /// `count > maxFrames`, else `0..<count` (every frame kept, the rest of the F rows padded).
    ///
    /// Reproduces NumPy's float64 arithmetic exactly: `step = (count - 1) / (maxFrames - 1)`,
    /// value `i` is `Double(i) * step`, the last value is exactly `count - 1`, and each value is
    /// truncated. For example `count = 15, maxFrames = 12` gives
    /// `[0, 1, 2, 3, 5, 6, 7, 8, 10, 11, 12, 14]`.
    /// - Parameters:
    ///   - count: frames available (n ≥ 0).
    ///   - maxFrames: frames wanted (F ≥ 1).
    /// - Returns: `min(count, maxFrames)` ascending indices in `0..<count`.
    public static func frameIndices(count: Int, maxFrames: Int) -> [Int] {
        precondition(count >= 0 && maxFrames >= 1, "frameIndices: need count >= 0 and maxFrames >= 1 (got \(count), \(maxFrames))")
        guard count > maxFrames else { return Array(0..<count) }
        guard maxFrames > 1 else { return [0] }                     // linspace with num=1 gives [start]
        let step = Double(count - 1) / Double(maxFrames - 1)
        var indices = (0..<maxFrames).map { Int(Double($0) * step) }
        indices[maxFrames - 1] = count - 1                          // NumPy sets the endpoint exactly
        return indices
    }

    /// The frame interval K of the 1-frame-per-second sampling: frames `0, K, 2K, …` are taken.
    ///
    /// K is `int(frameRate)` as CLIP4Clip computes it from OpenCV's `CAP_PROP_FPS` (so a
    /// 29.97 fps video gives K = 29, not 30), at least 1 (a video slower than 1 fps keeps every frame).
    /// Returns nil when the rate is unknown (nil, zero, NaN or infinite).
    public static func samplingInterval(frameRate: Double?) -> Int? {
        guard let frameRate, frameRate.isFinite, frameRate > 0 else { return nil }
        return max(1, Int(frameRate))
    }

    /// The frame rate OpenCV's FFmpeg backend reports (`av_guess_frame_rate`): the stream's
    /// `r_frame_rate`, unless it is above 210 while `avg_frame_rate` is below 70 (a timestamp
    /// artefact), or unknown, in which case `avg_frame_rate`. Rates are ffprobe's `num/den` text.
    public static func guessedFrameRate(rFrameRate: String?, avgFrameRate: String?) -> Double? {
        let real = rFrameRate.flatMap(parseRate), average = avgFrameRate.flatMap(parseRate)
        if let real, let average, real > 210, average < 70 { return average }
        return real ?? average
    }

    /// Parses ffprobe's rational (`30000/1001`) or decimal (`25`) rate; nil for `0/0` and the like.
    static func parseRate(_ text: String) -> Double? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        let value: Double?
        switch parts.count {
        case 1: value = Double(parts[0])
        case 2:
            guard let numerator = Double(parts[0]), let denominator = Double(parts[1]), denominator != 0 else { return nil }
            value = numerator / denominator
        default: value = nil
        }
        guard let value, value.isFinite, value > 0 else { return nil }
        return value
    }
}
