// `zoo-bench embed`: the throughput of `zoo embed --videos` (ffmpeg decoding ahead of the
// encoder, chunk files, merge) against the encoder alone on the same frames, decoded beforehand,
// in the same run with interleaved samples. The goal is that decoding hides behind encoding.
import Foundation
import ZooCatalog
import ZooCore
import ZooData
import ZooManifest
import ZooTensor

enum EmbedBenchmark {
    static let usage = """
        usage: zoo-bench embed [MODEL] [--videos N] [--seconds S] [--size WxH] [--frames F] [--batch B] [--workers W] [--per-process G] [--rounds R]
          Makes N test videos with ffmpeg (default 16 of 8 s at 320x240, 25 fps), then times
          (a) the encoder alone on their frames, decoded beforehand, in batches of B videos, and
          (b) the whole `zoo embed --videos` pipeline (W ffmpeg workers ahead of the encoder, each
          process decoding G videos, default 4) on the same files, in R rounds of one of each
          (the order alternating from round to round); reports videos/s and (b) / (a). MODEL (default
          clip-vit-b32) has random weights: the speed does not depend on their values.
        """

    static func run(_ arguments: [String]) -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") { print(usage); return 0 }
        func value(_ flag: String) -> String? {
            guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count else { return nil }
            return arguments[i + 1]
        }
        let name = arguments.first { !$0.hasPrefix("-") && Int($0) == nil && !$0.contains("x") } ?? "clip-vit-b32"
        let count = value("--videos").flatMap(Int.init) ?? 16, seconds = value("--seconds").flatMap(Int.init) ?? 8
        let size = value("--size") ?? "320x240", frames = value("--frames").flatMap(Int.init) ?? 12
        let batch = value("--batch").flatMap(Int.init) ?? 16, workers = value("--workers").flatMap(Int.init) ?? 2
        let rounds = value("--rounds").flatMap(Int.init) ?? 3
        let perProcess = value("--per-process").flatMap(Int.init)
        let ffmpeg = FFmpeg()
        guard ffmpeg.isAvailable else { log("zoo-bench embed: ffmpeg is needed (apt-get install ffmpeg)"); return 1 }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-bench-embed-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            let videos = folder.appendingPathComponent("videos")
            try FileManager.default.createDirectory(at: videos, withIntermediateDirectories: true)
            for index in 0..<count {
                let path = videos.appendingPathComponent(String(format: "video%03d.mp4", index)).path
                _ = try ffmpeg.run(.ffmpeg, ["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=\(size):rate=25", "-t", String(seconds),
                                             "-vf", "hue=h=\(index * 20)", "-pix_fmt", "yuv420p", path], input: path)
            }
            let registry = try Registry(manifest: try Manifest.parse(ZooCatalog.manifestJSON), entries: ZooCatalog.methodEntries)
            guard let model = try GlobalRandom.withSeed(0, { try registry.createModel(name) }) as? any ContrastiveModel else {
                log("zoo-bench embed: \(name) is not a CLIP-style model"); return 1
            }
            model.eval()
            let decoder = VideoDecoder(framesPerVideo: frames, imageSize: model.imageSize, ffmpeg: ffmpeg)
            let items = try VideoCollection.items(videos, extensions: VideoCollection.videoExtensions)
            let decodingCPU = CPUTime.now()
            let decoded = try items.map { try decoder.frames(of: $0.file, videoID: $0.id) }
            let decodingSpent = CPUTime.now() - decodingCPU
            log(String(format: "zoo-bench embed: decoding alone, one ffmpeg per video: CPU s per video %.3f here + %.3f ffmpeg",
                       decodingSpent.own / Double(count), decodingSpent.children / Double(count)))
            log("zoo-bench embed: \(name), \(count) videos of \(seconds) s at \(size), \(frames) frames each, batches of \(batch), \(workers) workers, \(perProcess ?? VideoEmbedder.defaultVideosPerProcess) videos per ffmpeg process; GEMM kernels \(GEMMBenchmark.isaDescription)")
            /// Videos per second and the CPU time spent, by the encoder alone on the decoded frames.
            func timeEncoder() -> (rate: Double, cpu: CPUTime) {
                let cpu = CPUTime.now(), started = DispatchTime.now().uptimeNanoseconds
                for start in stride(from: 0, to: decoded.count, by: batch) {
                    let part = Array(decoded[start..<Swift.min(start + batch, decoded.count)])
                    var mask = [Float](repeating: 0, count: part.count * frames)
                    for (row, video) in part.enumerated() { for f in 0..<video.validFrames { mask[row * frames + f] = 1 } }
                    _ = noGrad { model.encodeVideo(pixels: Tensor.stack(part.map(\.values)), mask: Tensor(mask, shape: [part.count, frames])).frames }
                }
                return (Double(count) / (Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9), CPUTime.now() - cpu)
            }
            /// The same for the whole `zoo embed --videos` pipeline into a fresh folder.
            func timePipeline(_ round: Int) throws -> (rate: Double, cpu: CPUTime) {
                let out = folder.appendingPathComponent("out\(round)")
                let record = EmbeddingRecord(model: name, weights: "random", weightsChecksum: "0", framesPerVideo: frames, imageSize: model.imageSize,
                                             videosPerBatch: batch, items: items, kind: "videos")
                var embedder = VideoEmbedder(items: items, encoder: model, decoder: decoder, record: record, workers: workers)
                if let perProcess { embedder.videosPerProcess = perProcess }
                let cpu = CPUTime.now(), started = DispatchTime.now().uptimeNanoseconds
                _ = try embedder.run(into: out)
                let rate = Double(count) / (Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
                let spent = CPUTime.now() - cpu
                try FileManager.default.removeItem(at: out)
                return (rate, spent)
            }
            var encoderSamples: [Double] = [], pipelineSamples: [Double] = [], ratios: [Double] = []
            for round in 0..<rounds {
                // Alternate which goes first, so that a drift in the machine's speed (other
                // tenants of a VM) does not always favour the same side of a pair.
                let encoder: (rate: Double, cpu: CPUTime), pipeline: (rate: Double, cpu: CPUTime)
                if round % 2 == 0 {
                    encoder = timeEncoder()
                    pipeline = try timePipeline(round)
                } else {
                    pipeline = try timePipeline(round)
                    encoder = timeEncoder()
                }
                encoderSamples.append(encoder.rate)
                pipelineSamples.append(pipeline.rate)
                ratios.append(pipeline.rate / encoder.rate)
                log(String(format: "round %d: encoder alone %.2f videos/s, zoo embed %.2f videos/s (%.0f%%); CPU s per video: encoder alone %.3f, zoo embed %.3f + ffmpeg %.3f",
                           round + 1, encoder.rate, pipeline.rate, 100 * ratios.last!, encoder.cpu.own / Double(count),
                           pipeline.cpu.own / Double(count), pipeline.cpu.children / Double(count)))
            }
            func median(_ values: [Double]) -> Double {
                let sorted = values.sorted()
                return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            }
            print(String(format: "encoder alone %.2f videos/s, zoo embed %.2f videos/s (medians of %d rounds); zoo embed / encoder alone per round: median %.0f%%, range %.0f–%.0f%%",
                         median(encoderSamples), median(pipelineSamples), rounds, 100 * median(ratios), 100 * ratios.min()!, 100 * ratios.max()!))
            return 0
        } catch {
            log("zoo-bench embed: \(error)")
            return 1
        }
    }
}

/// CPU seconds used so far by this process and by its finished children (ffmpeg).
private struct CPUTime {
    var own: Double, children: Double

    static func now() -> CPUTime {
        func seconds(_ usage: rusage) -> Double { Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        }
        var own = rusage(), children = rusage()
        getrusage(RUSAGE_SELF.rawValue, &own)
        getrusage(RUSAGE_CHILDREN.rawValue, &children)
        return CPUTime(own: seconds(own), children: seconds(children))
    }

    static func - (a: CPUTime, b: CPUTime) -> CPUTime { CPUTime(own: a.own - b.own, children: a.children - b.children) }
}
