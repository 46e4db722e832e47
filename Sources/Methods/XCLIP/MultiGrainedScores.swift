// X-CLIP: End-to-End Multi-grained Contrastive Learning for Video-Text Retrieval.
// Yiwei Ma, Guohai Xu, Xiaoshuai Sun, Ming Yan, Ji Zhang, Rongrong Ji — 2022, arXiv:2207.07285.
// Mirrors xuguohai/X-CLIP modules/modeling_xclip.py: the video–word and sentence–frame terms of
// `_loose_similarity` and `_attenion_over_fine_grained_sim_matrix` (frame–word, "AOSM").
// Deviations: the scores are computed in tiles of texts × videos (`pairsPerBlock` pairs at a
// time) instead of one [Bt, T, Bv, F] tensor, so evaluation memory stays bounded; every pair's
// values are computed exactly as in the unblocked form. The official code masks nothing here:
// padded words and padded frames take part in every softmax, and so they do here.
import ZooCore
import ZooNN
import ZooTensor

/// X-CLIP's cross- and fine-grained scores (all unscaled) for normalised features, computed
/// tile by tile: `s` `[Bt, D]`, `w` `[Bt, T, D]`, `wG` = `w · G_local` `[Bt, T, D]`, `v` `[Bv, D]`,
/// `fr` `[Bv, F, D]`. Every result is `[Bt, Bv]`.
///
/// Every attention step runs along the last axis (similarities laid out words-last or
/// frames-last first): ZooTensor's last-axis softmax is its fast contiguous path, and each row
/// is then computed the same way whatever the tile, so tiling is exact.
struct MultiGrainedScores {
    /// W_wl `[T, T]`, W_fl `[F, F]`, W_wm `[T, T]`, W_fm `[F, F]`, W_fm2 `[F, F]`, W_wm2 `[T, T]`.
    let wordLogit: Tensor, frameLogit: Tensor, wordMat: Tensor, frameMat: Tensor, frameMat2: Tensor, wordMat2: Tensor
    let tau: Float

    /// `A ⊛ W = Σ_k A ⊙ (softmax_k(A/τ) mixed by W)` along the last axis k, where mixing is
    /// `P'[…, i] = Σ_j P[…, j] W[j, i]`. sim: `[…, n]`; W: `[n, n]`; returns `[…]`.
    func aggregate(_ sim: Tensor, mixing weights: Tensor) -> Tensor {
        let attention = (sim / tau).softmax(axis: -1)
        return (sim * Tensor.matmul(attention, weights)).sum(axis: -1)
    }

    /// The three scores of one tile of `bt` texts × `bv` videos: (video–word VW, sentence–frame SF,
    /// frame–word FW), each `[bt, bv]`.
    func tile(s: Tensor, w: Tensor, wG: Tensor, v: Tensor, fr: Tensor) -> (Tensor, Tensor, Tensor) {
        let (bt, words, width) = (w.shape[0], w.shape[1], w.shape[2])
        let (bv, frames) = (fr.shape[0], fr.shape[1])
        let framesFlat = fr.reshaped([bv * frames, width])
        // VW: X[v, t, l] = v_v · w_tl, attention over words l (laid out words-last).
        let x = Tensor.matmul(v, w.reshaped([bt * words, width]), transposeB: true).reshaped([bv, bt, words])
        let videoWord = aggregate(x, mixing: wordLogit).transposed()
        // SF: Y[t, v, f] = s_t · fr_vf, attention over frames f.
        let y = Tensor.matmul(s, framesFlat, transposeB: true).reshaped([bt, bv, frames])
        let sentenceFrame = aggregate(y, mixing: frameLogit)
        // FW: Z[t, l, v, f] = (w_tl G_local) · fr_vf. R: attention over frames → [bt, T, bv];
        // U: attention over words (Z permuted words-last) → [bt, bv, F].
        let z = Tensor.matmul(wG.reshaped([bt * words, width]), framesFlat, transposeB: true)   // [bt·T, bv·F]
        let r = aggregate(z.reshaped([bt, words * bv, frames]), mixing: frameMat).reshaped([bt, words, bv])
        let wordsLast = z.reshaped([bt, words, bv * frames]).permuted([0, 2, 1])                  // [bt, bv·F, T]
        let u = aggregate(wordsLast, mixing: wordMat).reshaped([bt, bv, frames])
        let sentenceToFrame = aggregate(u, mixing: frameMat2)
        let videoToWord = aggregate(r.permuted([0, 2, 1]), mixing: wordMat2)
        return (videoWord, sentenceFrame, (sentenceToFrame + videoToWord) * 0.5)
    }

    /// Texts and videos per tile for `pairsPerBlock` pairs: every video at once when they fit,
    /// then as many texts as the budget allows (at least one of each).
    static func tileSizes(textCount: Int, videoCount: Int, pairsPerBlock: Int) -> (texts: Int, videos: Int) {
        let videos = Swift.max(1, Swift.min(videoCount, pairsPerBlock))
        let texts = Swift.max(1, Swift.min(textCount, pairsPerBlock / videos))
        return (texts, videos)
    }

    /// All tiles, assembled into `[Bt, Bv]` matrices (VW, SF, FW).
    func callAsFunction(s: Tensor, w: Tensor, wG: Tensor, v: Tensor, fr: Tensor, pairsPerBlock: Int) -> (Tensor, Tensor, Tensor) {
        let (textCount, videoCount) = (s.shape[0], v.shape[0])
        let (textStep, videoStep) = Self.tileSizes(textCount: textCount, videoCount: videoCount, pairsPerBlock: pairsPerBlock)
        func rows(_ tensor: Tensor, _ range: Range<Int>) -> Tensor {
            range.count == tensor.shape[0] ? tensor : tensor.slice(axis: 0, range)
        }
        var rowBlocks: [[Tensor]] = [[], [], []]
        for textStart in stride(from: 0, to: textCount, by: textStep) {
            let texts = textStart..<Swift.min(textStart + textStep, textCount)
            let (sBlock, wBlock, wGBlock) = (rows(s, texts), rows(w, texts), rows(wG, texts))
            var tiles: [[Tensor]] = [[], [], []]
            for videoStart in stride(from: 0, to: videoCount, by: videoStep) {
                let videos = videoStart..<Swift.min(videoStart + videoStep, videoCount)
                let scores = tile(s: sBlock, w: wBlock, wG: wGBlock, v: rows(v, videos), fr: rows(fr, videos))
                tiles[0].append(scores.0); tiles[1].append(scores.1); tiles[2].append(scores.2)
            }
            for term in 0..<3 {
                rowBlocks[term].append(tiles[term].count == 1 ? tiles[term][0] : Tensor.concatenate(tiles[term], axis: 1))
            }
        }
        let assembled = rowBlocks.map { $0.count == 1 ? $0[0] : Tensor.concatenate($0, axis: 0) }
        return (assembled[0], assembled[1], assembled[2])
    }
}
