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

    /// The zoo.json form of a CLIP's sizes: ViT-B/32's by default (OpenAI's `ViT-B-32`), each
    /// entry's `config` overriding them (clip-vit-b16, clip-vit-l14, clip-tiny).
    public struct Settings: MethodConfiguration {
        public var imageSize = 224
        public var patchSize = 32
        public var visionWidth = 768
        public var visionLayers = 12
        public var visionHeads = 12
        public var textWidth = 512
        public var textLayers = 12
        public var textHeads = 8
        public var contextLength = 77
        public var vocabSize = 49408
        public var embedDim = 512
        /// The MLP's width over the block's width, both encoders.
        public var mlpRatio = 4
        public var layerNormEps: Float = 1e-5
        /// CLIP's ln(1/0.07).
        public var logitScaleInit: Float = 2.659260036932778

        public init() {}

        public func validate(entry: String) throws {
            let sizes = [("imageSize", imageSize), ("patchSize", patchSize), ("visionWidth", visionWidth), ("visionLayers", visionLayers),
                         ("visionHeads", visionHeads), ("textWidth", textWidth), ("textLayers", textLayers), ("textHeads", textHeads),
                         ("contextLength", contextLength), ("vocabSize", vocabSize), ("embedDim", embedDim), ("mlpRatio", mlpRatio)]
            try ZooError.requirePositive(sizes, entry: entry)
        }
    }

    /// From the zoo.json form.
    public init(settings: Settings, entry: String = "clip") throws {
        imageSize = settings.imageSize
        patchSize = settings.patchSize
        visionWidth = settings.visionWidth
        visionLayers = settings.visionLayers
        visionHeads = settings.visionHeads
        textWidth = settings.textWidth
        textLayers = settings.textLayers
        textHeads = settings.textHeads
        contextLength = settings.contextLength
        vocabSize = settings.vocabSize
        embedDim = settings.embedDim
        // Saturating: a ratio or width near Int.max is refused by the memory check below, not trapped here.
        visionMLPWidth = MemoryBudget.product(settings.mlpRatio, visionWidth)
        textMLPWidth = MemoryBudget.product(settings.mlpRatio, textWidth)
        layerNormEps = settings.layerNormEps
        logitScaleInit = settings.logitScaleInit
        try validate(entry: entry)
    }

    /// From a zoo.json `config` (keys as in `Settings`).
    public init(config: ModelConfig) throws {
        try self.init(settings: try config.decode(Settings.self), entry: config.entry)
    }

    /// From a Hugging Face `CLIPModel` config.json.
    public init(huggingFaceConfig data: Data, source: String) throws {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            throw CLIPCheckpointError.badConfig(source, "it is not valid JSON (\(detail))")
        }
        guard let json = object as? [String: Any],
              let text = json["text_config"] as? [String: Any], let vision = json["vision_config"] as? [String: Any] else {
            throw CLIPCheckpointError.badConfig(source, "it is not a CLIPModel config (no text_config / vision_config)")
        }
        func int(_ object: [String: Any], _ key: String, _ fallback: Int? = nil) throws -> Int {
            guard let value = object[key] else {
                if let fallback { return fallback }
                throw CLIPCheckpointError.badConfig(source, "'\(key)' is missing")
            }
            guard let integer = value as? Int else { throw CLIPCheckpointError.badConfig(source, "'\(key)' is \(value), not an integer") }
            return integer
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
        // Some exports repeat projection_dim inside the towers' configs; CLIPModel reads the top
        // level, so a copy that disagrees makes the file ambiguous.
        for (object, name) in [(text, "text_config"), (vision, "vision_config")] where object["projection_dim"] != nil {
            let copy = try int(object, "projection_dim")
            guard copy == embedDim else {
                throw CLIPCheckpointError.badConfig(source, "\(name).projection_dim is \(copy) but projection_dim is \(embedDim); the two must agree")
            }
        }
        // A field of the wrong type is an error, never its default in disguise.
        func number(_ object: [String: Any], _ key: String, _ fallback: Double) throws -> Double {
            guard let value = object[key] else { return fallback }
            guard let number = value as? Double ?? (value as? Int).map(Double.init) else {
                throw CLIPCheckpointError.badConfig(source, "'\(key)' is \(value), not a number")
            }
            return number
        }
        layerNormEps = Float(try number(text, "layer_norm_eps", 1e-5))
        logitScaleInit = Float(try number(json, "logit_scale_init_value", 2.6592))
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
        /// The shape of `key`, which must have `rank` dimensions (a reshaped tensor is refused here,
        /// not indexed out of range).
        func shape(_ key: String, rank: Int = 2) throws -> [Int] {
            guard let tensor = state[key] else { throw CLIPCheckpointError.missingKey(source, key) }
            guard tensor.shape.count == rank else {
                throw CLIPCheckpointError.badConfig(source, "\(key) has shape \(tensor.shape), but an OpenAI CLIP stores it with \(rank) dimensions")
            }
            return tensor.shape
        }
        let conv = try shape("visual.conv1.weight", rank: 4)
        visionWidth = conv[0]
        patchSize = conv[2]
        let visualPositions = try shape("visual.positional_embedding")[0]
        guard visualPositions >= 2 else {
            throw CLIPCheckpointError.badConfig(source, "visual.positional_embedding has \(visualPositions) rows, not 1 + a square number of patches")
        }
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
        // Sizes first: every later check divides by one of them, and the layers allocate by them.
        try ZooError.requirePositive([("imageSize", imageSize), ("patchSize", patchSize), ("visionWidth", visionWidth),
                                      ("visionLayers", visionLayers), ("visionHeads", visionHeads), ("visionMLPWidth", visionMLPWidth),
                                      ("textWidth", textWidth), ("textLayers", textLayers), ("textHeads", textHeads),
                                      ("textMLPWidth", textMLPWidth), ("contextLength", contextLength), ("vocabSize", vocabSize),
                                      ("embedDim", embedDim)], entry: entry)
        // Every caption reaches the model as the bundled tokenizer's ids; a smaller table would
        // be indexed past its end by the first word.
        guard vocabSize >= CLIPTokenizer.bundledVocabularySize else {
            throw ZooError.invalidConfig(entry: entry, key: "vocabSize", problem: "(\(vocabSize)) must be at least \(CLIPTokenizer.bundledVocabularySize): the CLIP tokenizer gives ids up to \(CLIPTokenizer.bundledVocabularySize - 1)")
        }
        guard layerNormEps.isFinite, layerNormEps > 0, logitScaleInit.isFinite else {
            throw ZooError.invalidConfig(entry: entry, key: "layerNormEps", problem: "and logitScaleInit must be finite (eps positive), got \(layerNormEps) and \(logitScaleInit)")
        }
        guard imageSize % patchSize == 0 else {
            throw ZooError.invalidConfig(entry: entry, key: "imageSize", problem: "(\(imageSize)) must be a multiple of patchSize (\(patchSize))")
        }
        guard visionWidth % visionHeads == 0 else {
            throw ZooError.invalidConfig(entry: entry, key: "visionHeads", problem: "(\(visionHeads)) must divide visionWidth (\(visionWidth))")
        }
        guard textWidth % textHeads == 0 else {
            throw ZooError.invalidConfig(entry: entry, key: "textHeads", problem: "(\(textHeads)) must divide textWidth (\(textWidth))")
        }
        try MemoryBudget.require(values: parameterCount, for: "the weights", entry: entry)
    }

    /// How many numbers the weights hold (saturating at `Int.max`), counted from the sizes as
    /// OpenAI's layout stores them: what building the model allocates before any data is seen.
    public var parameterCount: Int {
        typealias M = MemoryBudget
        func block(width: Int, mlp: Int) -> Int {   // attention (in/out projections) + MLP + two layer norms
            M.sum([M.product(4, width, width), M.product(4, width), M.product(2, width, mlp), mlp, width, M.product(4, width)])
        }
        let grid = imageSize / max(patchSize, 1)
        let vision = M.sum([M.product(visionWidth, 3, patchSize, patchSize), visionWidth, M.product(M.sum([M.product(grid, grid), 1]), visionWidth),
                            M.product(4, visionWidth), M.product(visionLayers, block(width: visionWidth, mlp: visionMLPWidth)),
                            M.product(visionWidth, embedDim)])
        let text = M.sum([M.product(vocabSize, textWidth), M.product(contextLength, textWidth), M.product(2, textWidth),
                          M.product(textLayers, block(width: textWidth, mlp: textMLPWidth)), M.product(textWidth, embedDim), 1])
        return M.sum([vision, text])
    }
}
