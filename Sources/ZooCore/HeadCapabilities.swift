// What some similarity heads can do beyond `similarity(text:video:)`: factorise (one vector per
// caption and per video), describe their evaluation memory, say why they kept their own
// initialisation. `SimilarityHead.factorized` answers the first without a downcast.
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

extension FactorizedSimilarityHead {
    public var factorized: (any FactorizedSimilarityHead)? { self }
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
