// X-CLIP: End-to-End Multi-grained Contrastive Learning for Video-Text Retrieval.
// Yiwei Ma, Guohai Xu, Xiaoshuai Sun, Ming Yan, Ji Zhang, Rongrong Ji — 2022, arXiv:2207.07285.
// What `zoo info xclip` says about evaluation memory: the bound of `peakEvaluationBytes` for the
// head's own sizes. Deviations: none (reporting only).
import Foundation
import ZooCore

extension XCLIPHead: EvaluationMemoryDescribing {
    public func evaluationMemoryNote(textCount: Int, videoCount: Int) -> String {
        let c = configuration
        let tiled = XCLIPHead.peakEvaluationBytes(textCount: textCount, videoCount: videoCount, words: c.words, frames: c.frames,
                                                  width: c.width, pairsPerBlock: pairsPerBlock)
        let whole = Double(textCount) * Double(c.words) * Double(videoCount) * Double(c.frames) * 4
        return String(format: "computes the frame–word similarities in blocks of %d pairs: peak at most %.0f MB (the unblocked [Bt, T, Bv, F] tensor alone would be %.1f GB)",
                      pairsPerBlock, Double(tiled) / 1e6, whole / 1e9)
    }
}
