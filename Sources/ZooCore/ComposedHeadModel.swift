// A similarity head over a contrastive backbone, trainable end to end, as the zoo's core sees it.
// The backbone's method builds the composition (its state layout, its shared logit scale) and
// registers how with `Registry.add(composer:_:)`; the core only composes by name.
import ZooNN

/// A retrieval model made of a backbone that encodes captions and frames and a head that scores
/// them (CLIP4Clip's `CLIP4Clip` module, X-CLIP's and TeachCLIP's models).
public protocol ComposedHeadModel: RetrievalModel {
    var backbone: any ContrastiveModel { get }
    var head: any SimilarityHead { get }
    /// The key prefix of the backbone's parameters in the composed state (with its dot).
    var backbonePrefix: String { get }
}

extension ComposedHeadModel {
    /// The backbone's caption length and frame side are the composed model's.
    public var captionLength: Int? { backbone.contextLength }
    public var frameSize: Int? { backbone.imageSize }

    /// Stops training the backbone's image encoder; returns how many tensors and their pattern.
    public func freezeImageEncoder() -> (count: Int, pattern: String) {
        let pattern = backbonePrefix + backbone.imageEncoderParameterPattern
        return (freeze(matching: pattern), pattern)
    }
}

/// What a backbone's method needs to compose a head over it.
public struct CompositionRequest {
    public var backbone: any ContrastiveModel
    public var backboneName: String
    public var head: any SimilarityHead
    public var headName: String
    /// The head's final configuration (frames and words of its example batches).
    public var headConfig: ModelConfig
}
