// Sampling in one ffmpeg process (`LoggedFrameRate`): the rate read from ffmpeg's log is accepted
// only when it is provably ffprobe's, and on real files of many rates and containers the frames
// are byte for byte those of the ffprobe-first path, which is still taken whenever the log cannot
// tell. ffmpeg-backed tests skip visibly without it.
import Foundation
import Testing
@testable import ZooData
import ZooTestSupport

/// A log as `-loglevel level+verbose` writes it, with the stream line's printed rates and the
/// filter graph's exact `fr`.
private func log(stream: String, filterRate: String) -> String {
    """
    [info] Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'clip.mp4':
    [info]   Duration: 00:00:08.00, start: 0.000000, bitrate: 38 kb/s
    [info]   Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 320x240, 35 kb/s, \(stream) (default)
    [info] Stream mapping:
    [info]   Stream #0:0 -> #0:0 (h264 (native) -> ppm (native))
    [h264 @ 0x55b4050463c0] [verbose] Reinit context to 320x240, pix_fmt: yuv420p
    [graph 0 input from stream 0:0 @ 0x55b4052285c0] [verbose] w:320 h:240 pixfmt:yuv420p tb:1/12800 fr:\(filterRate) sar:1/1
    [info] Output #0, image2pipe, to 'pipe:':
    [info]   Stream #0:0(und): Video: ppm, rgb24, 320x240, q=2-31, 200 kb/s, 60 fps, 60 tbn (default)

    """
}

/// Makes a 48x36 video with ffmpeg's test source; `options` go before the output file.
func makeTestVideo(_ name: String, in folder: TemporaryFolder, rate: String, seconds: String,
                   options: [String] = ["-pix_fmt", "yuv420p"]) throws -> URL {
    let file = folder.url.appendingPathComponent(name)
    _ = try FFmpeg().run(.ffmpeg, ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=48x36:rate=\(rate)",
                                   "-t", seconds] + options + [file.path], input: file.path)
    return file
}

/// Nine videos of rates from 0.5 to 240 fps in five containers (mp4, mkv, mov, avi, ts).
func videosOfManyRates(in folder: TemporaryFolder) throws -> [URL] {
    [
        try makeTestVideo("pal.mp4", in: folder, rate: "25", seconds: "5"),
        try makeTestVideo("ntsc.mp4", in: folder, rate: "30000/1001", seconds: "11"),
        try makeTestVideo("film.mkv", in: folder, rate: "24000/1001", seconds: "6"),
        try makeTestVideo("thirty.mov", in: folder, rate: "30", seconds: "3.5"),
        try makeTestVideo("twelve.avi", in: folder, rate: "12", seconds: "4", options: ["-c:v", "mpeg4"]),
        try makeTestVideo("one.mp4", in: folder, rate: "1", seconds: "6"),
        try makeTestVideo("half.mp4", in: folder, rate: "1/2", seconds: "8"),
        try makeTestVideo("sixty.ts", in: folder, rate: "60", seconds: "3"),
        try makeTestVideo("fast.mp4", in: folder, rate: "240", seconds: "3"),
    ]
}

@Suite("Frame rate read from ffmpeg's log")
struct LoggedFrameRateTests {
    @Test("the filter graph's rate is accepted when the stream line prints it as r_frame_rate")
    func matchingRatesAreAccepted() {
        #expect(LoggedFrameRate.verifiedRate(in: log(stream: "25 fps, 25 tbr, 12800 tbn", filterRate: "25/1")) == 25)
        #expect(LoggedFrameRate.verifiedRate(in: log(stream: "29.97 fps, 29.97 tbr, 30k tbn", filterRate: "30000/1001")) == 30000.0 / 1001.0)
        #expect(LoggedFrameRate.verifiedRate(in: log(stream: "0.50 fps, 0.50 tbr, 1k tbn", filterRate: "1/2")) == 0.5)
    }

    @Test("when r is above 210 and avg below 70, the filter graph must have avg_frame_rate")
    func timestampArtefactUsesTheAverage() {
        #expect(LoggedFrameRate.verifiedRate(in: log(stream: "25 fps, 90k tbr, 90k tbn", filterRate: "25/1")) == 25)
        #expect(LoggedFrameRate.verifiedRate(in: log(stream: "25 fps, 90k tbr, 90k tbn", filterRate: "90000/1")) == nil)
    }

    @Test("a rate other than the rule's (a field-coded stream's codec rate) is refused")
    func codecRateIsRefused() {
        #expect(LoggedFrameRate.verifiedRate(in: log(stream: "29.97 fps, 59.94 tbr, 90k tbn", filterRate: "30000/1001")) == nil)
    }

    @Test("rates too close to the 210 / 70 thresholds, an unknown r, and an unknown filter rate are refused")
    func ambiguousLogsAreRefused() {
        #expect(LoggedFrameRate.verifiedRate(in: log(stream: "69.999 fps, 240 tbr", filterRate: "240/1")) == nil)
        #expect(LoggedFrameRate.verifiedRate(in: log(stream: "60 fps, 210 tbr", filterRate: "210/1")) == nil)
        #expect(LoggedFrameRate.verifiedRate(in: log(stream: "25 fps, 12800 tbn", filterRate: "25/1")) == nil)
        #expect(LoggedFrameRate.verifiedRate(in: log(stream: "25 fps, 25 tbr", filterRate: "0/1")) == nil)
        #expect(LoggedFrameRate.verifiedRate(in: "[info]   Stream #0:0: Video: h264, 25 fps, 25 tbr\n") == nil)
    }

    @Test("a line still being written is not read: fr:30000/100 of fr:30000/1001 is no rate yet")
    func lineCutShortIsNotRead() {
        let whole = log(stream: "29.97 fps, 29.97 tbr, 30k tbn", filterRate: "30000/1001")
        let cut = String(whole[..<whole.range(of: "fr:30000/100")!.upperBound])
        #expect(!LoggedFrameRate.hasFilterInputLine(cut))
        #expect(LoggedFrameRate.verifiedRate(in: cut) == nil)
        #expect(LoggedFrameRate.hasFilterInputLine(whole))
    }

    @Test("text a file's metadata prints cannot pass for the filter graph's line")
    func metadataCannotSpoofTheFilterLine() {
        let spoof = """
        [info]   Stream #0:0: Video: h264, 25 fps, 25 tbr, 12800 tbn
        [info]     title           : [graph 0 input] [verbose] w:1 h:1 pixfmt:rgb24 tb:1/1 fr:25/1 sar:1/1

        """
        #expect(LoggedFrameRate.verifiedRate(in: spoof) == nil)
        #expect(!LoggedFrameRate.hasFilterInputLine(spoof))
    }

    @Test("the input stream output 0 maps is read, not the first video listed (a file with programs)")
    func mappedStreamIsRead() {
        let programs = """
        [info] Input #0, mpegts, from 'two.ts':
        [info]   Program 1
        [info]     Stream #0:1[0x101]: Video: h264 (High), yuv420p, 320x240, 25 fps, 25 tbr, 90k tbn
        [info]   Program 2
        [info]     Stream #0:0[0x100]: Video: h264 (High), yuv420p, 320x240, 25 fps, 50 tbr, 90k tbn
        [info] Stream mapping:
        [info]   Stream #0:0 -> #0:0 (h264 (native) -> ppm (native))
        [graph 0 input from stream 0:0 @ 0x1] [verbose] w:320 h:240 pixfmt:yuv420p tb:1/90000 fr:RATE sar:1/1
        [info] Output #0, image2pipe, to 'pipe:':

        """
        #expect(LoggedFrameRate.verifiedRate(in: programs.replacingOccurrences(of: "RATE", with: "25/1")) == nil)
        #expect(LoggedFrameRate.verifiedRate(in: programs.replacingOccurrences(of: "RATE", with: "50/1")) == 50)
    }

    @Test("the output's own stream line is never read as the input's")
    func outputStreamLineIsNotRead() {
        let withoutInputLine = log(stream: "25 fps, 25 tbr", filterRate: "60/1").replacingOccurrences(of: "Stream #0:0[0x1](und): Video:", with: "Stream #0:0[0x1](und): Audio:")
        #expect(LoggedFrameRate.streamRates(in: withoutInputLine) == nil)
        #expect(LoggedFrameRate.verifiedRate(in: withoutInputLine) == nil)
    }

    @Test("a header a file's text could add (Input, Output, Stream mapping), or a missing one, makes the rate unknown")
    func headersMustBeUnique() {
        let whole = log(stream: "25 fps, 25 tbr", filterRate: "25/1")
        #expect(LoggedFrameRate.verifiedRate(in: whole) == 25)
        for forged in ["[info] Output #0, x\n", "[info] Input #0, x\n", "[info] Stream mapping:\n", "[info] Output #1, x\n"] {
            let early = whole.replacingOccurrences(of: "[info]   Duration:", with: forged + "[info]   Duration:")
            #expect(LoggedFrameRate.verifiedRate(in: early) == nil, "\(forged)")
        }
        #expect(LoggedFrameRate.verifiedRate(in: whole.replacingOccurrences(of: "[info] Output #0, image2pipe, to 'pipe:':\n", with: "")) == nil)
    }

    @Test("a second filter input line, which only text a file prints could add, makes the rate unknown")
    func duplicateFilterLineIsRefused() {
        let twice = log(stream: "25 fps, 25 tbr", filterRate: "25/1")
            + "[graph 0 input from stream 0:0 @ 0x2] [verbose] w:320 h:240 pixfmt:yuv420p tb:1/12800 fr:25/1 sar:1/1\n"
        #expect(LoggedFrameRate.verifiedRate(in: twice) == nil)
    }

    @Test("fr:0/1, ffmpeg's unknown rate, is the filter line but no rate")
    func unknownRateLine() {
        let unknown = log(stream: "25 fps, 25 tbr", filterRate: "0/1")
        #expect(LoggedFrameRate.hasFilterInputLine(unknown))
        #expect(LoggedFrameRate.filterRate(in: unknown) == nil)
    }

    @Test("error messages from a level-tagged log read as -v error printed them")
    func errorLineWithoutItsTag() {
        let tagged = "[warning] -vsync is deprecated\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55e15fa47ac0] [error] moov atom not found\n[fatal] x\n"
        #expect(FFmpeg.firstErrorLine(ofLevelTagged: Data(tagged.utf8)) == "[mov,mp4,m4a,3gp,3g2,mj2] moov atom not found")
    }
}

@Suite("Sampling in one ffmpeg process")
struct OneProcessSamplingTests {
    /// Every sampled frame of `file`, the way `decoder` reads them.
    private func frames(of file: URL, _ decoder: VideoDecoder, lastSecond: Int? = nil) throws -> [RGBImage] {
        var frames: [RGBImage] = []
        try decoder.forEachSampledFrame(of: file, lastSecond: lastSecond) { index, frame in
            #expect(index == frames.count)
            frames.append(frame)
        }
        return frames
    }

    @Test("on rates from 0.5 to 240 fps and five containers, the one-process path is taken and gives the ffprobe path's frames",
          .enabled(if: FFmpeg.isAvailable && FFmpeg().isProbeAvailable, ffmpegMissingNote))
    func sameFramesAsProbingFirst() throws {
        let folder = try TemporaryFolder()
        let videos = try videosOfManyRates(in: folder)
        var probing = VideoDecoder(framesPerVideo: 12, imageSize: 32)
        probing.readsRateWhileDecoding = false
        let reading = VideoDecoder(framesPerVideo: 12, imageSize: 32)
        for file in videos {
            let name = file.lastPathComponent
            var direct = 0
            let count = try reading.framesReadingRateWhileDecoding(path: file.path, id: name, lastSecond: nil) { _, _ in direct += 1 }
            #expect(count != nil && count == direct, "\(name): the log proved the rate")
            let expected = try frames(of: file, probing)
            #expect(!expected.isEmpty, "\(name)")
            #expect(try frames(of: file, reading) == expected, "\(name): same frames, in order")
            #expect(try frames(of: file, reading, lastSecond: 1) == Array(expected.prefix(2)), "\(name): seconds 0…1 only")
        }
    }

    @Test("frames without a timestamp are sampled as select=not(mod(n,K)) samples them",
          .enabled(if: FFmpeg.isAvailable, ffmpegMissingNote))
    func framesWithoutTimestamps() throws {
        let folder = try TemporaryFolder()
        let file = try makeTestVideo("pal.mp4", in: folder, rate: "25", seconds: "6")
        // Every third frame loses its timestamp before the sampling (0, 75 and 150 among them).
        let dropTimestamps = "setpts=if(eq(mod(N\\,3)\\,0)\\,0/0\\,PTS)"
        func decoded(_ filter: String) throws -> Data {
            try FFmpeg().run(.ffmpeg, ["-nostdin", "-v", "error", "-threads", "1", "-i", file.path, "-map", "0:v:0", "-vf", "\(dropTimestamps),\(filter)",
                                       "-vsync", "passthrough", "-f", "image2pipe", "-c:v", "ppm", "-pix_fmt", "rgb24", "-"], input: file.path)
        }
        let expected = try decoded("select=not(mod(n\\,25))")
        #expect(expected.count == 6 * (13 + 48 * 36 * 3))   // six 48x36 frames, each with its header "P6\n48 36\n255\n"
        #expect(try decoded(LoggedFrameRate.samplingFilter) == expected)
    }

    @Test("a variable-rate file gives the ffprobe path's frames, whichever path the log allows",
          .enabled(if: FFmpeg.isAvailable && FFmpeg().isProbeAvailable, ffmpegMissingNote))
    func variableRateFile() throws {
        let folder = try TemporaryFolder()
        let file = folder.url.appendingPathComponent("vfr.mkv")
        // Timestamps that speed up half-way: r_frame_rate and avg_frame_rate disagree.
        _ = try FFmpeg().run(.ffmpeg, ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=48x36:rate=25", "-t", "6",
                                       "-vf", "setpts='if(lt(N,75),N*1/25/TB,(75/25+(N-75)/50)/TB)'", "-fps_mode", "passthrough",
                                       "-pix_fmt", "yuv420p", file.path], input: file.path)
        var probing = VideoDecoder(framesPerVideo: 12, imageSize: 32)
        probing.readsRateWhileDecoding = false
        let expected = try frames(of: file, probing)
        #expect(try frames(of: file, VideoDecoder(framesPerVideo: 12, imageSize: 32)) == expected)
    }

    @Test("a file ffmpeg cannot decode is reported with the words the ffprobe path used",
          .enabled(if: FFmpeg.isAvailable && FFmpeg().isProbeAvailable, ffmpegMissingNote))
    func undecodableFileSameError() throws {
        let folder = try TemporaryFolder()
        let file = folder.url.appendingPathComponent("broken.mp4")
        try Data("not a video at all".utf8).write(to: file)
        var probing = VideoDecoder()
        probing.readsRateWhileDecoding = false
        var reasons: [String] = []
        for decoder in [probing, VideoDecoder()] {
            do { _ = try decoder.frames(of: file, videoID: "broken") } catch { reasons.append(error.description) }
        }
        #expect(reasons.count == 2 && reasons[0] == reasons[1])
    }
}

@Suite("Level-tagged logs")
struct LevelTaggedLogTests {
    @Test("a log with only an error line is tagged; an old ffmpeg's refusal of level+verbose is not")
    func taggedOrNot() {
        #expect(LoggedFrameRate.isLevelTagged("[mov,mp4 @ 0x1] [error] moov atom not found\n"))
        #expect(LoggedFrameRate.isLevelTagged("[warning] -vsync is deprecated\n"))
        #expect(!LoggedFrameRate.isLevelTagged("Invalid loglevel \"level+verbose\". Possible levels are numbers or:\n"))
    }
}
