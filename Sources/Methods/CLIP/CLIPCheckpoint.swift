// Loading the CLIP checkpoints people have: an OpenAI-layout state dict (the zoo's own layout)
// or a Hugging Face `CLIPModel` directory, with no missing and no unused keys.
import Foundation
import ZooCore
import ZooNN
import ZooTensor

/// Why a CLIP checkpoint could not be used.
public enum CLIPCheckpointError: Error, CustomStringConvertible, Equatable {
    case badConfig(String, String)
    case missingKey(String, String)
    case noWeights(String)

    public var description: String {
        switch self {
        case let .badConfig(source, problem):
            return "\(source): \(problem). Pass a Hugging Face CLIPModel directory (config.json + model.safetensors) or an OpenAI-layout .safetensors file."
        case let .missingKey(source, key):
            return "\(source) has no '\(key)': it is not an OpenAI-layout CLIP state dict. For a Hugging Face export pass its directory (with config.json)."
        case let .noWeights(directory):
            return "\(directory) has no model.safetensors. Export the weights with `model.save_pretrained(dir, safe_serialization=True)`, or convert the .bin with the safetensors package."
        }
    }
}

public enum CLIPCheckpoint {
    /// Builds a CLIP model from `url`: a directory with `config.json` + `model.safetensors`
    /// (Hugging Face layout) or a `.safetensors` file in OpenAI's layout, whose sizes are read
    /// off the shapes and whose head counts come from `base` (the registry config).
    public static func load(_ url: URL, base: CLIPConfiguration) throws -> CLIPModel {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw CLIPCheckpointError.badConfig(url.path, "no such file or directory")
        }
        if isDirectory.boolValue {
            let configURL = url.appendingPathComponent("config.json")
            guard let data = FileManager.default.contents(atPath: configURL.path) else {
                throw CLIPCheckpointError.badConfig(url.path, "the directory has no config.json")
            }
            let configuration = try CLIPConfiguration(huggingFaceConfig: data, source: configURL.lastPathComponent)
            let weightsURL = url.appendingPathComponent("model.safetensors")
            guard FileManager.default.fileExists(atPath: weightsURL.path) else { throw CLIPCheckpointError.noWeights(url.path) }
            let state = try openAIState(fromHuggingFace: try SafetensorsFile(contentsOf: weightsURL).tensors())
            let model = CLIPModel(configuration)
            try model.load(state: state, source: weightsURL.lastPathComponent)
            return model
        }
        let state = try SafetensorsFile(contentsOf: url).tensors()
        let model = CLIPModel(try CLIPConfiguration(openAIState: state, headsFrom: base, source: url.lastPathComponent))
        try model.load(state: state, source: url.lastPathComponent)
        return model
    }

    /// Renames a Hugging Face `CLIPModel` state dict into OpenAI's layout: fuses q/k/v into
    /// `in_proj_*`, transposes the two projections to `[width, embed]`, and drops the
    /// `position_ids` buffers (indices, not weights). Unknown keys are kept as they are, so the
    /// strict load reports them as unused.
    public static func openAIState(fromHuggingFace hf: [String: Tensor]) throws -> [String: Tensor] {
        var state: [String: Tensor] = [:]
        var pending: [String: [String: Tensor]] = [:]   // block prefix → q/k/v pieces
        for (key, tensor) in hf {
            if key.hasSuffix("position_ids") { continue }
            if let (prefix, piece) = attentionPiece(key) {
                pending[prefix, default: [:]][piece] = tensor
                continue
            }
            state[rename(key), default: tensor] = key.hasSuffix("projection.weight") ? noGrad { tensor.transposed() } : tensor
        }
        for (prefix, pieces) in pending {
            for kind in ["weight", "bias"] {
                let parts = ["q", "k", "v"].compactMap { pieces["\($0)_proj.\(kind)"] }
                guard parts.count == 3 else {
                    for (piece, tensor) in pieces where piece.hasSuffix(kind) { state["\(prefix).self_attn.\(piece)"] = tensor }
                    continue
                }
                state["\(prefix).attn.in_proj_\(kind)"] = Tensor.concatenate(parts, axis: 0)
            }
        }
        return state
    }

    /// `text_model.encoder.layers.3.self_attn.q_proj.weight` → ("transformer.resblocks.3", "q_proj.weight").
    private static func attentionPiece(_ key: String) -> (String, String)? {
        for piece in ["q_proj.weight", "k_proj.weight", "v_proj.weight", "q_proj.bias", "k_proj.bias", "v_proj.bias"]
        where key.hasSuffix("self_attn." + piece) {
            let layerKey = String(key.dropLast(("self_attn." + piece).count + 1))
            return (rename(layerKey), piece)
        }
        return nil
    }

    private static let renames: [(String, String)] = [
        ("text_model.embeddings.token_embedding.", "token_embedding."),
        ("text_model.embeddings.position_embedding.weight", "positional_embedding"),
        ("text_model.encoder.layers.", "transformer.resblocks."),
        ("text_model.final_layer_norm.", "ln_final."),
        ("text_projection.weight", "text_projection"),
        ("vision_model.embeddings.class_embedding", "visual.class_embedding"),
        ("vision_model.embeddings.patch_embedding.", "visual.conv1."),
        ("vision_model.embeddings.position_embedding.weight", "visual.positional_embedding"),
        ("vision_model.pre_layrnorm.", "visual.ln_pre."),
        ("vision_model.encoder.layers.", "visual.transformer.resblocks."),
        ("vision_model.post_layernorm.", "visual.ln_post."),
        ("visual_projection.weight", "visual.proj"),
        (".self_attn.out_proj.", ".attn.out_proj."),
        (".layer_norm1.", ".ln_1."), (".layer_norm2.", ".ln_2."),
        (".mlp.fc1.", ".mlp.c_fc."), (".mlp.fc2.", ".mlp.c_proj."),
    ]

    private static func rename(_ key: String) -> String {
        var result = key
        for (from, to) in renames where result.contains(from) {
            result = result.replacingOccurrences(of: from, with: to)
        }
        return result
    }
}
