// The learned temperature ln s that every head over a CLIP backbone carries under CLIP4Clip's
// key `clip.logit_scale`, and hands to its backbone when composed (`SimilarityHead.shareLogitScale`), written
// once for CLIP4Clip's loose heads, X-CLIP and TeachCLIP's student, which build on this target.
import ZooCore
import ZooNN
import ZooTensor

/// A head's ln s: its own parameter `clip.logit_scale` (0-d), so that a head saved alone loads
/// official checkpoints, or, after `share(_:)`, the backbone's, which then leaves the head's state
/// (a composed checkpoint holds `clip.logit_scale` once, in the backbone). Mount it with
/// `@Child(key: "")` so the key sits at the head's root.
public final class HeadLogitScale: Module {
    /// ln s owned by the head; nil once shared.
    @OptionalParameter(key: "clip.logit_scale") public var own: Tensor?
    /// The backbone's ln s when shared (not part of this module's state).
    public private(set) var shared: Tensor?

    /// `initial`: ln s at initialisation (CLIP's ln(1/0.07) = 2.6593).
    public init(initial: Float) {
        super.init()   // keyed wrappers are assigned after
        own = Tensor(scalar: initial)
    }

    /// ln s in use (0-d).
    public var value: Tensor { own ?? shared! }

    /// Uses `scale` (a backbone's 0-d ln s, trained there) instead of the head's own.
    public func share(_ scale: Tensor) {
        own = nil
        shared = scale
    }
}
