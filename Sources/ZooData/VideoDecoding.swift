// Video files to the `[F, 3, S, S]` frames CLIP4Clip-style models take: ffmpeg decodes at full
// size, one frame per second as CLIP4Clip's OpenCV reader picks them, and each frame goes through
// the exact CLIP preprocessing in Swift.
//
// Why full size and not ffmpeg's scaler: CLIP's resize is Pillow's antialiased bicubic in 8 bits,
// which `CLIPPreprocessing` reproduces bit for bit; ffmpeg's swscale bicubic is a different filter,
// so frames scaled by ffmpeg would differ from the reference by a few levels. The cost is the
// bandwidth of full-size RGB through a pipe (≈0.2 MB per sampled frame at 320x240, 6 MB at
// 1080p), but only for the ~1 frame per second that is kept, and frames are processed as they
// stream in, so memory stays bounded (see `VideoDecoder`).
import Foundation
import Synchronization
import ZooTensor

/// Decodes video files into the preprocessed frames of a `RetrievalSource`.
///
/// Steps, following CLIP4Clip (`rawvideo_util.py`, `dataloader_msrvtt_retrieval.py`):
/// 1. the frame rate r is OpenCV's guess (see `VideoSampling.guessedFrameRate`);
/// 2. ffmpeg decodes every frame and keeps those whose index is a multiple of K = int(r), which is
///    1 frame per second; n frames in all. ffmpeg samples with its own frame rate and its log
///    must prove that rate is r before any frame is used (`LoggedFrameRate`); otherwise ffprobe
///    reads r and ffmpeg decodes again with `select=not(mod(n\,K))`. When ffprobe is missing or
///    the rate is unknown, ffmpeg's `fps=1` filter is used instead (the frame nearest each whole
///    second: the same for integer rates, one frame later every ~30 s at 29.97 fps);
/// 3. each frame, as it arrives, is resized and centre-cropped to S x S (`CLIPPreprocessing`) and
///    kept as 8-bit RGB (3·S² bytes);
/// 4. if n > F, frames `VideoSampling.frameIndices(count: n, maxFrames: F)` are kept;
/// 5. the kept frames are normalised into a `[F, 3, S, S]` tensor; rows from n on are zero.
///
/// Memory: one full-size RGB frame plus n·3·S² bytes (150 KB per second of video at S = 224) plus
/// the output, F·3·S²·4 bytes. Colour conversion uses swscale's bicubic flags, as OpenCV does;
/// rotation metadata is applied (ffmpeg's default, as OpenCV ≥ 4.5 does). A call usually starts
/// one ffmpeg process (≈0.06 s of start-up on a typical Linux install, loading its libraries);
/// when the log does not prove the rate, ffprobe and a second ffmpeg. `frames(ofEach:)` decodes
/// several short files in one process, with the same frames (`VideoGroupDecoding.swift`).
/// Values of this type hold no state, so one decoder may be used from several threads at once.
public struct VideoDecoder: Sendable {
    /// Frames per video after sampling and padding (F; CLIP4Clip's `max_frames`, 12 by default).
    public var framesPerVideo: Int
    /// Per-frame preprocessing; its `cropSize` is the output side S.
    public var preprocessing: CLIPPreprocessing
    /// How ffmpeg and ffprobe are found and how long one video may take (`FFmpeg.timeout`).
    public var ffmpeg: FFmpeg
    /// Whether to sample in one ffmpeg process, reading the frame rate from its log, and run
    /// ffprobe only when the log cannot prove the rate (`LoggedFrameRate`); the frames are the same
    /// either way. False always probes first, as the decoder did before (tests compare the two).
    public var readsRateWhileDecoding = true

    /// The ffmpeg executables, in this process, whose logs turned out unreadable (too old for
    /// level tags, or another format): they are not asked again.
    static let executablesWithUnreadableLogs = Mutex<Set<String>>([])

    /// - Parameters:
    ///   - framesPerVideo: F, at least 1.
    ///   - imageSize: S, the CLIP input resolution in pixels (224 for ViT-B/32).
    ///   - ffmpeg: the ffmpeg configuration (default: `ZOO_FFMPEG` or `PATH`).
    public init(framesPerVideo: Int = 12, imageSize: Int = 224, ffmpeg: FFmpeg = FFmpeg()) {
        precondition(framesPerVideo >= 1, "VideoDecoder: framesPerVideo must be at least 1 (got \(framesPerVideo))")
        self.framesPerVideo = framesPerVideo
        self.preprocessing = CLIPPreprocessing(imageSize: imageSize)
        self.ffmpeg = ffmpeg
    }

    /// Decodes and preprocesses the video at `url`.
    ///
    /// - Parameter videoID: how errors name the video (default: the file name without extension).
    /// - Returns: `VideoFrames` of kind `.pixels`, values `[F, 3, S, S]`, `validFrames = min(n, F)`.
    /// - Throws: `VideoError` naming the video and file: `.fileNotFound`, `.ffmpegNotInstalled`,
    ///   `.undecodable`, `.noFrames`, `.timedOut`, `.malformedOutput`.
    public func frames(of url: URL, videoID: String? = nil, lastSecond: Int? = nil) throws(VideoError) -> VideoFrames {
        var crops: [RGBImage] = []
        try forEachSampledFrame(of: url, videoID: videoID, lastSecond: lastSecond) { _, frame in
            crops.append(preprocessing.resizedAndCropped(frame))
        }
        return frames(fromCrops: crops)
    }

    /// Steps 4 and 5: the `[F, 3, S, S]` frames of a video from its n ≥ 1 sampled crops.
    func frames(fromCrops crops: [RGBImage]) -> VideoFrames {
        let chosen = VideoSampling.frameIndices(count: crops.count, maxFrames: framesPerVideo)
        let side = preprocessing.cropSize, plane = side * side
        let values = Tensor.zeros([framesPerVideo, 3, side, side])
        let table = normalizationTable()
        values.withUnsafeMutableBufferPointer { output in
            table.withUnsafeBufferPointer { lookup in
                for (row, index) in chosen.enumerated() {
                    crops[index].pixels.withUnsafeBufferPointer { source in
                        for channel in 0..<3 {
                            let target = output.baseAddress! + (row * 3 + channel) * plane
                            let values = lookup.baseAddress! + channel * 256
                            for i in 0..<plane { target[i] = values[Int(source[3 * i + channel])] }
                        }
                    }
                }
            }
        }
        return VideoFrames(values: values, kind: .pixels, validFrames: chosen.count)
    }

    /// Decodes the video at `url` and calls `body` with every 1-frame-per-second frame (index from
    /// 0, full-size 8-bit RGB) as ffmpeg delivers it, before any F-frame sampling or preprocessing.
    ///
    /// - Parameter lastSecond: when set, only seconds 0…lastSecond are read (the first
    ///   lastSecond + 1 sampled frames), as CLIP4Clip's reader does for a `start_time`/`end_time`
    ///   span starting at 0 (DiDeMo, ActivityNet); ffmpeg stops decoding there.
    /// - Returns: the number of frames n (at least 1).
    /// - Throws: `VideoError` as `frames(of:videoID:)`; `.noFrames` when n would be 0.
    @discardableResult
    public func forEachSampledFrame(of url: URL, videoID: String? = nil, lastSecond: Int? = nil,
                                    _ body: (_ index: Int, _ frame: RGBImage) -> Void) throws(VideoError) -> Int {
        let path = url.standardizedFileURL.path
        let id = videoID ?? url.deletingPathExtension().lastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw .fileNotFound(videoID: id, path: path)
        }
        guard ffmpeg.isAvailable else {
            throw .ffmpegNotInstalled(videoID: id, path: path, tried: ffmpeg.executable)
        }
        if mayReadRateWhileDecoding,
           let count = try framesReadingRateWhileDecoding(path: path, id: id, lastSecond: lastSecond, body) {
            return count
        }
        // The closure may only throw FFmpegError, so findings of our own wait in `problem`.
        var problem: VideoError?
        let count: Int
        do throws(FFmpegError) {
            count = try ffmpeg.withLiteralInputPath(path) { (input) throws(FFmpegError) -> Int in
                let filter = try samplingFilter(input: input, path: path)
                var count = 0
                do throws(VideoStreamFailure) {
                    let message = try VideoFrameStream.run(ffmpeg, arguments: decodingArguments(input: input, filter: filter, lastSecond: lastSecond),
                                                           input: path) { frame in
                        body(count, frame)
                        count += 1
                    }
                    if count == 0 { problem = .noFrames(videoID: id, path: path, message: message) }
                } catch {
                    switch error {
                    case let .ffmpeg(failure): throw failure
                    case let .malformed(reason): problem = .malformedOutput(videoID: id, path: path, reason: reason)
                    case .notAdmitted: preconditionFailure("no admission check was asked for")
                    }
                }
                return count
            }
        } catch {
            throw VideoError(error, videoID: id, path: path)
        }
        if let problem { throw problem }
        return count
    }

    /// Whether the one-process path may be tried: asked for, ffprobe there to fall back on (its
    /// path must give the same frames), and this ffmpeg's logs not found unreadable before.
    var mayReadRateWhileDecoding: Bool {
        readsRateWhileDecoding && ffmpeg.isProbeAvailable
            && !VideoDecoder.executablesWithUnreadableLogs.withLock { $0.contains(ffmpeg.executable) }
    }

    /// ffmpeg's arguments for decoding `input` through `filter` into PPM frames on stdout.
    private func decodingArguments(input: String, filter: String, lastSecond: Int?, logging: [String] = ["-v", "error"]) -> [String] {
        ["-nostdin", "-hide_banner"] + logging + ["-threads", "1", "-i", input, "-map", "0:v:0"] + Self.frameOptions(filter: filter)
            + (lastSecond.map { ["-frames:v", String(Swift.max($0, 0) + 1)] } ?? []) + Self.ppmOutputOptions + ["-"]
    }

    /// The output options every decoding shares (one file or a group): the sampling `filter`,
    /// timestamps passed through, and swscale's bicubic colour conversion, as OpenCV does.
    static func frameOptions(filter: String) -> [String] {
        ["-vf", filter, "-vsync", "passthrough", "-sws_flags", "bicubic"]
    }

    /// Binary PPM frames, 8-bit RGB, to the output that follows.
    static let ppmOutputOptions = ["-f", "image2pipe", "-c:v", "ppm", "-pix_fmt", "rgb24"]

    /// The one-process path (see `LoggedFrameRate`): ffmpeg samples with its own frame rate and
    /// its log must prove that rate is ffprobe's before the first frame reaches `body`. Returns
    /// nil, having called `body` with nothing, whenever the ffprobe path must decide instead: the
    /// log does not prove the rate, no frame came out, or ffmpeg failed (the ffprobe path then
    /// reports the failure with the same words as always). A time-out is reported at once.
    func framesReadingRateWhileDecoding(path: String, id: String, lastSecond: Int?,
                                                _ body: (_ index: Int, _ frame: RGBImage) -> Void) throws(VideoError) -> Int? {
        var count = 0
        var problem: VideoError?
        let result: Int?
        do throws(FFmpegError) {
            result = try ffmpeg.withLiteralInputPath(path) { (input) throws(FFmpegError) -> Int? in
                let arguments = decodingArguments(input: input, filter: LoggedFrameRate.samplingFilter, lastSecond: lastSecond,
                                                  logging: LoggedFrameRate.loggingArguments)
                let admission = { (log: String) in LoggedFrameRate.verifiedRate(in: log) != nil }
                do throws(VideoStreamFailure) {
                    _ = try VideoFrameStream.run(ffmpeg, arguments: arguments, input: path, admit: admission) { frame in
                        body(count, frame)
                        count += 1
                    }
                    return count
                } catch {
                    switch error {
                    case let .ffmpeg(failure):
                        // Once frames went out, the answer is this run's, as the ffprobe path's would be.
                        if count > 0 { throw failure }
                        if case .timedOut = failure { throw failure }
                        return nil
                    case let .malformed(reason):
                        if count > 0 { problem = .malformedOutput(videoID: id, path: path, reason: reason) }
                        return nil
                    case let .notAdmitted(log):
                        // An ffmpeg whose log has no level tags (too old), no filter input line or
                        // no stream line to match it (another format) never will: stop asking it,
                        // in this process (a file that only looks so costs speed, not frames).
                        let filterLine = LoggedFrameRate.hasFilterInputLine(log)
                        if !LoggedFrameRate.isLevelTagged(log) || (!filterLine && log.contains("Output #0"))
                            || (filterLine && LoggedFrameRate.streamRates(in: log) == nil) {
                            _ = VideoDecoder.executablesWithUnreadableLogs.withLock { $0.insert(ffmpeg.executable) }
                        }
                        return nil
                    }
                }
            }
        } catch {
            throw VideoError(error, videoID: id, path: path)
        }
        if let problem { throw problem }
        return result
    }

    /// The ffmpeg filter that keeps one frame per second: `select=not(mod(n\,K))` with K from the
    /// probed frame rate, or `fps=1` when ffprobe is missing or reports no usable rate.
    func samplingFilter(input: String, path: String) throws(FFmpegError) -> String {
        guard ffmpeg.isProbeAvailable else { return "fps=1" }
        let output = try ffmpeg.run(.ffprobe, ["-v", "error", "-select_streams", "v:0",
                                               "-show_entries", "stream=r_frame_rate,avg_frame_rate",
                                               "-of", "default=noprint_wrappers=1", input], input: path)
        var fields: [String: String] = [:]
        for line in String(decoding: output, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        if fields.isEmpty { throw .failed(tool: "ffprobe", input: path, status: 0, message: "no video stream found") }
        let rate = VideoSampling.guessedFrameRate(rFrameRate: fields["r_frame_rate"], avgFrameRate: fields["avg_frame_rate"])
        guard let interval = VideoSampling.samplingInterval(frameRate: rate) else { return "fps=1" }
        return "select=not(mod(n\\,\(interval)))"
    }

    /// 256 normalised values per channel: exactly `CLIPPreprocessing.normalized`.
    private func normalizationTable() -> [Float] {
        var table = [Float](repeating: 0, count: 3 * 256)
        for channel in 0..<3 {
            for value in 0..<256 { table[channel * 256 + value] = preprocessing.normalized(UInt8(value), channel: channel) }
        }
        return table
    }
}
