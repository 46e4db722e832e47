// The runner of similarity-head parity cases, shared by every head's tests (CLIP4Clip's four,
// X-CLIP, TeachCLIP's student): build the head from the registry, load its weights strictly, run
// it, back-propagate ½[CrossEn(S) + CrossEn(Sᵀ)] and report every tap, the loss and every gradient.
import Foundation
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor

public enum HeadParity {
    /// Fixture output names → the taps that produce them (a tap named like the output is found too).
    public static let tapsByOutputName: [String: Tap] = [
        "logits": .logits, "text_embedding": .textEmbedding, "video_embedding": .videoEmbedding,
        "visual_out": .encodedFrames, "pooled": Tap("pooled"),
    ]

    /// The head sizes a case's `config` fixes, as overrides limited to the keys the entry has.
    public static let defaultSizes: [(entryKey: String, caseKey: String)] = [
        ("embedDim", "D"), ("frames", "F"), ("layers", "layers"), ("heads", "heads"),
    ]

    /// `--set` style overrides for `sizes`.
    public static func overrides(_ parity: ParityCase, registry: Registry,
                                 sizes: [(entryKey: String, caseKey: String)] = defaultSizes) throws -> JSONNode? {
        let entryConfig = try registry.config(for: parity.name)
        let arguments: [String] = sizes.compactMap { key, caseKey in
            guard entryConfig.has(key), let value = parity.config[caseKey] as? Int else { return nil }
            return "\(key)=\(value)"
        }
        return try ConfigOverrides(arguments: arguments).overrides()
    }

    /// Runs a head case: `text`, `frames`, `video_mask` (and `words`, `attention_mask` when present).
    public static func run(_ parity: ParityCase, gradInputs: [String], registry: Registry, overrides: JSONNode? = nil) throws -> [String: Tensor] {
        let head = try registry.createHead(parity.name, overrides: try overrides ?? Self.overrides(parity, registry: registry))
        head.eval()
        try head.load(state: parity.weights, source: "\(parity.name)/weights.safetensors")
        var inputs: [String: Tensor] = [:]
        for name in ["text", "frames", "video_mask", "words", "attention_mask"] where parity.inputs.entry(name) != nil {
            inputs[name] = try parity.inputs.tensor(name)
            if gradInputs.contains(name) { inputs[name]!.requiresGrad = true }
        }
        let text = TextFeatures(sentence: inputs["text"]!, tokens: inputs["words"], mask: inputs["attention_mask"])
        let outputs = head.similarity(text: text, video: VideoFeatures(frames: inputs["frames"]!, mask: inputs["video_mask"]!))
        var produced: [String: Tensor] = [:]
        for (name, tap) in tapsByOutputName { produced[name] = outputs[tap] }
        for name in parity.outputs.keys where produced[name] == nil { produced[name] = outputs[Tap(name)] }
        let loss = try outputs.require(.logits, from: parity.name).symmetricCrossEntropy()
        loss.backward()
        produced["loss"] = loss
        for (key, tensor, _) in head.namedTensors() {
            // A parameter the loss does not reach (and a buffer) has gradient zero, as the fixtures store it.
            produced["grad.\(key)"] = tensor.grad ?? Tensor.zeros(tensor.shape)
        }
        for name in gradInputs { if let input = inputs[name] { produced["grad.input.\(name)"] = input.grad ?? Tensor.zeros(input.shape) } }
        return produced
    }
}
