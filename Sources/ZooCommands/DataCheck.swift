// `zoo data check SPEC [--split S] [--json]`: what a dataset folder holds, split by split, as the
// zoo will read it: videos and captions, missing and undecodable files, caption lengths against
// the context length, frames per video; `--json` also lists each split's (video, caption) pairs
// in order, the pairs the official loaders build from the same files.
import Foundation
import ZooCommandLine
import ZooCore
import ZooData

/// The report of one split.
struct DataCheckReport: Encodable {
    struct Pair: Encodable { var video: String; var caption: String }
    struct Lengths: Encodable {
        var minimum: Int
        var mean: Double
        var maximum: Int
        /// How many are cut to the context length.
        var truncated: Int
        var contextLength: Int
    }
    var split: String
    var name: String
    var videos: Int
    var captions: Int
    var missing: [SkippedVideo]
    var undecodable: [SkippedVideo]?
    /// Whether the split opens under --max-missing (missing and undecodable together).
    var withinMaxMissing: Bool
    var captionTokens: Lengths?
    /// Sampled frames (one per second) before the cut to F, over the videos that decoded.
    var sampledFrames: Lengths?
    var notes: [String]
    var pairs: [Pair]?
}

enum DataCheck {
    /// Options of `zoo data preview` that mean nothing to `check`.
    static let previewOnly = ["out", "videos", "seed", "size", "scale", "pairs"]

    static func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        if let stray = previewOnly.first(where: { arguments.givenOptions.contains($0) }) {
            throw UsageError("--\(stray) applies to `zoo data preview`, not `zoo data check`")
        }
        let spec: DataSpec
        do { spec = try DataSpec(arguments.positionals[1]) } catch { throw UsageError("\(error)") }
        var options = DataOptions(dataset: spec.description)
        if let frames = arguments.value("frames") { options.frames = try ExperimentFlags.positive(frames, "--frames") }
        for option in DataPathOption.all { if let path = arguments.value(option.name) { options.paths[option.name] = path } }
        let context = try arguments.integer("words", default: spec.defaultWords ?? 32, in: 2...10_000)
        let policy = try arguments.value("max-missing").map(ExperimentFlags.missingVideoPolicy) ?? MissingVideoPolicy()
        guard spec.annotatedSplitKind else {
            throw UsageError("`zoo data check` reads video-file datasets (msrvtt:DIR, msvd:DIR, lsmdc:DIR, didemo:DIR, activitynet:DIR, list:FILE); \(spec) is not one")
        }
        let names: [String]
        if let split = arguments.value("split") { names = [split] }
        else if case let .list(file) = spec { names = VideoCaptionList.splitNames(try VideoCaptionList.pairs(URL(fileURLWithPath: file))) }
        else { names = spec.splitNames }
        let decoder = VideoDecoder(framesPerVideo: options.frames ?? spec.defaultFrames ?? 12, imageSize: 32)
        let tokenizer = try CLIPTokenizer.shared()
        let decode = !arguments.flag("no-decode")
        let showsProgress = isatty(STDERR_FILENO) == 1
        var reports: [DataCheckReport] = []
        for name in names {
            guard let split = try spec.annotatedSplit(name, paths: options.paths) else { continue }
            reports.append(try report(split: name, split, decoder: decoder, tokenizer: tokenizer, context: context,
                                      policy: policy, decode: decode, pairs: arguments.flag("json"), console: showsProgress ? console : nil))
        }
        if arguments.flag("json") {
            struct Output: Encodable { var dataset: String; var splits: [DataCheckReport] }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            console.write(String(decoding: try encoder.encode(Output(dataset: spec.description, splits: reports)), as: UTF8.self) + "\n")
        } else {
            for report in reports { console.write(render(report)) }
        }
        return reports.allSatisfy(\.withinMaxMissing) ? ExitStatus.success : 1
    }

    private static func report(split name: String, _ split: AnnotatedSplit, decoder: VideoDecoder, tokenizer: CLIPTokenizer, context: Int,
                               policy: MissingVideoPolicy, decode: Bool, pairs: Bool, console: Console?) throws -> DataCheckReport {
        // Opened with every video allowed missing: the check reports, it does not refuse.
        let opened = try VideoFileSource(split: split, decoder: decoder, policy: MissingVideoPolicy(fraction: 1))
        let missing = opened.skipped.all
        var undecodable: [SkippedVideo] = [], frameCounts: [Int] = []
        if decode {
            for (index, video) in opened.videos.enumerated() {
                guard let file = video.file else { continue }
                if index % 20 == 0 { console?.writeError("\r\(split.name): decoding video \(index + 1) of \(opened.videos.count)") }
                do {
                    frameCounts.append(try decoder.forEachSampledFrame(of: file, videoID: video.id, lastSecond: video.lastSecond) { _, _ in })
                } catch {
                    guard let (id, path) = error.brokenFile else { throw error }
                    undecodable.append(SkippedVideo(id: id, path: path, reason: error.description, stage: "decode"))
                }
            }
            console?.writeError("\r\u{1B}[K")
        }
        let tokenCounts = opened.captions.map { tokenizer.ids(for: $0.text).count + 2 }
        func lengths(_ values: [Int], context: Int) -> DataCheckReport.Lengths? {
            guard let minimum = values.min(), let maximum = values.max() else { return nil }
            return .init(minimum: minimum, mean: Double(values.reduce(0, +)) / Double(values.count), maximum: maximum,
                         truncated: values.filter { $0 > context }.count, contextLength: context)
        }
        let gone = missing.count + undecodable.count
        return DataCheckReport(split: name, name: split.name, videos: opened.videoCount, captions: opened.captions.count, missing: missing,
                               undecodable: decode ? undecodable : nil, withinMaxMissing: gone <= policy.allowed(of: split.videos.count),
                               captionTokens: lengths(tokenCounts, context: context),
                               sampledFrames: lengths(frameCounts, context: decoder.framesPerVideo),
                               notes: split.notes,
                               pairs: pairs ? opened.captions.map { .init(video: opened.videos[$0.video].id, caption: $0.text) } : nil)
    }

    private static func render(_ report: DataCheckReport) -> String {
        var text = "\(report.name): \(report.videos) videos, \(report.captions) captions\n"
        if let tokens = report.captionTokens {
            text += String(format: "  caption tokens: %d to %d, mean %.1f; %d longer than the context of %d (cut)\n",
                           tokens.minimum, tokens.maximum, tokens.mean, tokens.truncated, tokens.contextLength)
        }
        if let frames = report.sampledFrames {
            text += String(format: "  frames at 1 per second: %d to %d, mean %.1f; %d videos sampled down to %d\n",
                           frames.minimum, frames.maximum, frames.mean, frames.truncated, frames.contextLength)
        }
        for entry in report.missing { text += "  missing: \(entry.id) (\(entry.path)): \(entry.reason)\n" }
        for entry in report.undecodable ?? [] { text += "  undecodable: \(entry.id): \(entry.reason)\n" }
        for note in report.notes { text += "  note: \(note)\n" }
        if !report.withinMaxMissing { text += "  more videos are gone than --max-missing allows: training or evaluating on this split stops\n" }
        return text
    }
}
