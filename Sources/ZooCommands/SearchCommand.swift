// `zoo search INDEX QUERY…`: the videos of an index that best match text queries (or a video of
// the index, or an image), ranked by the model that made the index.
import Foundation
import ZooCommandLine
import ZooCore
import ZooData
import ZooManifest
import ZooTensor

/// `zoo search INDEX [QUERY…] [--queries FILE] [--video ID] [--image FILE] [--top K] [--rerank N] [--json] [--html FILE]`
public struct SearchCommand: Command {
    let registry: Registry
    let ffmpeg: FFmpeg

    public init(registry: Registry, ffmpeg: FFmpeg = FFmpeg()) {
        self.registry = registry
        self.ffmpeg = ffmpeg
    }

    public var name: String { "search" }
    public var summary: String { "Search an index (zoo index) by text, by one of its videos, or by an image" }

    public var arguments: ArgumentSpec {
        ArgumentSpec(
            options: [
                .value("queries", valueName: "FILE", help: "More text queries, one per line (all queries go through one matrix product)"),
                .value("video", valueName: "ID", help: "Videos like this video of the index"),
                .value("image", valueName: "FILE", help: "Videos like this image (through the model's image encoder)"),
                .value("top", valueName: "K", help: "Results per query (default 10)"),
                .value("rerank", valueName: "N", help: "Re-ranking indexes (heads whose score needs the caption): candidates the head re-scores (default 100)"),
                .flag("json", help: "Print the results as JSON"),
                .value("html", valueName: "FILE", help: "Also write a self-contained page with thumbnails, scores and ids"),
                OutputFile.forceOption,
            ],
            positionals: [
                PositionalSpec("INDEX", help: "An index folder made by zoo index"),
                PositionalSpec("QUERY", arity: .variadic, help: "Text queries"),
            ])
    }

    public var discussion: String {
        """
        The index's model is loaded from the weights it records (their checksum must match).
        Scores are the model's: cosine similarity for vector indexes, the head's score after
        re-ranking; ties keep the index's order.

        Examples:
          zoo search my-index "a dog catches a frisbee" "waves on a beach" --top 5
          zoo search my-index --queries queries.txt --json > results.json
          zoo search my-index "a red car" --html results.html
          zoo search my-index --video clips/beach.mp4
        """
    }

    public func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        let folder = URL(fileURLWithPath: arguments.positionals[0])
        var texts = Array(arguments.positionals.dropFirst())
        if let file = arguments.value("queries") {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw RuntimeError("cannot read --queries '\(file)': \((error as NSError).localizedDescription)")
            }
            texts += text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let video = arguments.value("video"), image = arguments.value("image")
        guard !texts.isEmpty || video != nil || image != nil else { throw UsageError("give a text QUERY, --queries FILE, --video ID or --image FILE") }
        let top = try arguments.integer("top", default: 10, in: 1...100_000)
        let rerank = try arguments.integer("rerank", default: 100, in: 1...10_000_000)
        if let html = arguments.value("html") {
            try OutputFile.check(html, inputs: [folder.appendingPathComponent("index.json").path], force: arguments.flag("force"))
        }

        let index = try VideoIndex.load(folder)
        let record = index.record
        let found = try ContentChecksum.of(URL(fileURLWithPath: record.weights))
        guard found == record.weightsChecksum else { throw SearchError.weightsChanged(path: record.weights, recorded: record.weightsChecksum, found: found) }
        var experiment = try Experiment(resolving: record.model, in: registry)
        experiment.student.weights = record.weights
        experiment.data = DataOptions(dataset: "features:\(record.features)", frames: record.framesPerVideo)
        if let backbone = record.backbone { experiment.backbone = ModelSpec(name: backbone) }
        let (built, _) = try BuiltRun.studentModel(experiment, registry: registry)
        guard let model = built.retrieval else { throw RuntimeError("\(record.model) is not a retrieval model") }
        let search = VideoSearch(index: index, model: model, tokenizer: try CLIPTokenizer.shared())

        var sections: [SearchPage.Section] = []
        for (text, hits) in zip(texts, try search.search(texts: texts, top: top, rerank: rerank)) {
            sections.append(.init(query: text, hits: hits))
        }
        if let video { sections.append(.init(query: "videos like \(video)", hits: try search.search(videoID: video, top: top))) }
        if let image {
            guard let size = built.frameSize else { throw RuntimeError("\(record.model) has no image encoder for --image") }
            let pixels = try CLIPPreprocessing(imageSize: size)(RGBImage(contentsOf: URL(fileURLWithPath: image), ffmpeg: ffmpeg))
            sections.append(.init(query: "videos like \(image)", hits: try search.search(imagePixels: pixels.expandingDimension(at: 0).expandingDimension(at: 0), top: top)))
        }

        if arguments.flag("json") {
            struct Output: Encodable {
                struct Result: Encodable { var query: String; var hits: [SearchHit] }
                var index: String; var model: String; var kind: String; var results: [Result]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let output = Output(index: folder.path, model: record.model, kind: record.kind,
                                results: sections.map { .init(query: $0.query, hits: $0.hits) })
            console.write(String(decoding: try encoder.encode(output), as: UTF8.self) + "\n")
        } else {
            for section in sections {
                console.write("\(section.query)\n")
                for hit in section.hits { console.write(String(format: "  %3d  %8.4f  %@\n", hit.rank, hit.score, hit.id)) }
            }
        }
        if let html = arguments.value("html") {
            let files = record.files ?? [:]
            let page = SearchPage.html(title: "zoo search: \(folder.lastPathComponent)",
                                       subtitle: "\(record.model) over \(record.count) videos (\(record.kind) index)", sections: sections) { id in
                files[id].flatMap { SearchPage.thumbnail(of: $0, ffmpeg: ffmpeg) }
            }
            try Data(page.utf8).write(to: URL(fileURLWithPath: html), options: .atomic)
            if !arguments.flag("json") { console.write("wrote \(html)\n") }
        }
        return ExitStatus.success
    }
}
