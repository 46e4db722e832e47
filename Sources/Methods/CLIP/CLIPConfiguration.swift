// CLIP's architecture hyper-parameters, from zoo.json, from a Hugging Face config.json, or
// inferred from the shapes of an OpenAI-layout state dict.
import Foundation
import ZooCore
import ZooTensor

/// Every size that fixes a CLIP model's parameter shapes.
public struct CLIPConfiguration: Sendable, Equatable {
    public var imageSize: Int
    public var patchSize: Int
    public var visionWidth: Int
    public var visionLayers: Int
    public var visionHeads: Int
    public var visionMLPWidth: Int
    public var textWidth: Int
    public var textLayers: Int
    public var textHeads: Int
    public var textMLPWidth: Int
    public var contextLength: Int
    public var vocabSize: Int
    public var embedDim: Int
    public var layerNormEps: Float
    public var logitScaleInit: Float

    /// Patches per side.
    public var gridSize: Int { imageSize / patchSize }

    /// From a zoo.json `config` (keys as in zoo.schema.json's CLIP entries).
    public init(config: ModelConfig) throws {
        imageSize = try config.positiveInt("imageSize")
        patchSize = try config.positiveInt("patchSize")
        visionWidth = try config.positiveInt("visionWidth")
        visionLayers = try config.positiveInt("visionLayers")
        visionHeads = try config.positiveInt("visionHeads")
        textWidth = try config.positiveInt("textWidth")
        textLayers = try config.positiveInt("textLayers")
        textHeads = try config.positiveInt("textHeads")
        contextLength = try config.positiveInt("contextLength")
        vocabSize = try config.positiveInt("vocabSize")
        embedDim = try config.positiveInt("embedDim")
        let ratio = try config.positiveInt("mlpRatio", default: 4)
        visionMLPWidth = ratio * visionWidth
        textMLPWidth = ratio * textWidth
        layerNormEps = try config.float("layerNormEps", default: 1e-5)
        logitScaleInit = try config.float("logitScaleInit", default: Float(Foundation.log(1 / 0.07)))
        try validate(entry: config.entry)
    }

    /// From a Hugging Face `CLIPModel` config.json.
    public init(huggingFaceConfig data: Data, source: String) throws {
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let text = json["text_config"] as? [String: Any], let vision = json["vision_config"] as? [String: Any] else {
            throw CLIPCheckpointError.badConfig(source, "it is not a CLIPModel config (no text_config / vision_config)")
        }
        func int(_ object: [String: Any], _ key: String, _ fallback: Int? = nil) throws -> Int {
            if let value = object[key] as? Int { return value }
            if let fallback { return fallback }
            throw CLIPCheckpointError.badConfig(source, "'\(key)' is missing")
        }
        imageSize = try int(vision, "image_size")
        patchSize = try int(vision, "patch_size")
        visionWidth = try int(vision, "hidden_size")
        visionLayers = try int(vision, "num_hidden_layers")
        visionHeads = try int(vision, "num_attention_heads")
        visionMLPWidth = try int(vision, "intermediate_size")
        textWidth = try int(text, "hidden_size")
        textLayers = try int(text, "num_hidden_layers")
        textHeads = try int(text, "num_attention_heads")
        textMLPWidth = try int(text, "intermediate_size")
        contextLength = try int(text, "max_position_embeddings", 77)
        vocabSize = try int(text, "vocab_size", 49408)
        embedDim = try int(json, "projection_dim")
        layerNormEps = Float(text["layer_norm_eps"] as? Double ?? 1e-5)
        logitScaleInit = Float(json["logit_scale_init_value"] as? Double ?? 2.6592)
        for (object, name) in [(text, "text_config"), (vision, "vision_config")] {
            if let activation = object["hidden_act"] as? String, activation != "quick_gelu" {
                throw CLIPCheckpointError.badConfig(source, "\(name).hidden_act is \(activation); the zoo's CLIP uses QuickGELU as OpenAI's models do")
            }
        }
        try validate(entry: source)
    }

    /// Sizes read off an OpenAI-layout state dict. Head counts are not stored in such a file,
    /// so they come from `headsFrom` (the registry config); everything else from the shapes.
    public init(openAIState state: [String: Tensor], headsFrom base: CLIPConfiguration, source: String) throws {
        func shape(_ key: String) throws -> [Int] {
            guard let tensor = state[key] else { throw CLIPCheckpointError.missingKey(source, key) }
            return tensor.shape
        }
        let conv = try shape("visual.conv1.weight")
        visionWidth = conv[0]
        patchSize = conv[2]
        let visualPositions = try shape("visual.positional_embedding")[0]
        let grid = Int(Double(visualPositions - 1).squareRoot().rounded())
        guard grid * grid + 1 == visualPositions else {
            throw CLIPCheckpointError.badConfig(source, "visual.positional_embedding has \(visualPositions) rows, not 1 + a square number of patches")
        }
        imageSize = grid * patchSize
        visionLayers = Set(state.keys.compactMap { Self.blockIndex($0, prefix: "visual.transformer.resblocks.") }).count
        visionMLPWidth = try shape("visual.transformer.resblocks.0.mlp.c_fc.weight")[0]
        let tokens = try shape("token_embedding.weight")
        vocabSize = tokens[0]
        textWidth = tokens[1]
        contextLength = try shape("positional_embedding")[0]
        textLayers = Set(state.keys.compactMap { Self.blockIndex($0, prefix: "transformer.resblocks.") }).count
        textMLPWidth = try shape("transformer.resblocks.0.mlp.c_fc.weight")[0]
        embedDim = try shape("text_projection")[1]
        visionHeads = base.visionHeads
        textHeads = base.textHeads
        layerNormEps = base.layerNormEps
        logitScaleInit = base.logitScaleInit
        try validate(entry: source)
    }

    private static func blockIndex(_ key: String, prefix: String) -> Int? {
        guard key.hasPrefix(prefix) else { return nil }
        return Int(key.dropFirst(prefix.count).prefix { $0 != "." })
    }

    private func validate(entry: String) throws {
        guard imageSize % patchSize == 0 else {
            throw ZooError.invalidConfig(entry: entry, key: "imageSize", problem: "(\(imageSize)) must be a multiple of patchSize (\(patchSize))")
        }
        guard visionWidth % visionHeads == 0 else {
            throw ZooError.invalidConfig(entry: entry, key: "visionHeads", problem: "(\(visionHeads)) must divide visionWidth (\(visionWidth))")
        }
        guard textWidth % textHeads == 0 else {
            throw ZooError.invalidConfig(entry: entry, key: "textHeads", problem: "(\(textHeads)) must divide textWidth (\(textWidth))")
        }
    }
}
