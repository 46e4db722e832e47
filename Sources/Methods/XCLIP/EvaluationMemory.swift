// X-CLIP: End-to-End Multi-grained Contrastive Learning for Video-Text Retrieval.
// Yiwei Ma, Guohai Xu, Xiaoshuai Sun, Ming Yan, Ji Zhang, Rongrong Ji — 2022, arXiv:2207.07285.
// How much memory scoring a whole test set at once takes (xuguohai/X-CLIP evaluates in the
// same way, one batch of texts against every video), and why tiling makes it affordable.
// Deviations: none; this is arithmetic about XCLIPHead.similarity, not part of the method.
import ZooCore
import ZooTensor

extension XCLIPHead {
    /// An upper bound, in bytes, on the tensors alive at once while `similarity` scores
    /// `textCount` captions against `videoCount` videos with gradients off (evaluation), the
    /// input features included and the process itself (code, allocator slack) excluded.
    ///
    /// In floats, with N = Bv·F and a tile of bt texts × bv videos (`tileSizes`):
    /// - inputs and what lives through the scoring: t, words, w = n(words), w·G_local
    ///   (3·Bt·T·D + 2·Bt·D + Bt·T), frames, n(frames), f'' and the f''·m tap (4·N·D), masks and
    ///   v (Bv·F + Bv·D);
    /// - the temporal transformer's transient, before any tile: at most 16·N·D (the packed
    ///   projection, its permuted copy, q/k/v and the 4D-wide MLP activations);
    /// - one tile: Z `[bt, T, bv, F]`, its words-last copy, a softmax, the mixed attention and
    ///   the product (5 Z-sized tensors), the X- and Y-sized ones (4·bt·T·bv + 4·bt·bv·F), and
    ///   the tile's inputs (2·bt·T·D);
    /// - the outputs: at most 12·Bt·Bv (three assembled scores and their row blocks, VS, the four
    ///   scaled scores, the logits).
    ///
    /// Unblocked, Z alone would be Bt·T·Bv·F floats: 1.5 GB for 1,000 × 1,000 (T 32, F 12), and
    /// about five times that at the peak. With the default 16,384 pairs per block (tiles of
    /// 16 texts × 1,000 videos) the bound for that set with D = 512 is 742 MB (185.6 M floats,
    /// dominated by the transformer's transient and by the word features, 20 MB per 100 captions).
    /// Measured (Tests/XCLIPTests, `ZOO_XCLIP_MEASURE_MEMORY=1`, debug build, one thread): the
    /// resident size grew by at most 741 MB while scoring that set (peak 885 MB for the whole
    /// test process, which held 144 MB before: code, weights and the input features).
    public static func peakEvaluationBytes(textCount: Int, videoCount: Int, words: Int, frames: Int, width: Int,
                                           pairsPerBlock: Int = 16_384) -> Int {
        let (bt, bv) = MultiGrainedScores.tileSizes(textCount: textCount, videoCount: videoCount, pairsPerBlock: pairsPerBlock)
        let frameRows = videoCount * frames
        let lasting = 3 * textCount * words * width + 2 * textCount * width + textCount * words
            + 4 * frameRows * width + frameRows + videoCount * width
        let temporal = 16 * frameRows * width
        let tile = 5 * bt * words * bv * frames + 4 * bt * words * bv + 4 * bt * bv * frames + 2 * bt * words * width
        let outputs = 12 * textCount * videoCount
        return 4 * (lasting + Swift.max(temporal, tile) + outputs)
    }
}
