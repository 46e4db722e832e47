// What some similarity heads can do beyond `similarity(text:video:)`, used when a head is
// composed with a backbone into a trainable retrieval model.
import ZooNN
import ZooTensor

/// A head whose score factorises into one text vector and one video vector compared by a dot
/// product (CLIP4Clip's loose heads, TeachCLIP's AFA student): at retrieval time only those two
/// vectors are stored, and scoring a block is one matrix product.
public protocol FactorizedSimilarityHead: SimilarityHead {
    /// `[Bt, D]` normalised text vectors.
    func embedText(_ text: TextFeatures) -> Tensor
    /// `[Bv, D]` normalised video vectors.
    func embedVideo(_ video: VideoFeatures) -> Tensor
}

/// A head the official code initialises from the backbone's pretrained weights when it is built
/// (CLIP4Clip's seqTransf copies CLIP's text blocks 0..<layers and its text positions).
public protocol BackboneInitializedHead: AnyObject {
    /// Copies from `backboneState` (the backbone's own keys, e.g. `transformer.resblocks.0.*`)
    /// what the official code copies. Returns the head keys it set, or a reason it could not.
    func initialize(fromBackbone backboneState: [String: Tensor]) -> Result<[String], HeadInitializationSkipped>
}

/// Why a head kept its own initialisation instead of copying from the backbone.
public struct HeadInitializationSkipped: Error, CustomStringConvertible, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// A head whose evaluation memory is bounded by chunking (tightTransf's pairs, X-CLIP's
/// frame–word blocks): `zoo info` prints what it says.
public protocol EvaluationMemoryDescribing {
    /// One or two sentences: how scoring `textCount` × `videoCount` pairs is chunked and the peak
    /// memory that implies, in bytes or MB.
    func evaluationMemoryNote(textCount: Int, videoCount: Int) -> String
}

/// A head that accepts only some input sizes (X-CLIP's matrices fix the words T and frames F):
/// callers check inputs with `validate` before `similarity`, which would otherwise stop the process.
public protocol InputValidatingHead {
    /// Throws a `ZooError` naming the expected and the given sizes, and the fix.
    func validate(text: TextFeatures, video: VideoFeatures) throws
}
