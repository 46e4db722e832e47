// CLIP4Clip: An Empirical Study of CLIP for End to End Video Clip Retrieval.
// Luo, Ji, Zhong, Chen, Lei, Duan, Li — 2021, arXiv:2104.08860.
// Mirrors ArrowLuo/CLIP4Clip modules/modeling.py `_loose_similarity` with sim_header "meanP".
// Deviations: none in the logits (see LooseSimilarityHead for the zero-padding guard).
import ZooCore
import ZooNN
import ZooTensor

/// CLIP4Clip "meanP": no temporal module, f'' = f; the video is the masked mean of its
/// normalised frames. Its only parameter is the logit scale `clip.logit_scale`.
public final class MeanPooling: LooseSimilarityHead {
    public override init(_ configuration: CLIP4ClipConfiguration) {
        super.init(configuration)
    }
}
