// `zoo data preview`: a contact sheet of a dataset's videos with their captions, to see what a
// model is trained and tested on. The first positional is the action so that `zoo data` can
// grow other actions (stats, export) without another top-level command.
import Foundation
import ZooCommandLine
import ZooCore
import ZooData
import ZooManifest

/// `zoo data preview DATASET [--out FILE] [--videos N] [--seed S] [--split NAME] [--pairs] ...`
public struct DataPreviewCommand: Command {
    /// Actions `zoo data` knows.
    static let actions = ["preview", "check"]
    /// Datasets that can be previewed.
    static let datasets = ["synthvtt", "synthfine"]

    public init() {}

    public var name: String { "data" }
    public var summary: String { "Check a dataset folder, or preview one: a contact sheet of videos and captions" }

    public var arguments: ArgumentSpec {
        ArgumentSpec(
            options: [
                .value("out", valueName: "FILE", help: "Where to write the sheet, .png or .svg (default preview.png)"),
                .value("videos", valueName: "N", help: "How many videos (synthfine: images) to show (default 6)"),
                .value("split", valueName: "NAME", help: "train, val or test (default test)"),
                .value("seed", valueName: "S", help: "The dataset seed (default 0)"),
                .value("frames", valueName: "F", help: "Frames per video (default 8)"),
                .value("size", valueName: "PIXELS", help: "Frame side in pixels (default 32)"),
                .value("scale", valueName: "K", help: "Enlarge each frame K times, nearest neighbour (default 3)"),
                .flag("pairs", help: "Show temporal hard-negative pairs, each video next to its twin (val, test)"),
                .flag("json", help: "check: print the report as JSON, with each split's (video, caption) pairs in order"),
                .value("words", valueName: "N", help: "check: the context length captions are measured against (default: the dataset's)"),
                .value("max-missing", valueName: "P", help: "check: the share of missing or broken videos a run tolerates (default 1%)"),
                .flag("no-decode", help: "check: do not decode the videos (faster; no undecodable files or frame counts)"),
            ] + ExperimentFlags.dataPaths,
            positionals: [
                PositionalSpec("ACTION", help: "What to do: check or preview"),
                PositionalSpec("DATASET", help: "check: msrvtt:DIR, msvd:DIR, lsmdc:DIR, didemo:DIR, activitynet:DIR or list:FILE; preview: synthvtt or synthfine"),
            ])
    }

    public var discussion: String {
        """
        Each row shows a video's index, its split and temporal twin if any, its captions, and
        its frames left to right. A .png sheet writes captions in a built-in 5x7 font; a .svg
        sheet embeds the frames as PNG images and the captions as text.

        `zoo data check` reads a dataset folder as training and evaluation will: every split (or
        --split S), its videos and captions, missing and undecodable videos, caption lengths
        against the context length and frames per video. It exits 1 when a split has more
        missing or broken videos than --max-missing allows.

        Examples:
          zoo data check msvd:/data/msvd
          zoo data check msrvtt:/data/msrvtt --split test-full --json > pairs.json
          zoo data preview synthvtt
          zoo data preview synthvtt --split train --videos 4 --out train.svg
          zoo data preview synthvtt --pairs --videos 8 --seed 7 --out pairs.png
          zoo data preview synthfine --videos 10 --out birds.png   (images, descriptions, phrases; PNG only)
        """
    }

    public func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        let action = arguments.positionals[0]
        guard Self.actions.contains(action) else {
            throw UsageError("unknown action \"\(action)\" for `zoo data`." + Suggestions.didYouMeanNearest(action, in: Self.actions))
        }
        if action == "check" { return try DataCheck.run(arguments, console: console) }
        let dataset = arguments.positionals[1].lowercased()
        if let stray = ["json", "words", "max-missing", "no-decode"].first(where: { arguments.givenOptions.contains($0) })
            ?? DataPathOption.all.map(\.name).first(where: { arguments.givenOptions.contains($0) }) {
            throw UsageError("--\(stray) applies to `zoo data check`, not `zoo data preview`")
        }
        guard Self.datasets.contains(dataset) else {
            throw RuntimeError("unknown dataset \"\(arguments.positionals[1])\"; `zoo data preview` knows \(Self.datasets.joined(separator: ", "))."
                               + Suggestions.didYouMeanNearest(dataset, in: Self.datasets, limit: 1))
        }
        if dataset == "synthfine" { return try previewSynthFine(arguments, console: console) }
        let splitName = arguments.value("split") ?? "test"
        guard let split = SynthVTT.Split(name: splitName) else {
            throw UsageError("--split must be train, val or test, got \"\(splitName)\"."
                             + Suggestions.didYouMean(splitName, in: ["train", "val", "test"]))
        }
        let count = try arguments.integer("videos", default: 6, in: 1...200)
        let scale = try arguments.integer("scale", default: 3, in: 1...16)
        var configuration = SynthVTTConfiguration()
        configuration.frames = try arguments.integer("frames", default: configuration.frames, in: 4...64)
        configuration.imageSize = try arguments.integer("size", default: configuration.imageSize, in: 16...512)
        if let text = arguments.value("seed") {
            guard let seed = UInt64(text) else { throw UsageError("--seed must be a non-negative integer, got \"\(text)\"") }
            configuration.seed = seed
        }
        let out = arguments.value("out") ?? "preview.png"
        let format = URL(fileURLWithPath: out).pathExtension.lowercased()
        guard format == "png" || format == "svg" else {
            throw UsageError("--out must end in .png or .svg, got \"\(out)\"")
        }

        let source = try SynthVTT.split(split, configuration: configuration)
        let videos = SynthVTTPreview.videos(in: source, count: count, pairs: arguments.flag("pairs"))
        guard !videos.isEmpty else {
            throw RuntimeError(arguments.flag("pairs")
                ? "\(source.name) has no temporal pairs; use --split test or --split val with --pairs"
                : "\(source.name) has no videos")
        }
        let url = URL(fileURLWithPath: out)
        if format == "svg" {
            let text = SynthVTTPreview.svg(source, videos: videos, scale: scale)
            try Data(text.utf8).write(to: url, options: .atomic)
        } else {
            try PNGWriter.write(SynthVTTPreview.contactSheet(source, videos: videos, scale: scale), to: url)
        }
        console.write("wrote \(out): \(videos.count) videos of \(source.name) (seed \(configuration.seed)), "
                      + "\(configuration.frames) frames of \(configuration.imageSize)x\(configuration.imageSize) at \(scale)x\n")
        console.write(source.summary + "\n")
        return ExitStatus.success
    }
}

extension DataPreviewCommand {
    /// `zoo data preview synthfine`: one row per image (`--videos N` of them) with its class,
    /// descriptions and phrases, as a PNG.
    private func previewSynthFine(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        let splitName = arguments.value("split") ?? "test"
        guard let split = SynthFine.Split(rawValue: splitName) else {
            throw UsageError("--split must be train or test for synthfine, got \"\(splitName)\"." + Suggestions.didYouMean(splitName, in: ["train", "test"]))
        }
        guard !arguments.flag("pairs") else { throw UsageError("--pairs applies to synthvtt only; synthfine has no temporal pairs") }
        let count = try arguments.integer("videos", default: 6, in: 1...200)
        let scale = try arguments.integer("scale", default: 4, in: 1...16)
        var configuration = SynthFineConfiguration()
        configuration.imageSize = try arguments.integer("size", default: configuration.imageSize, in: 16...512)
        if let text = arguments.value("seed") {
            guard let seed = UInt64(text) else { throw UsageError("--seed must be a non-negative integer, got \"\(text)\"") }
            configuration.seed = seed
        }
        let out = arguments.value("out") ?? "preview.png"
        guard URL(fileURLWithPath: out).pathExtension.lowercased() == "png" else {
            throw UsageError("--out must end in .png for synthfine (its sheet is PNG only), got \"\(out)\"")
        }
        let source = try SynthFineSource(split, configuration: configuration)
        let images = Array(0..<min(count, source.count))
        guard !images.isEmpty else { throw RuntimeError("\(source.name) has no images") }
        try PNGWriter.write(SynthFinePreview.contactSheet(source, images: images, scale: scale), to: URL(fileURLWithPath: out))
        console.write("wrote \(out): \(images.count) images of \(source.name) (seed \(configuration.seed)), "
                      + "\(configuration.imageSize)x\(configuration.imageSize) at \(scale)x\n")
        console.write(source.summary + "\n")
        return ExitStatus.success
    }
}
