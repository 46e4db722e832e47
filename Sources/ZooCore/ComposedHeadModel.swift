// A similarity head over a contrastive backbone, trainable end to end, as the zoo's core sees it.
// The backbone's method builds the composition (its state layout, its shared logit scale) and
// registers how with `Registry.add(composer:_:)`; the core only composes by name.
import ZooNN

/// A retrieval model made of a backbone that encodes captions and frames and a head that scores
/// them (CLIP4Clip's `CLIP4Clip` module, X-CLIP's and TeachCLIP's models).
public protocol ComposedHeadModel: RetrievalModel {
    /// The encoders of captions and frames (CLIP).
    var backbone: any ContrastiveModel { get }
    /// The similarity head that scores the backbone's features.
    var head: any SimilarityHead { get }
    /// The key prefix of the backbone's parameters in the composed state (with its dot).
    var backbonePrefix: String { get }
}

extension ComposedHeadModel {
    /// The backbone's caption length and frame side are the composed model's.
    public var captionLength: Int? { backbone.contextLength }
    public var frameSize: Int? { backbone.imageSize }
    public var frameFeatureWidth: Int? { backbone.embeddingWidth }

    /// Stops training the backbone's image encoder; returns how many tensors and their pattern.
    public func freezeImageEncoder() -> (count: Int, pattern: String) {
        let pattern = backbonePrefix + backbone.imageEncoderParameterPattern
        return (freeze(matching: pattern), pattern)
    }
}

/// What a backbone's method needs to compose a head over it.
public struct CompositionRequest {
    /// The backbone, built (and loaded, when pretrained weights were given).
    public var backbone: any ContrastiveModel
    /// Its registry name.
    public var backboneName: String
    /// The head, built at the backbone's width (and initialised from it where the paper does).
    public var head: any SimilarityHead
    /// Its registry name.
    public var headName: String
    /// The head's final configuration (frames and words of its example batches).
    public var headConfig: ModelConfig
}
