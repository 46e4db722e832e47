// `zoo embed`: CLIP-style text and image embeddings (and their logits) from a checkpoint the
// user already has, written as safetensors or printed as JSON.
import Foundation
import ZooCommandLine
import ZooCore
import ZooData
import ZooManifest
import ZooNN
import ZooTensor

/// `zoo embed MODEL --weights PATH [--text T]... [--image FILE]... [--out FILE] [--json] [--set K=V]...`
public struct EmbedCommand: Command {
    let registry: Registry
    let ffmpeg: FFmpeg

    /// `ffmpeg` decodes non-PPM images; tests point it elsewhere to check the missing-ffmpeg path.
    public init(registry: Registry, ffmpeg: FFmpeg = FFmpeg()) {
        self.registry = registry
        self.ffmpeg = ffmpeg
    }

    public var name: String { "embed" }
    public var summary: String { "Embed captions and images with a contrastive image–text model" }

    public var arguments: ArgumentSpec {
        ArgumentSpec(
            options: [
                .value("weights", valueName: "PATH", help: "Hugging Face directory (config.json + model.safetensors) or a .safetensors file"),
                .repeated("text", valueName: "T", help: "A caption to embed"),
                .repeated("image", valueName: "FILE", help: "An image: PPM/PGM natively, anything else through ffmpeg"),
                .value("out", valueName: "FILE", help: "Write text_embeds, image_embeds, logits_per_text to this .safetensors file"),
                OutputFile.forceOption,
                .flag("json", help: "Print the same tensors as JSON"),
                .repeated("set", valueName: "KEY=VALUE", help: "Override a config value the weights cannot tell (e.g. visionHeads=12)"),
                .value("videos", valueName: "SOURCE", help: "Embed a collection: a folder (searched recursively) or a .csv/.jsonl list of path[,id][,caption][,split]; --out is then a folder"),
                .value("images", valueName: "SOURCE", help: "The same for still images (one frame each)"),
                .value("frames", valueName: "F", help: "--videos: frames per video, at 1 per second as the official retrieval loaders sample them (default 12)"),
                .value("workers", valueName: "N", help: "--videos/--images: decoding processes running ahead of the encoder (default: the cores, at most 4)"),
                .value("batch", valueName: "N", help: "--videos/--images: videos per encoder batch, the unit a resumed run redoes (default 16)"),
            ] + [NonFiniteOption.spec],
            positionals: [PositionalSpec("MODEL", help: "A contrastive image–text model's registry name (`zoo list --kind model --family retrieval`)")])
    }

    public var discussion: String {
        """
        Embeddings are L2-normalised: text_embeds [Nt, D], image_embeds [Ni, D]; with both,
        logits_per_text [Nt, Ni] = exp(logit_scale) · text · imageᵀ. Images get CLIP's
        preprocessing (bicubic resize of the short side, centre crop, mean/std).

        With --videos SOURCE (or --images SOURCE), --out DIR becomes a `features:DIR` folder:
        features.safetensors (one [frames, D] tensor per video, named by its id: the path relative
        to the folder, or the list's id), skipped.jsonl (files that could not be decoded, with the
        reason), captions.json (when the list has captions) and embedding.json (what made it).
        Decoding runs ahead of encoding in several ffmpeg processes; a run that is killed continues
        where it stopped when started again with the same arguments.

        Examples:
          zoo embed clip-vit-b32 --weights ViT-B-32.safetensors --text "a dog" --image dog.jpg --json
          zoo embed clip-vit-b32 --weights ViT-B-32.safetensors --videos ~/videos --out my-features
          zoo eval clip4clip-meanp --weights meanp.safetensors --data features:my-features
          zoo embed clip-tiny --weights ./tiny-clip --text "a dog" --image x.ppm --out embeds.safetensors
        """
    }

    public func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        try NonFiniteOption.run(arguments) { try execute(arguments, console: console) }
    }

    private func execute(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        let name = arguments.positionals[0].lowercased()
        guard let weights = arguments.value("weights") else { throw UsageError("--weights PATH is required (an HF directory or a .safetensors file)") }
        if arguments.value("videos") != nil || arguments.value("images") != nil {
            return try embedCollection(arguments, model: name, weights: weights, console: console)
        }
        if let stray = ["frames", "workers", "batch"].first(where: { arguments.value($0) != nil }) {
            throw UsageError("--\(stray) applies to --videos or --images")
        }
        let texts = arguments.values("text"), images = arguments.values("image")
        guard !texts.isEmpty || !images.isEmpty else { throw UsageError("give at least one --text or --image") }
        guard arguments.value("out") != nil || arguments.flag("json") else { throw UsageError("choose an output: --out FILE.safetensors and/or --json") }
        if let out = arguments.value("out") {
            try OutputFile.check(out, inputs: arguments.values("weights") + arguments.values("image"), force: arguments.flag("force"))
        }
        let overrides = try ConfigOverrides(arguments: arguments.values("set")).overrides()
        let module = try registry.createPretrained(name, weights: URL(fileURLWithPath: weights), overrides: overrides)
        guard let model = module as? any ContrastiveModel else {
            throw RuntimeError("\(name) is not a contrastive image–text model; `zoo embed` needs one (`zoo list --kind model --family retrieval`)")
        }
        model.eval()
        var outputs: [(String, Tensor)] = []
        try noGrad {
            var textEmbeds: Tensor?, imageEmbeds: Tensor?
            if !texts.isEmpty {
                let ids = try CLIPTokenizer.shared().encode(texts, truncate: false, contextLength: model.contextLength)
                textEmbeds = model.encodeText(ids).sentence.l2Normalized()
                outputs.append(("text_embeds", textEmbeds!))
            }
            if !images.isEmpty {
                let preprocessing = CLIPPreprocessing(imageSize: model.imageSize)
                let pixels = try images.map { path -> Tensor in
                    try preprocessing(RGBImage(contentsOf: URL(fileURLWithPath: path), ffmpeg: ffmpeg))
                }
                let batch = Tensor.stack(pixels).expandingDimension(at: 1)   // [N, 1, 3, S, S]: one-frame videos
                let frames = model.encodeVideo(pixels: batch, mask: Tensor.ones([images.count, 1])).frames
                imageEmbeds = frames.select(axis: 1, index: 0).l2Normalized()
                outputs.append(("image_embeds", imageEmbeds!))
            }
            if let t = textEmbeds, let v = imageEmbeds {
                outputs.append(("logits_per_text", Tensor.matmul(t, v, transposeB: true) * model.logitScale.exp()))
            }
        }
        if let out = arguments.value("out") {
            var writer = SafetensorsWriter(metadata: ["model": name, "weights": weights])
            for (key, tensor) in outputs { try writer.add(key, floats: tensor.scalars, shape: tensor.shape) }
            try writer.write(to: URL(fileURLWithPath: out))
            if !arguments.flag("json") { console.write("wrote \(outputs.map { "\($0.0) \($0.1.shape)" }.joined(separator: ", ")) to \(out)\n") }
        }
        if arguments.flag("json") {
            let members = outputs.map { key, tensor in
                JSONNode.Member(key: key, value: .object(["shape": .array(tensor.shape.map { .number($0) }),
                                                           "values": Self.rows(tensor)]))
            }
            console.write(JSONWriter.pretty(.object(members: members)))
        }
        return ExitStatus.success
    }

    /// A 2-D tensor as an array of rows of numbers.
    static func rows(_ tensor: Tensor) -> JSONNode {
        let columns = tensor.shape.last ?? 1
        let values = tensor.scalars
        return .array(stride(from: 0, to: values.count, by: columns).map { start in
            // JSON has no NaN or infinity: a non-finite value is written null (docs/cli-json.md).
            .array(values[start..<(start + columns)].map { $0.isFinite ? JSONNode(.number(String($0))) : .null })
        })
    }

    /// `--videos SOURCE` / `--images SOURCE`: the collection into a `features:` folder.
    private func embedCollection(_ arguments: ParsedArguments, model name: String, weights: String, console: Console) throws -> Int32 {
        let isImages = arguments.value("images") != nil
        guard !(isImages && arguments.value("videos") != nil) else { throw UsageError("give --videos or --images, not both") }
        guard arguments.values("text").isEmpty, arguments.values("image").isEmpty, !arguments.flag("json") else {
            throw UsageError("--videos/--images embed a collection into a folder; --text, --image and --json are for single inputs")
        }
        guard let out = arguments.value("out") else { throw UsageError("--videos/--images need --out DIR, the features folder to write") }
        let source = URL(fileURLWithPath: arguments.value(isImages ? "images" : "videos") ?? "")
        let frames = isImages ? 1 : try arguments.integer("frames", default: 12, in: 1...1024)
        if isImages, arguments.value("frames") != nil { throw UsageError("--frames applies to --videos; an image is one frame") }
        let workers = try arguments.integer("workers", default: Swift.min(4, Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)), in: 1...64)
        let batch = try arguments.integer("batch", default: 16, in: 1...4096)
        let items = try VideoCollection.items(source, extensions: isImages ? VideoCollection.imageExtensions : VideoCollection.videoExtensions)
        guard !items.isEmpty else {
            throw RuntimeError("no \(isImages ? "image" : "video") files under '\(source.path)' (looked for "
                               + (isImages ? VideoCollection.imageExtensions : VideoCollection.videoExtensions).sorted().joined(separator: ", ") + ")")
        }
        let outURL = URL(fileURLWithPath: out)
        let overrides = try ConfigOverrides(arguments: arguments.values("set")).overrides()
        let module = try registry.createPretrained(name, weights: URL(fileURLWithPath: weights), overrides: overrides)
        guard let model = module as? any ContrastiveModel else {
            throw RuntimeError("\(name) is not a contrastive image–text model; `zoo embed` needs one (`zoo list --kind model --family retrieval`)")
        }
        // The absolute path, so the same command from another folder resumes the same embedding.
        let record = EmbeddingRecord(model: name, weights: URL(fileURLWithPath: weights).standardizedFileURL.path, weightsChecksum: try ContentChecksum.of(URL(fileURLWithPath: weights)),
                                     framesPerVideo: frames, imageSize: model.imageSize, videosPerBatch: batch, items: items,
                                     kind: isImages ? "images" : "videos")
        var embedder = VideoEmbedder(items: items, encoder: model, decoder: VideoDecoder(framesPerVideo: frames, imageSize: model.imageSize, ffmpeg: ffmpeg),
                                     record: record, workers: workers)
        if isatty(STDERR_FILENO) == 1 {
            embedder.progress = { done, total, seconds in
                let rate = Double(done) / Swift.max(seconds, 1e-9)
                let left = rate > 0 ? Int((Double(total - done) / rate).rounded()) : 0
                console.writeError(String(format: "\r\u{1B}[Kembedded %d/%d, %.1f/s, %dm%02ds left", done, total, rate, left / 60, left % 60))
            }
        }
        InterruptRequest.installSignalHandler(message: "stopping after this batch (Ctrl-C again quits now)")
        let summary: EmbeddingSummary
        do { summary = try embedder.run(into: outURL) } catch let EmbeddingError.interrupted(done, total) {
            console.writeError("\nzoo embed: stopped after \(done) of \(total); run the same command again to continue\n")
            return 130
        }
        if embedder.progress != nil { console.writeError("\r\u{1B}[K") }
        let what = isImages ? "images" : "videos"
        if summary.wasComplete {
            console.write("\(out) already holds this embedding: \(summary.embedded) \(what), \(summary.skipped.count) skipped\n")
        } else {
            console.write(String(format: "embedded %d of %d %@ into %@/features.safetensors in %.1f s (%.1f %@/s)\n", summary.embedded, items.count,
                                 what, out, summary.seconds, Double(summary.embedded) / Swift.max(summary.seconds, 1e-9), what))
        }
        if !summary.skipped.isEmpty {
            console.write("skipped \(summary.skipped.count) (listed in \(out)/skipped.jsonl):\n"
                          + summary.skipped.map { "  \($0.id): \($0.reason)\n" }.joined())
        }
        return ExitStatus.success
    }
}
