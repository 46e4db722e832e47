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
            ] + [NonFiniteOption.spec],
            positionals: [PositionalSpec("MODEL", help: "A contrastive image–text model's registry name (`zoo list --kind model --family retrieval`)")])
    }

    public var discussion: String {
        """
        Embeddings are L2-normalised: text_embeds [Nt, D], image_embeds [Ni, D]; with both,
        logits_per_text [Nt, Ni] = exp(logit_scale) · text · imageᵀ. Images get CLIP's
        preprocessing (bicubic resize of the short side, centre crop, mean/std).

        Examples:
          zoo embed clip-vit-b32 --weights ViT-B-32.safetensors --text "a dog" --image dog.jpg --json
          zoo embed clip-tiny --weights ./tiny-clip --text "a dog" --image x.ppm --out embeds.safetensors
        """
    }

    public func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        try NonFiniteOption.run(arguments) { try execute(arguments, console: console) }
    }

    private func execute(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        let name = arguments.positionals[0].lowercased()
        guard let weights = arguments.value("weights") else { throw UsageError("--weights PATH is required (an HF directory or a .safetensors file)") }
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
}
