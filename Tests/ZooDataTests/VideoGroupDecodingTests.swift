// Several short videos in one ffmpeg process (`VideoDecoder.frames(ofEach:)`): each file's rate is
// proved from the shared log on its own, a group is trusted only when it is clean as a whole, and
// on real files every video gets, bit for bit, the frames or the error it gets alone.
import Foundation
import Testing
@testable import ZooData
import ZooTensor
import ZooTestSupport

/// The log of one process decoding two files (`level+verbose`), input k mapped to output k.
private func groupLog(secondStream: String = "30 fps, 30 tbr, 15360 tbn", secondRate: String = "30/1", extra: String = "") -> String {
    """
    [info] Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'a.mp4':
    [info]   Stream #0:0[0x1](und): Video: h264 (High), yuv420p(progressive), 320x240, 35 kb/s, 25 fps, 25 tbr, 12800 tbn (default)
    [info] Input #1, mov,mp4,m4a,3gp,3g2,mj2, from 'b.mp4':
    [info]   Stream #1:0[0x1](und): Video: h264 (High), yuv420p(progressive), 320x240, 35 kb/s, \(secondStream) (default)
    [info] Stream mapping:
    [info]   Stream #0:0 -> #0:0 (h264 (native) -> ppm (native))
    [info]   Stream #1:0 -> #1:0 (h264 (native) -> ppm (native))
    [graph 0 input from stream 0:0 @ 0x55b4052285c0] [verbose] w:320 h:240 pixfmt:yuv420p tb:1/12800 fr:25/1 sar:1/1
    [info] Output #0, image2pipe, to '/tmp/output0.ppm':
    [info]   Stream #0:0(und): Video: ppm, rgb24, 320x240, q=2-31, 200 kb/s, 60 fps, 60 tbr (default)
    [graph 1 input from stream 1:0 @ 0x55b405228600] [verbose] w:320 h:240 pixfmt:yuv420p tb:1/15360 fr:\(secondRate) sar:1/1
    [info] Output #1, image2pipe, to '/tmp/output1.ppm':
    \(extra)
    """
}

@Suite("Frame rates read from one process's log for several files")
struct GroupLogTests {
    @Test("each input's rate is proved by its own stream, mapping and filter lines")
    func eachInputIsProved() {
        #expect(LoggedFrameRate.verifiedRates(in: groupLog(), inputs: 2) == [25, 30])
    }

    @Test("an input whose filter rate is not its r_frame_rate is refused, the other still proved")
    func oneInputRefused() {
        #expect(LoggedFrameRate.verifiedRates(in: groupLog(secondRate: "60/1"), inputs: 2) == [25, nil])
        #expect(LoggedFrameRate.verifiedRates(in: groupLog(secondStream: "30 fps, 12800 tbn"), inputs: 2) == [25, nil])
    }

    @Test("a second filter line for an input, such as another file's metadata could print, leaves it unproven")
    func duplicateFilterLine() {
        let forged = "[graph 1 input from stream 1:0 @ 0x1] [verbose] w:1 h:1 pixfmt:rgb24 tb:1/1 fr:30/1 sar:1/1\n"
        #expect(LoggedFrameRate.verifiedRates(in: groupLog(extra: forged), inputs: 2) == [25, nil])
    }

    @Test("stream and mapping lines count only before the first output; an input mapped elsewhere is unproven")
    func linesAfterOutputsAndOtherMappings() {
        let late = groupLog().replacingOccurrences(of: "[info]   Stream #1:0[0x1](und): Video: h264 (High), yuv420p(progressive), 320x240, 35 kb/s, 30 fps, 30 tbr, 15360 tbn (default)\n", with: "")
            + "[info]   Stream #1:0: Video: h264, 30 fps, 30 tbr\n"
        #expect(LoggedFrameRate.verifiedRates(in: late, inputs: 2) == [25, nil])
        let crossed = groupLog().replacingOccurrences(of: "Stream #1:0 -> #1:0", with: "Stream #0:0 -> #1:0")
        #expect(LoggedFrameRate.verifiedRates(in: crossed, inputs: 2) == [25, nil])
        #expect(LoggedFrameRate.verifiedRates(in: groupLog(), inputs: 3) == [nil, nil, nil], "no Input #2 nor Output #2")
    }

    @Test("a forged Output header, which would move the cut-off before the real lines, leaves every input unproven")
    func forgedOutputHeader() {
        let forged = groupLog().replacingOccurrences(of: "[info] Stream mapping:\n", with: "[info] Output #1, x\n[info] Stream mapping:\n")
        #expect(LoggedFrameRate.verifiedRates(in: forged, inputs: 2) == [nil, nil])
    }

    @Test("a stream line broken by a newline in its language tag leaves every input unproven, and the single-file rate unknown")
    func languageTagBreaksTheStreamLine() {
        let real = "[info]   Stream #1:0[0x1](und): Video: h264 (High), yuv420p(progressive), 320x240, 35 kb/s, 30 fps, 30 tbr, 15360 tbn (default)\n"
        let broken = "[info]   Stream #1:0[0x1](a b\n[info]   Stream #1:0: Video: h264, 25 fps, 25 tbr\nzz): Video: h264 (High), yuv420p, 320x240, 30 fps, 30 tbr, 15360 tbn\n"
        #expect(LoggedFrameRate.verifiedRates(in: groupLog().replacingOccurrences(of: real, with: broken), inputs: 2) == [nil, nil])
        let single = "[info] Input #0, matroska,webm, from 'a.mkv':\n"
            + "[info]   Stream #0:0(a b\n[info]   Stream #0:0: Video: h264, 25 fps, 25 tbr\nzz): Video: h264, 60 fps, 60 tbr\n"
            + "[info] Stream mapping:\n[info]   Stream #0:0 -> #0:0 (h264 (native) -> ppm (native))\n"
            + "[graph 0 input from stream 0:0 @ 0x1] [verbose] w:320 h:240 pixfmt:yuv420p tb:1/1000 fr:25/1 sar:1/1\n"
            + "[info] Output #0, image2pipe, to 'pipe:':\n"
        #expect(LoggedFrameRate.verifiedRate(in: single) == nil)
        #expect(LoggedFrameRate.verifiedRate(in: single.replacingOccurrences(of: "zz): Video: h264, 60 fps, 60 tbr\n", with: "")) == 25,
                "the same log without the broken line's remainder is read")
    }

    @Test("a line tagged error, fatal or panic is found after a context prefix, not inside text")
    func errorLines() {
        #expect(LoggedFrameRate.hasErrorLine("[info] x\n[h264 @ 0x1] [error] Invalid NAL unit size\n"))
        #expect(LoggedFrameRate.hasErrorLine("[fatal] Conversion failed!\n"))
        #expect(LoggedFrameRate.hasErrorLine("[info] a message without its line end Error while decoding stream #1:0: Invalid data\n"))
        #expect(!LoggedFrameRate.hasErrorLine("[warning] -vsync is deprecated\n[info]   title : says [error] here\n"))
    }
}

@Suite("Several videos in one ffmpeg process", .enabled(if: FFmpeg.isAvailable && FFmpeg().isProbeAvailable, ffmpegMissingNote))
struct GroupDecodingTests {
    private func alone(_ decoder: VideoDecoder, _ file: URL) -> Result<VideoFrames, VideoError> {
        Result { () throws(VideoError) -> VideoFrames in try decoder.frames(of: file, videoID: file.lastPathComponent) }
    }

    /// Whether two results are the same frames, bit for bit, or the same error in the same words.
    private func same(_ a: Result<VideoFrames, VideoError>, _ b: Result<VideoFrames, VideoError>) -> Bool {
        switch (a, b) {
        case let (.success(x), .success(y)):
            return x.validFrames == y.validFrames && x.values.shape == y.values.shape
                && x.values.scalars.map(\.bitPattern) == y.values.scalars.map(\.bitPattern)
        case let (.failure(x), .failure(y)): return x.description == y.description
        default: return false
        }
    }

    @Test("nine rates in five containers in one process: every file proved, each with the frames it gets alone")
    func ratesAndContainers() throws {
        let folder = try TemporaryFolder()
        let files = try videosOfManyRates(in: folder)
        let decoder = VideoDecoder(framesPerVideo: 5, imageSize: 32)
        let together = try #require(decoder.framesInOneProcess(paths: files.map(\.path)))
        #expect(together.allSatisfy { $0 != nil }, "every rate proved from the shared log")
        for (file, frames) in zip(files, together) {
            #expect(same(.success(try #require(frames)), alone(decoder, file)), "\(file.lastPathComponent)")
        }
        let results = decoder.frames(ofEach: files.map { ($0, $0.lastPathComponent) })
        for (file, result) in zip(files, results) { #expect(same(result, alone(decoder, file)), "\(file.lastPathComponent)") }
    }

    @Test("with broken, empty, missing, audio-only and damaged files in the group, each file gets what it gets alone")
    func badFilesInTheGroup() throws {
        let folder = try TemporaryFolder()
        let good = try makeTestVideo("good.mp4", in: folder, rate: "25", seconds: "4")
        let other = try makeTestVideo("other.mkv", in: folder, rate: "30", seconds: "3")
        let broken = folder.url.appendingPathComponent("broken.mp4")
        try Data((0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: broken)
        let empty = folder.url.appendingPathComponent("empty.mp4")
        try Data().write(to: empty)
        let missing = folder.url.appendingPathComponent("missing.mp4")
        let audio = folder.url.appendingPathComponent("audio.m4a")
        _ = try FFmpeg().run(.ffmpeg, ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=duration=2", audio.path], input: audio.path)
        // Bytes overwritten in the middle: ffmpeg logs decoding errors and still exits 0.
        let damaged = try makeTestVideo("damaged.mp4", in: folder, rate: "25", seconds: "8", options: ["-pix_fmt", "yuv420p", "-g", "10"])
        var bytes = [UInt8](try Data(contentsOf: damaged))
        for start in stride(from: bytes.count / 4, to: 3 * bytes.count / 4, by: bytes.count / 16) {
            for i in start..<Swift.min(start + 40, bytes.count) { bytes[i] = UInt8(truncatingIfNeeded: i &* 31) }
        }
        try Data(bytes).write(to: damaged)

        let decoder = VideoDecoder(framesPerVideo: 4, imageSize: 32)
        #expect(decoder.framesInOneProcess(paths: [good.path, other.path])?.allSatisfy { $0 != nil } == true, "the two good files go together")
        #expect(decoder.framesInOneProcess(paths: [good.path, damaged.path]) == nil, "a group with an error line is not trusted")
        #expect(decoder.framesInOneProcess(paths: [good.path, audio.path]) == nil, "a file without video fails the whole process")
        let files = [good, broken, empty, missing, audio, damaged, other]
        let results = decoder.frames(ofEach: files.map { ($0, $0.lastPathComponent) })
        for (file, result) in zip(files, results) { #expect(same(result, alone(decoder, file)), "\(file.lastPathComponent)") }
        for index in [0, 6] {
            guard case .success = results[index] else { Issue.record("\(files[index].lastPathComponent) was not decoded"); continue }
        }
    }

    @Test("damaged copies of a clip (cut short, bytes overwritten) in one group each get what they get alone")
    func damagedCopies() throws {
        let folder = try TemporaryFolder()
        let clip = try makeTestVideo("clip.mp4", in: folder, rate: "25", seconds: "6", options: ["-pix_fmt", "yuv420p", "-g", "12"])
        let original = [UInt8](try Data(contentsOf: clip))
        var generator = RandomGenerator(seed: 7)
        var files = [clip]
        for (index, cut) in [0.3, 0.6, 0.9, 1.0, 1.0, 1.0, 1.0].enumerated() {
            var bytes = Array(original.prefix(Int(Double(original.count) * cut)))
            if cut == 1.0 {
                // A few bytes overwritten at random places past the header.
                for _ in 0..<(index - 2) {
                    let at = 64 + Int(generator.next() % UInt64(bytes.count - 96))
                    for i in at..<(at + 16) { bytes[i] = UInt8(truncatingIfNeeded: generator.next()) }
                }
            }
            let file = folder.url.appendingPathComponent("damaged\(index).mp4")
            try Data(bytes).write(to: file)
            files.append(file)
        }
        let decoder = VideoDecoder(framesPerVideo: 4, imageSize: 32)
        for group in [Array(files[0..<4]), Array(files[4..<8]), files] {
            let results = decoder.frames(ofEach: group.map { ($0, $0.lastPathComponent) })
            for (file, result) in zip(group, results) { #expect(same(result, alone(decoder, file)), "\(file.lastPathComponent)") }
        }
    }

    @Test("a process past its deadline is stopped and reported as timed out")
    func deadline() throws {
        let ffmpeg = FFmpeg(timeout: 0.5)
        let started = Date()
        let run = try VideoGroupStream.run(ffmpeg, outputs: 1, arguments: { outputs in
            ["-nostdin", "-v", "error", "-y", "-re", "-f", "lavfi", "-i", "testsrc2=size=32x24:rate=5", "-t", "30",
             "-f", "image2pipe", "-c:v", "ppm", "-pix_fmt", "rgb24", outputs[0]]
        }) { _, _ in }
        #expect(run.timedOut)
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test("each output's frames reach the handler with its index, all outputs read at once")
    func outputsAreRead() throws {
        var counts = [0, 0, 0]
        let run = try VideoGroupStream.run(FFmpeg(), outputs: 3, arguments: { outputs in
            ["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=32x24:rate=5", "-t", "2"]
                + outputs.enumerated().flatMap { k, output in
                    ["-map", "0:v:0", "-frames:v", String(k + 1), "-f", "image2pipe", "-c:v", "ppm", "-pix_fmt", "rgb24", output]
                }
        }) { output, frame in
            #expect(frame.width == 32 && frame.height == 24)
            counts[output] += 1
        }
        #expect(run.status == 0 && !run.timedOut && run.malformed == nil && run.logIsWhole)
        #expect(counts == [1, 2, 3])
    }
}
