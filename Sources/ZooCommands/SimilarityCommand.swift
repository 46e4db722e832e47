// `zoo similarity`: runs a similarity head (CLIP4Clip's calculators and their successors) on
// precomputed features, with the head's weights from a safetensors file, and writes the logits.
import Foundation
import ZooCommandLine
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor

/// `zoo similarity HEAD --weights W.safetensors --inputs I.safetensors [--set KEY=VALUE]... [--out O.safetensors | --json]`
public struct SimilarityCommand: Command {
    let registry: Registry

    public init(registry: Registry) { self.registry = registry }

    public var name: String { "similarity" }
    public var summary: String { "Score text features against video features with a similarity head" }

    public var arguments: ArgumentSpec {
        ArgumentSpec(
            options: [
                .value("weights", valueName: "PATH", help: "The head's weights (.safetensors, official key names), loaded strictly"),
                .value("inputs", valueName: "PATH", help: "Features (.safetensors): text [Bt,D], frames [Bv,F,D], video_mask [Bv,F]; words, attention_mask when the head uses them"),
                .value("out", valueName: "FILE", help: "Write logits [Bt,Bv] to this .safetensors file"),
                OutputFile.forceOption,
                .flag("json", help: "Print logits as JSON"),
                .repeated("set", valueName: "KEY=VALUE", help: "Override a config value the weights cannot tell (e.g. heads=8, layers=4)"),
            ] + [NonFiniteOption.spec],
            positionals: [PositionalSpec("HEAD", help: "A similarity head's registry name (`zoo list --kind head`)")])
    }

    public var discussion: String {
        """
        The head is built from its zoo.json config; embedDim and frames are read from the inputs,
        everything else (heads, layers, ...) comes from the config or --set. video_mask defaults
        to all ones. The weights must match the head exactly: a missing, unused or misshapen key
        is an error that names it.

        Examples:
          zoo similarity clip4clip-seqtransf --weights head.safetensors --inputs feats.safetensors --json
          zoo similarity clip4clip-tighttransf --weights tight.safetensors --inputs feats.safetensors \\
              --set layers=4 --set heads=8 --out logits.safetensors
        """
    }

    public func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        try NonFiniteOption.run(arguments) { try execute(arguments, console: console) }
    }

    private func execute(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        let name = arguments.positionals[0].lowercased()
        guard let weights = arguments.value("weights") else { throw UsageError("--weights PATH is required (the head's .safetensors file)") }
        guard let inputsPath = arguments.value("inputs") else {
            throw UsageError("--inputs PATH is required (.safetensors with text [Bt,D], frames [Bv,F,D], video_mask [Bv,F])")
        }
        guard arguments.value("out") != nil || arguments.flag("json") else { throw UsageError("choose an output: --out FILE.safetensors and/or --json") }
        if let out = arguments.value("out") {
            try OutputFile.check(out, inputs: [weights, inputsPath], force: arguments.flag("force"))
        }
        let entry = try registry.entry(name)
        guard entry.kind == .head else {
            throw RuntimeError("\(name) is a \(entry.kind.rawValue), not a similarity head; `zoo similarity` needs one (`zoo list --kind head`)")
        }
        let (text, video) = try Self.readFeatures(URL(fileURLWithPath: inputsPath))
        // Sizes the inputs tell come first, so that an explicit --set still wins.
        var settings: [String] = []
        let sizes = try registry.config(for: name)
        if sizes.has("embedDim") { settings.append("embedDim=\(text.sentence.shape[1])") }
        if sizes.has("frames") { settings.append("frames=\(video.frames.shape[1])") }
        let overrides = try ConfigOverrides(arguments: settings + arguments.values("set")).overrides()
        let module = try registry.createPretrained(name, weights: URL(fileURLWithPath: weights), overrides: overrides)
        guard let head = module as? any SimilarityHead else {
            throw RuntimeError("\(name) did not build a similarity head")
        }
        head.eval()
        try head.validate(text: text, video: video)
        let logits = try noGrad { try head.similarity(text: text, video: video).require(.logits, from: name) }
        if let out = arguments.value("out") {
            var writer = SafetensorsWriter(metadata: ["head": name, "weights": weights, "inputs": inputsPath])
            try writer.add("logits", floats: logits.scalars, shape: logits.shape)
            try writer.write(to: URL(fileURLWithPath: out))
            if !arguments.flag("json") { console.write("wrote logits \(logits.shape) to \(out)\n") }
        }
        if arguments.flag("json") {
            let logitsNode = JSONNode.object(["shape": .array(logits.shape.map { .number($0) }), "values": EmbedCommand.rows(logits)])
            console.write(JSONWriter.pretty(.object(members: [JSONNode.Member(key: "logits", value: logitsNode)])))
        }
        return ExitStatus.success
    }

    /// text, frames and video_mask (all ones when absent), plus words and attention_mask when present.
    static func readFeatures(_ url: URL) throws -> (TextFeatures, VideoFeatures) {
        let file = try SafetensorsFile(contentsOf: url)
        func require(_ key: String, rank: Int) throws -> Tensor {
            guard file.entry(key) != nil else {
                throw RuntimeError("\(url.lastPathComponent) has no '\(key)'; it holds \(file.names.joined(separator: ", ")). Expected text [Bt,D], frames [Bv,F,D], video_mask [Bv,F].")
            }
            let tensor = try file.tensor(key)
            guard tensor.rank == rank else { throw RuntimeError("\(url.lastPathComponent): '\(key)' has shape \(tensor.shape), expected rank \(rank)") }
            // A NaN or infinity would spread through every score of its row and column.
            // (Masks are checked to be 0 or 1 below, with or without --allow-nonfinite.)
            if !NonFiniteValues.accepted, let bad = tensor.scalars.firstIndex(where: { !$0.isFinite }) {
                throw RuntimeError("\(url.lastPathComponent): '\(key)' holds \(tensor.scalars[bad]) at flat index \(bad); features must be finite numbers (re-extract them; --allow-nonfinite scores them anyway)")
            }
            return tensor
        }
        let sentence = try require("text", rank: 2), frames = try require("frames", rank: 3)
        let mask = file.entry("video_mask") != nil ? try require("video_mask", rank: 2) : Tensor.ones(Array(frames.shape.prefix(2)))
        guard frames.shape[2] == sentence.shape[1], mask.shape == Array(frames.shape.prefix(2)) else {
            throw RuntimeError("\(url.lastPathComponent): text \(sentence.shape), frames \(frames.shape) and video_mask \(mask.shape) do not fit [Bt,D], [Bv,F,D], [Bv,F]")
        }
        guard sentence.shape[0] > 0, frames.shape[0] > 0, frames.shape[1] > 0, sentence.shape[1] > 0 else {
            throw RuntimeError("\(url.lastPathComponent): text \(sentence.shape) and frames \(frames.shape) hold no caption, video, frame or feature; there is nothing to score")
        }
        // A mask is 1 for a real frame and 0 for padding, and every video has a real frame.
        let maskValues = mask.scalars, frameCount = frames.shape[1]
        if let bad = maskValues.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            throw RuntimeError("\(url.lastPathComponent): video_mask[\(bad / frameCount)][\(bad % frameCount)] is \(maskValues[bad]); a mask holds 1 for real frames and 0 for padding")
        }
        if let empty = (0..<frames.shape[0]).first(where: { row in !maskValues[(row * frameCount)..<((row + 1) * frameCount)].contains(1) }) {
            throw RuntimeError("\(url.lastPathComponent): video \(empty) has no real frame (its video_mask is all 0)")
        }
        let words = file.entry("words") != nil ? try require("words", rank: 3) : nil
        let wordMask = file.entry("attention_mask") != nil ? try require("attention_mask", rank: 2) : nil
        return (TextFeatures(sentence: sentence, tokens: words, mask: wordMask), VideoFeatures(frames: frames, mask: mask))
    }
}
