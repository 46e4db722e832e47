// Video decoding: CLIP4Clip's frame choice (1 fps by int(frame rate), then linspace), shapes and
// padding, parity of each frame with CLIPPreprocessing, and the errors for a missing file, a
// missing ffmpeg and a file ffmpeg cannot decode. ffmpeg-backed tests skip visibly without it.
import Foundation
import Testing
@testable import ZooData
import ZooTensor
import ZooTestSupport

@Suite("Frame sampling")
struct VideoSamplingTests {
    @Test("linspace indices are NumPy's np.linspace(0, n-1, F).astype(int), values worked out by hand")
    func linspaceByHand() {
        // step 14/11 = 1.2727…: 0, 1.27, 2.55, 3.82, 5.09, 6.36, 7.64, 8.91, 10.18, 11.45, 12.73, 14
        #expect(VideoSampling.frameIndices(count: 15, maxFrames: 12) == [0, 1, 2, 3, 5, 6, 7, 8, 10, 11, 12, 14])
        // step 12/11 = 1.0909…: only the last step skips a frame
        #expect(VideoSampling.frameIndices(count: 13, maxFrames: 12) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12])
        #expect(VideoSampling.frameIndices(count: 100, maxFrames: 4) == [0, 33, 66, 99])
        // step 9/2 = 4.5: 0, 4.5, 9
        #expect(VideoSampling.frameIndices(count: 10, maxFrames: 3) == [0, 4, 9])
        #expect(VideoSampling.frameIndices(count: 5, maxFrames: 1) == [0])
    }

    @Test("a video with at most F frames keeps them all, in order")
    func shortVideosKeepEverything() {
        #expect(VideoSampling.frameIndices(count: 12, maxFrames: 12) == Array(0..<12))
        #expect(VideoSampling.frameIndices(count: 4, maxFrames: 12) == [0, 1, 2, 3])
        #expect(VideoSampling.frameIndices(count: 0, maxFrames: 12) == [])
    }

    @Test("the 1 fps interval is int(frame rate), as CLIP4Clip takes it from OpenCV")
    func samplingInterval() {
        #expect(VideoSampling.samplingInterval(frameRate: 30000.0 / 1001.0) == 29)
        #expect(VideoSampling.samplingInterval(frameRate: 25) == 25)
        #expect(VideoSampling.samplingInterval(frameRate: 0.5) == 1)
        #expect(VideoSampling.samplingInterval(frameRate: nil) == nil)
        #expect(VideoSampling.samplingInterval(frameRate: .nan) == nil)
        #expect(VideoSampling.guessedFrameRate(rFrameRate: "30000/1001", avgFrameRate: "30000/1001") == 30000.0 / 1001.0)
        #expect(VideoSampling.guessedFrameRate(rFrameRate: "90000/1", avgFrameRate: "25/1") == 25)   // timestamp artefact
        #expect(VideoSampling.guessedFrameRate(rFrameRate: "0/0", avgFrameRate: "24/1") == 24)
        #expect(VideoSampling.guessedFrameRate(rFrameRate: "0/0", avgFrameRate: "0/0") == nil)
    }

    @Test("PPM frames are split correctly from a stream that arrives a few bytes at a time")
    func ppmStreamSplitting() throws {
        let first = RGBImage(width: 3, height: 2) { x, y in (UInt8(x), UInt8(y), 7) }
        let second = RGBImage(width: 2, height: 2) { x, y in (UInt8(10 + x), UInt8(20 + y), 9) }
        let stream = [UInt8](first.ppmData() + second.ppmData())
        var parser = PPMStreamParser()
        var frames: [RGBImage] = []
        for start in stride(from: 0, to: stream.count, by: 5) {
            let chunk = Array(stream[start..<min(start + 5, stream.count)])
            chunk.withUnsafeBytes { parser.append($0) }
            while let frame = try parser.nextFrame() { frames.append(frame) }
        }
        #expect(frames == [first, second])
        #expect(parser.isEmpty)
        var broken = PPMStreamParser()
        Array("P5\n2 2\n255\n".utf8).withUnsafeBytes { broken.append($0) }
        #expect(throws: PPMStreamParser.Malformed.self) { try broken.nextFrame() }
    }
}

@Suite("Video decoding through ffmpeg")
struct VideoDecodingTests {
    let fixture: MSRVTTFixture

    init() throws {
        fixture = try MSRVTTFixture.shared()
    }

    func url(_ id: String) -> URL { fixture.directory.appendingPathComponent("videos/\(id).mp4") }

    @Test("a video of n seconds decodes to n full-size frames at 1 fps", .enabled(if: FFmpeg.isAvailable, ffmpegMissingNote))
    func oneFramePerSecond() throws {
        let decoder = VideoDecoder(framesPerVideo: 12, imageSize: 32)
        for video in fixture.videos {
            var sizes: Set<String> = []
            let count = try decoder.forEachSampledFrame(of: url(video.id)) { _, frame in sizes.insert("\(frame.width)x\(frame.height)") }
            #expect(count == video.seconds, "\(video.id)")
            #expect(sizes == ["64x48"])
        }
    }

    @Test("a 29.97 fps video gives ceil(frames / 29) frames, as CLIP4Clip's reader does", .enabled(if: FFmpeg.isAvailable, ffmpegMissingNote))
    func ntscFrameRate() throws {
        let folder = try TemporaryFolder()
        let output = folder.url.appendingPathComponent("ntsc.mp4")
        _ = try FFmpeg().run(.ffmpeg, ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=32x24:rate=30000/1001",
                                       "-frames:v", "300", "-pix_fmt", "yuv420p", output.path], input: output.path)
        // int(29.97) = 29, so frames 0, 29, …, 290: 11 frames for 300 (ffmpeg's fps=1 would give 10).
        #expect(try VideoDecoder().forEachSampledFrame(of: output) { _, _ in } == 11)
    }

    @Test("frames come out as [F, 3, S, S] with zero rows after the real frames", .enabled(if: FFmpeg.isAvailable, ffmpegMissingNote))
    func shapesAndPadding() throws {
        let frames = try VideoDecoder(framesPerVideo: 12, imageSize: 32).frames(of: url("video1"))   // 4 s
        #expect(frames.values.shape == [12, 3, 32, 32])
        #expect(frames.kind == .pixels)
        #expect(frames.validFrames == 4)
        let values = frames.values.scalars, plane = 3 * 32 * 32
        for row in 0..<12 {
            let rowValues = values[(row * plane)..<((row + 1) * plane)]
            if row < 4 { #expect(rowValues.contains { $0 != 0 }, "row \(row) is real") } else { #expect(rowValues.allSatisfy { $0 == 0 }, "row \(row) is padding") }
        }
    }

    @Test("every row is CLIPPreprocessing of the decoded frame, and long videos keep the linspace frames",
          .enabled(if: FFmpeg.isAvailable, ffmpegMissingNote))
    func linspaceAndPreprocessingParity() throws {
        let decoder = VideoDecoder(framesPerVideo: 12, imageSize: 32)
        var decoded: [RGBImage] = []
        try decoder.forEachSampledFrame(of: url("video5")) { _, frame in decoded.append(frame) }      // 15 s
        #expect(decoded.count == 15)
        let frames = try decoder.frames(of: url("video5"))
        #expect(frames.validFrames == 12)
        let plane = 3 * 32 * 32, values = frames.values.scalars
        for (row, index) in VideoSampling.frameIndices(count: 15, maxFrames: 12).enumerated() {
            let expected = CLIPPreprocessing(imageSize: 32)(decoded[index]).scalars
            #expect(Array(values[(row * plane)..<((row + 1) * plane)]) == expected, "row \(row) is frame \(index)")
        }
    }

    @Test("a missing video file is reported with its id and path")
    func missingFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-no-such-video-\(UUID().uuidString).mp4")
        #expect(throws: VideoError.fileNotFound(videoID: "video42", path: path.path)) {
            try VideoDecoder().frames(of: path, videoID: "video42")
        }
    }

    @Test("without ffmpeg the error names the video and says how to install it")
    func ffmpegMissing() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write(Data("not really a video".utf8), to: "video7.mp4")
        let decoder = VideoDecoder(ffmpeg: FFmpeg(executable: "/nonexistent/zoo/ffmpeg", probeExecutable: "/nonexistent/zoo/ffprobe"))
        do {
            _ = try decoder.frames(of: file, videoID: "video7")
            Issue.record("decoding without ffmpeg succeeded")
        } catch {
            guard case .ffmpegNotInstalled(videoID: "video7", path: file.path, tried: _) = error else {
                Issue.record("unexpected error \(error)"); return
            }
            #expect(error.description.contains("apt-get install ffmpeg"))
            #expect(error.description.contains("video7"))
        }
    }

    @Test("a file ffmpeg cannot decode gives an error naming the video id and the file", .enabled(if: FFmpeg.isAvailable, ffmpegMissingNote))
    func undecodable() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write(Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }), to: "video9.mp4")
        do {
            _ = try VideoDecoder().frames(of: file, videoID: "video9")
            Issue.record("garbage decoded")
        } catch {
            guard case .undecodable(videoID: "video9", path: file.path, message: _) = error else {
                Issue.record("unexpected error \(error)"); return
            }
            #expect(error.description.contains("video9") && error.description.contains(file.path))
        }
    }

    @Test("an endless ffmpeg stream is stopped at the deadline, after handing over the frames it made",
          .enabled(if: FFmpeg.isAvailable, ffmpegMissingNote))
    func deadline() throws {
        var frames = 0
        let started = Date()
        let arguments = ["-nostdin", "-v", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=32x24:rate=20",
                         "-f", "image2pipe", "-c:v", "ppm", "-pix_fmt", "rgb24", "-"]
        let error = #expect(throws: VideoStreamFailure.self) {
            _ = try VideoFrameStream.run(FFmpeg(timeout: 0.5), arguments: arguments, input: "endless") { _ in frames += 1 }
        }
        guard case .ffmpeg(.timedOut(tool: "ffmpeg", input: "endless", seconds: 0.5))? = error else {
            Issue.record("unexpected \(String(describing: error))"); return
        }
        #expect(frames > 0)
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test("a file with no video stream is reported as having no frames or being undecodable", .enabled(if: FFmpeg.isAvailable, ffmpegMissingNote))
    func audioOnly() throws {
        let folder = try TemporaryFolder()
        let file = folder.url.appendingPathComponent("tone.m4a")
        _ = try FFmpeg().run(.ffmpeg, ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=duration=1", file.path], input: file.path)
        #expect(throws: VideoError.self) { try VideoDecoder().frames(of: file, videoID: "tone") }
    }
}
