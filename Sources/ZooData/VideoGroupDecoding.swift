// Short videos decoded several to one ffmpeg process, each with exactly the frames it gets alone.
// On a 2-core machine the encoder fills both cores, so every CPU second ffmpeg spends is taken from
// it, and for a clip of a few seconds most of that second is ffmpeg's start-up (`VideoGroupStream`).
// Each file keeps its own input, its own filter graph (`LoggedFrameRate.samplingFilter`) and its
// own output, so the frames are those of a process of its own; what one process cannot give each
// file separately is a verdict, so the group is trusted only when it is clean as a whole.
import Foundation

extension VideoDecoder {
    /// Files larger than this are decoded in a process of their own: start-up is a small part of
    /// decoding them, and a group holds the sampled frames of all its files until ffmpeg exits.
    public static let groupedFileSizeLimit = 16 << 20

    /// Decodes `videos`, giving each the frames or the error `frames(of:videoID:)` gives it.
    ///
    /// The files that qualify (readable, not empty, at most `groupedFileSizeLimit` bytes, read
    /// literally by ffmpeg) are first decoded together in one ffmpeg process. A file's frames from
    /// that process are used when the process exited cleanly (status 0, in time, not one line
    /// tagged error, its whole log kept) and its log proves that file's frame rate
    /// (`LoggedFrameRate.verifiedRates`); every other file, and every file of a group that was not
    /// clean, is decoded alone by `frames(of:videoID:)`, which also words every failure. So a
    /// decoding error in one file (whose count ffmpeg judges over the whole process) never lets
    /// another file pass, nor one pass that alone would fail.
    public func frames(ofEach videos: [(url: URL, id: String)]) -> [Result<VideoFrames, VideoError>] {
        var results = [Result<VideoFrames, VideoError>?](repeating: nil, count: videos.count)
        let groupable = videos.indices.filter { isGroupable(videos[$0].url) }
        if groupable.count >= 2, let decoded = framesInOneProcess(paths: groupable.map { videos[$0].url.standardizedFileURL.path }) {
            for (position, index) in groupable.enumerated() {
                if let frames = decoded[position] { results[index] = .success(frames) }
            }
        }
        return videos.indices.map { index in
            results[index] ?? Result { () throws(VideoError) -> VideoFrames in try frames(of: videos[index].url, videoID: videos[index].id) }
        }
    }

    /// Whether `url` may join a group: the one-process conditions of `forEachSampledFrame` hold
    /// for it, and it is a regular file of 1 byte to `groupedFileSizeLimit`.
    private func isGroupable(_ url: URL) -> Bool {
        guard mayReadRateWhileDecoding, !url.standardizedFileURL.lastPathComponent.contains("%") else { return false }
        // The size of what a link points to (`attributesOfItem` describes the link itself).
        let path = url.standardizedFileURL.resolvingSymlinksInPath().path
        let attributes: [FileAttributeKey: Any]
        // A file that cannot be read here is decoded alone, where `frames(of:)` says what is wrong.
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch { return false }
        guard attributes[.type] as? FileAttributeType == .typeRegular,
              let size = (attributes[.size] as? NSNumber)?.intValue else { return false }
        return size > 0 && size <= Self.groupedFileSizeLimit
    }

    /// The frames of each file at `paths` from one ffmpeg process, nil for a file whose frames
    /// that process does not prove; nil for all when the process was not clean.
    func framesInOneProcess(paths: [String]) -> [VideoFrames?]? {
        var crops = [[RGBImage]](repeating: [], count: paths.count)
        // Each file may take the time one file may take alone.
        var groupFFmpeg = ffmpeg
        groupFFmpeg.timeout = ffmpeg.timeout * Double(paths.count)
        let run: VideoGroupRun
        do throws(VideoStreamFailure) {
            run = try VideoGroupStream.run(groupFFmpeg, outputs: paths.count, arguments: { groupArguments(inputs: paths, outputs: $0) }) { output, frame in
                crops[output].append(preprocessing.resizedAndCropped(frame))
            }
        } catch {
            return nil
        }
        guard run.status == 0, !run.timedOut, run.malformed == nil, run.logIsWhole, !LoggedFrameRate.hasErrorLine(run.log) else { return nil }
        let rates = LoggedFrameRate.verifiedRates(in: run.log, inputs: paths.count)
        return paths.indices.map { k in rates[k] != nil && !crops[k].isEmpty ? frames(fromCrops: crops[k]) : nil }
    }

    /// ffmpeg's arguments for input k (`inputs[k]`) through the sampling filter into PPM frames on
    /// `outputs[k]`: per file, exactly what `forEachSampledFrame`'s one-process path passes.
    private func groupArguments(inputs: [String], outputs: [String]) -> [String] {
        var arguments = ["-nostdin", "-hide_banner"] + LoggedFrameRate.loggingArguments + ["-y"]
        for input in inputs { arguments += ["-threads", "1", "-i", input] }
        for (k, output) in outputs.enumerated() {
            arguments += ["-map", "\(k):v:0"] + Self.frameOptions(filter: LoggedFrameRate.samplingFilter) + Self.ppmOutputOptions + [output]
        }
        return arguments
    }
}
