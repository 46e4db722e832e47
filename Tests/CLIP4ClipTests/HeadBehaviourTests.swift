// What the CLIP4Clip heads promise besides parity: padding is invisible, the logit scale can be
// shared with a backbone, tightTransf's chunking does not change its values, and the registry
// builds each head with the official checkpoint keys.
import Foundation
import Testing
import ZooCore
import ZooNN
import ZooTensor
import ZooTestSupport
@testable import CLIP4Clip

private let tinyConfiguration = CLIP4ClipConfiguration(width: 16, frames: 5, layers: 2, heads: 2)

/// Frames `[3, 5, 16]` with prefix masks of 5, 3 and 1 valid frames.
private func paddedVideo(seed: UInt64) -> VideoFeatures {
    let mask = Tensor([1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0], shape: [3, 5])
    return VideoFeatures(frames: Tensor.randomNormal([3, 5, 16], seed: seed), mask: mask)
}

/// The same video with every padded frame replaced by `value`.
private func replacingPadding(_ video: VideoFeatures, with value: Float) -> VideoFeatures {
    let keep = video.mask.expandingDimension(at: -1)
    return VideoFeatures(frames: video.frames * keep + (1 - keep) * value, mask: video.mask)
}

private func logits(_ head: any SimilarityHead, _ text: Tensor, _ video: VideoFeatures) -> [Float] {
    noGrad { head.similarity(text: TextFeatures(sentence: text), video: video)[.logits]!.scalars }
}

private func allHeads() -> [any SimilarityHead] {
    GlobalRandom.withSeed(3) {
        [MeanPooling(tinyConfiguration), SequentialLSTM(tinyConfiguration),
         SequentialTransformer(tinyConfiguration), TightTransformer(tinyConfiguration)]
    }
}

@Suite("CLIP4Clip head behaviour")
struct HeadBehaviourTests {
    @Test("padded frames do not change any head's logits")
    func paddingIsInvisible() {
        let text = Tensor.randomNormal([2, 16], seed: 1), video = paddedVideo(seed: 2)
        for head in allHeads() {
            let before = logits(head, text, video), after = logits(head, text, replacingPadding(video, with: 7))
            expectClose(after, before, absolute: 1e-5, relative: 1e-5, "\(type(of: head))")
        }
    }

    @Test("all-zero padded frames give finite logits in the loose heads")
    func zeroPaddingStaysFinite() {
        let text = Tensor.randomNormal([2, 16], seed: 1), video = replacingPadding(paddedVideo(seed: 2), with: 0)
        for head in allHeads().prefix(3) {
            let values = logits(head, text, video)
            #expect(values.allSatisfy { $0.isFinite }, "\(type(of: head))")
        }
    }

    @Test("a shared logit scale leaves the head's state and sets its temperature")
    func sharedLogitScale() {
        let head = MeanPooling(tinyConfiguration)
        #expect(head.state().keys.contains("clip.logit_scale"))
        let text = Tensor.randomNormal([2, 16], seed: 1), video = paddedVideo(seed: 2)
        let before = logits(head, text, video)
        head.shareLogitScale(Tensor(scalar: tinyConfiguration.logitScaleInit + Float(2).squareRoot()))
        #expect(!head.state().keys.contains("clip.logit_scale"))
        let ratio = Float(Foundation.exp(2.0.squareRoot()))   // exp(ln s + √2) / exp(ln s)
        expectClose(logits(head, text, video), before.map { $0 * ratio }, absolute: 1e-4, relative: 1e-5, "scaled logits")
    }

    @Test("tightTransf gives the same logits whatever its pair chunk size")
    func chunkingKeepsValues() {
        let head = GlobalRandom.withSeed(5) { TightTransformer(tinyConfiguration) }
        let text = Tensor.randomNormal([4, 16], seed: 1), video = paddedVideo(seed: 2)
        let whole = logits(head, text, video)
        head.pairsPerChunk = 5   // 12 pairs: chunks of 5, 5 and 2
        expectClose(logits(head, text, video), whole, absolute: 1e-6, relative: 1e-6, "chunked logits")
    }

    @Test("the registry builds each head with the official checkpoint keys")
    func registryUsesOfficialKeys() throws {
        let expected: [String: [String]] = [
            "clip4clip-meanp": ["clip.logit_scale"],
            "clip4clip-seqlstm": ["clip.logit_scale", "frame_position_embeddings.weight", "lstm_visual.weight_ih_l0"],
            "clip4clip-seqtransf": ["clip.logit_scale", "frame_position_embeddings.weight",
                                    "transformerClip.resblocks.2.attn.in_proj_weight", "transformerClip.resblocks.0.mlp.c_proj.bias"],
            "clip4clip-tighttransf": ["cross.embeddings.position_embeddings.weight", "cross.transformer.resblocks.0.ln_1.weight",
                                      "cross.pooler.ln_pool.bias", "cross.pooler.dense.weight", "similarity_dense.bias"],
        ]
        for (name, keys) in expected {
            let state = try clip4clipRegistry.createHead(name, tiny: true).state()
            for key in keys { #expect(state[key] != nil, "\(name) lacks \(key)") }
        }
        let tight = try clip4clipRegistry.createHead("clip4clip-tighttransf", tiny: true)
        #expect(tight.state()["clip.logit_scale"] == nil, "tightTransf has no logit scale")
    }

    @Test("a key-mask bias other than the official −1e6 is rejected")
    func rejectsOtherKeyMaskBias() throws {
        let overrides = try ConfigOverrides(arguments: ["keyMaskBias=-10000"]).overrides()
        #expect(throws: ZooError.self) { try clip4clipRegistry.createHead("clip4clip-seqtransf", overrides: overrides) }
    }
}
