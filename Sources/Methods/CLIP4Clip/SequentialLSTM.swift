// CLIP4Clip: An Empirical Study of CLIP for End to End Video Clip Retrieval.
// Luo, Ji, Zhong, Chen, Lei, Duan, Li — 2021, arXiv:2104.08860.
// Mirrors ArrowLuo/CLIP4Clip modules/modeling.py `_loose_similarity` with sim_header "seqLSTM".
// Deviations: the official code pads the LSTM output back to the longest sequence and adds the
// frames twice past it, so padded rows hold f or 2f; here they hold f. Masked pooling never reads
// them, so logits and gradients agree. The unused `frame_position_embeddings.weight` of official
// checkpoints is kept as a buffer (loaded, saved, never trained: PyTorch gives it no gradient).
import ZooCore
import ZooNN
import ZooTensor

/// CLIP4Clip "seqLSTM": f''_t = LSTM(f)_t + f_t over the first L = Σm frames of each video.
/// Keys: `lstm_visual.{weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0}`,
/// `frame_position_embeddings.weight` `[maxPositions, D]` (unused), `clip.logit_scale`.
public final class SequentialLSTM: LooseSimilarityHead {
    @Child(key: "lstm_visual") public var lstm: LSTM
    /// Present in official seqLSTM checkpoints but never read by the forward pass.
    @Buffer(key: "frame_position_embeddings.weight") public var unusedPositions: Tensor

    public override init(_ configuration: CLIP4ClipConfiguration) {
        super.init(configuration)
        lstm = LSTM(inputWidth: configuration.width, hiddenWidth: configuration.width)
        unusedPositions = Tensor.zeros([configuration.maxPositions, configuration.width])
    }

    override func temporalFrames(_ frames: Tensor, mask: Tensor) -> Tensor {
        // Prefix masks: the packed length of each video is its number of valid frames.
        let lengths = mask.sum(axis: 1).scalars.map { Int($0.rounded()) }
        return lstm(frames, lengths: lengths) + frames
    }
}
