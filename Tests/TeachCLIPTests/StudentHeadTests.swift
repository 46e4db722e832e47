// What TeachCLIP's AFA student promises besides parity: pooling weighs every frame (the official
// code ignores the mask there) while the mean-pooled logits do not see padding, retrieval stores
// only one vector per caption and per video, and AFA's weights are the ones trained at 10×.
import Foundation
import Testing
import ZooCore
import ZooNN
import ZooTensor
import ZooTestSupport
@testable import TeachCLIP

private let tinyConfiguration = TeachCLIPConfiguration(width: 16, frames: 5, layers: 2, heads: 2)

/// Three videos of 5 frames with 5, 3 and 1 valid frames.
private func paddedVideo(seed: UInt64) -> VideoFeatures {
    let mask = Tensor([1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0], shape: [3, 5])
    return VideoFeatures(frames: Tensor.randomNormal([3, 5, 16], seed: seed), mask: mask)
}

@Suite("TeachCLIP student head")
struct StudentHeadTests {
    @Test("AFA pools over padded frames too, as the code does, while logits_meanP ignores them")
    func poolingIgnoresTheMask() {
        let head = GlobalRandom.withSeed(4) { AFAStudentHead(tinyConfiguration) }
        let text = TextFeatures(sentence: Tensor.randomNormal([2, 16], seed: 1)), video = paddedVideo(seed: 2)
        let keep = video.mask.expandingDimension(at: -1)
        let changed = VideoFeatures(frames: video.frames * keep + (1 - keep) * 5, mask: video.mask)
        let (before, after) = noGrad { (head.similarity(text: text, video: video), head.similarity(text: text, video: changed)) }
        expectClose(after[.meanPooledLogits]!.scalars, before[.meanPooledLogits]!.scalars, absolute: 1e-5, relative: 1e-5, "logits_meanP")
        let afaChange = zip(after[.logits]!.scalars, before[.logits]!.scalars).map { Swift.abs($0 - $1) }.max()!
        #expect(afaChange > 1e-3, "AFA logits should move when padded frames change")
        // Every frame, padded or not, has pooling weight; the weights of a video sum to 1.
        let weights = before[.afaPoolWeights]!
        #expect(weights.scalars.allSatisfy { $0 > 0 })
        expectClose(weights.sum(axis: 1).scalars, [1, 1, 1], absolute: 1e-5, relative: 0, "pool weights sum")
    }

    @Test("frame weights are softmax(a) and pooling weights softmax(a / 0.1) of the same scores")
    func weightsShareScores() {
        let head = GlobalRandom.withSeed(4) { AFAStudentHead(tinyConfiguration) }
        let outputs = noGrad { head.similarity(text: TextFeatures(sentence: Tensor.randomNormal([2, 16], seed: 1)), video: paddedVideo(seed: 2)) }
        let scores = outputs[.frameScores]!
        #expect(scores.shape == [3, 5])
        expectClose(outputs[.frameWeights]!.scalars, scores.softmax(axis: -1).scalars, absolute: 1e-6, relative: 1e-5, "softmax(a)")
        expectClose(outputs[.afaPoolWeights]!.scalars, (scores * 10).softmax(axis: -1).scalars, absolute: 1e-6, relative: 1e-5, "softmax(a/0.1)")
    }

    @Test("retrieval needs one vector per caption and per video: their scaled dot product is the AFA logits")
    func factorisedScores() {
        let head = GlobalRandom.withSeed(4) { AFAStudentHead(tinyConfiguration) }
        let text = TextFeatures(sentence: Tensor.randomNormal([4, 16], seed: 1)), video = paddedVideo(seed: 2)
        noGrad {
            let logits = head.similarity(text: text, video: video)[.logits]!
            let stored = Tensor.matmul(head.embedText(text), head.embedVideo(video), transposeB: true) * head.logitScale.exp()
            expectClose(stored.scalars, logits.scalars, absolute: 1e-5, relative: 1e-6, "factorised")
        }
    }

    @Test("the AFA weights, and only they, get the 10× learning rate")
    func afaLearningRate() throws {
        let head = try teachclipRegistry.createHead("teachclip", tiny: true)
        let rule = TeachCLIPEntry.afaLearningRateRule()
        let boosted = head.optimizedParameters(weightDecay: 0.2, rules: [rule]).filter { $0.learningRateMultiplier == 10 }.map(\.key)
        #expect(boosted.sorted() == ["frameLinear.bias", "frameLinear.weight", "frameLinear2.bias", "frameLinear2.weight"])
        let state = head.state()
        for key in ["clip.logit_scale", "frame_position_embeddings.weight", "transformerClip.resblocks.2.ln_2.bias",
                    "frameLinear.weight", "frameLinear2.weight"] {
            #expect(state[key] != nil, "lacks \(key)")
        }
        #expect(state["frameLinear2.weight"]?.shape == [1, 32])
    }

    @Test("a shared logit scale leaves the head's state")
    func sharedLogitScale() {
        let head = AFAStudentHead(tinyConfiguration)
        #expect(head.state()["clip.logit_scale"] != nil)
        head.shareLogitScale(Tensor(scalar: 1))
        #expect(head.state()["clip.logit_scale"] == nil)
        #expect(head.logitScale.item == 1)
    }
}
