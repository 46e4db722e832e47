// What the X-CLIP head promises besides parity: tiling never changes a score, the matrices start
// as identities under the official keys, inputs of the wrong size are refused with a message
// that says what to do, and padding takes part exactly where the official code lets it.
import Foundation
import Testing
import ZooCore
import ZooNN
import ZooTensor
import ZooTestSupport
@testable import XCLIP

private let tinyConfiguration = XCLIPConfiguration(width: 16, frames: 5, words: 7, layers: 2, heads: 2)

/// A tiny head whose eight matrices are moved off the identity, so that orientation matters.
private func perturbedHead(seed: UInt64 = 3) -> XCLIPHead {
    let head = GlobalRandom.withSeed(seed) { XCLIPHead(tinyConfiguration) }
    for (offset, matrix) in [head.globalMatrix, head.localMatrix, head.wordLogitMatrix, head.frameLogitMatrix,
                             head.wordMatrix, head.frameMatrix, head.wordMatrix2, head.frameMatrix2].enumerated() {
        matrix.assign(matrix + Tensor.randomNormal(matrix.shape, standardDeviation: 0.1, seed: 50 + UInt64(offset)))
    }
    return head
}

private let componentTaps: [Tap] = [.logits, .videoSentenceLogits, .videoWordLogits, .sentenceFrameLogits, .frameWordLogits]

private func scores(_ head: XCLIPHead, _ text: TextFeatures, _ video: VideoFeatures) -> [Tap: [Float]] {
    noGrad {
        let outputs = head.similarity(text: text, video: video)
        return Dictionary(uniqueKeysWithValues: componentTaps.map { ($0, outputs[$0]!.scalars) })
    }
}

@Suite("X-CLIP head behaviour")
struct XCLIPHeadBehaviourTests {
    @Test("scoring in tiles gives exactly the scores of one block, whatever the tile size")
    func tilingKeepsScores() {
        let head = perturbedHead()
        let (text, video) = head.exampleFeatures(textCount: 5, videoCount: 4, seed: 11)
        head.pairsPerBlock = 1_000
        let whole = scores(head, text, video)
        for pairs in [1, 2, 3, 4, 7, 12] {   // tiles of 1×1, 1×2, 1×3 and 1×1, 1×4, 1×4, 3×4 and 2×4
            head.pairsPerBlock = pairs
            let tiled = scores(head, text, video)
            for tap in componentTaps { #expect(tiled[tap] == whole[tap], "\(tap) with \(pairs) pairs per block") }
        }
    }

    @Test("tiles cover every text and video: every video at once when they fit, then as many texts as fit")
    func tileSizes() {
        #expect(MultiGrainedScores.tileSizes(textCount: 1_000, videoCount: 1_000, pairsPerBlock: 16_384) == (16, 1_000))
        #expect(MultiGrainedScores.tileSizes(textCount: 128, videoCount: 128, pairsPerBlock: 16_384) == (128, 128))
        #expect(MultiGrainedScores.tileSizes(textCount: 10, videoCount: 50_000, pairsPerBlock: 16_384) == (1, 16_384))
        #expect(MultiGrainedScores.tileSizes(textCount: 3, videoCount: 2, pairsPerBlock: 0) == (1, 1))
    }

    @Test("gradients flow through tiled scoring as through one block")
    func tiledGradients() {
        let head = perturbedHead()
        let (text, video) = head.exampleFeatures(textCount: 3, videoCount: 3, seed: 12)
        func gradients(pairsPerBlock: Int) -> [[Float]] {
            head.pairsPerBlock = pairsPerBlock
            for (_, tensor) in head.namedParameters() { tensor.grad = nil }
            head.similarity(text: text, video: video)[.logits]!.symmetricCrossEntropy().backward()
            return head.namedParameters().map { $0.tensor.grad?.scalars ?? [] }
        }
        let whole = gradients(pairsPerBlock: 100), tiled = gradients(pairsPerBlock: 2)
        for (a, b) in zip(tiled, whole) { expectClose(a, b, absolute: 1e-5, relative: 1e-4, "tiled gradient") }
    }

    @Test("the eight matrices start as identities under the official keys")
    func identityInitialisation() throws {
        let head = try xclipRegistry.createHead("xclip", tiny: true)
        let state = head.state()
        let sizes = ["global_mat_weight": 32, "local_mat_weight": 32, "word_logit_weight": 10, "word_mat_weight": 10,
                     "word_mat_weight2": 10, "frame_logit_weight": 6, "frame_mat_weight": 6, "frame_mat_weight2": 6]
        for (key, size) in sizes {
            let matrix = try #require(state[key], "no \(key)")
            #expect(matrix.shape == [size, size], "\(key)")
            #expect(matrix.scalars == (0..<(size * size)).map { $0 / size == $0 % size ? 1 : 0 }, "\(key) is not the identity")
        }
        for key in ["clip.logit_scale", "frame_position_embeddings.weight", "transformerClip.resblocks.2.mlp.c_proj.bias"] {
            #expect(state[key] != nil, "lacks \(key)")
        }
        #expect(state.keys.filter { $0.hasPrefix("transformerClip.resblocks.3.") }.isEmpty, "tiny config has 3 layers")
    }

    @Test("a word count other than `words` is refused with a message naming both counts and the fix")
    func rejectsWrongWordCount() {
        let head = XCLIPHead(tinyConfiguration)
        let (text, video) = head.exampleFeatures(textCount: 2, videoCount: 2, seed: 1)
        let shorter = TextFeatures(sentence: text.sentence, tokens: text.tokens!.slice(axis: 1, 0..<5), mask: nil)
        let error = #expect(throws: ZooError.self) { try head.validate(text: shorter, video: video) }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("'words'") && message.contains("7") && message.contains("[2, 5, 16]") && message.contains("--set words=5"),
                "\(message)")
        #expect(throws: ZooError.self) { try head.validate(text: TextFeatures(sentence: text.sentence), video: video) }
        #expect(throws: Never.self) { try head.validate(text: text, video: video) }
    }

    @Test("a frame count other than `frames` is refused with a message naming both counts and the fix")
    func rejectsWrongFrameCount() {
        let head = XCLIPHead(tinyConfiguration)
        let (text, _) = head.exampleFeatures(textCount: 2, videoCount: 2, seed: 1)
        let longer = VideoFeatures(frames: Tensor.randomNormal([2, 6, 16], seed: 4), mask: Tensor.ones([2, 6]))
        let error = #expect(throws: ZooError.self) { try head.validate(text: text, video: longer) }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("'frames'") && message.contains("5") && message.contains("6 frames") && message.contains("--set frames=6"),
                "\(message)")
    }

    @Test("scoring inputs of the wrong size stops the process instead of reading out of bounds")
    func similarityStopsOnWrongSize() async {
        await #expect(processExitsWith: .failure) {
            let head = XCLIPHead(XCLIPConfiguration(width: 8, frames: 3, words: 4, layers: 1, heads: 2))
            let text = TextFeatures(sentence: Tensor.zeros([1, 8]) + 1, tokens: Tensor.zeros([1, 6, 8]) + 1)
            _ = head.similarity(text: text, video: VideoFeatures(frames: Tensor.zeros([1, 3, 8]) + 1, mask: Tensor.ones([1, 3])))
        }
    }

    @Test("padded words and frames take part in the fine-grained scores, as in the official code")
    func paddingTakesPart() {
        let head = perturbedHead()
        let (text, video) = head.exampleFeatures(textCount: 2, videoCount: 2, seed: 21)
        let before = scores(head, text, video)
        // The last word position of every caption: padding for most captions, never masked here.
        let lastWord = Tensor((0..<7).map { $0 == 6 ? 1 : 0 }, shape: [1, 7, 1])
        let changedWords = TextFeatures(sentence: text.sentence, tokens: text.tokens! + lastWord * 3, mask: text.mask)
        let afterWords = scores(head, changedWords, video)
        #expect(afterWords[.videoSentenceLogits] == before[.videoSentenceLogits])
        #expect(afterWords[.sentenceFrameLogits] == before[.sentenceFrameLogits])
        #expect(afterWords[.videoWordLogits] != before[.videoWordLogits])
        #expect(afterWords[.frameWordLogits] != before[.frameWordLogits])
        // A padded frame: invisible to the video embedding (masked key, masked mean) but not to SF or FW.
        let mask = Tensor([1, 1, 1, 0, 0, 1, 1, 1, 1, 1], shape: [2, 5])
        let padded = VideoFeatures(frames: video.frames, mask: mask)
        let lastFrame = Tensor([0, 0, 0, 0, 1, 0, 0, 0, 0, 0], shape: [2, 5, 1])
        let changedFrames = VideoFeatures(frames: video.frames + lastFrame * 2, mask: mask)
        let (withPadding, withChangedPadding) = (scores(head, text, padded), scores(head, text, changedFrames))
        expectClose(withChangedPadding[.videoSentenceLogits]!, withPadding[.videoSentenceLogits]!, absolute: 1e-5, relative: 1e-5, "VS")
        expectClose(withChangedPadding[.videoWordLogits]!, withPadding[.videoWordLogits]!, absolute: 1e-5, relative: 1e-5, "VW")
        #expect(withChangedPadding[.sentenceFrameLogits] != withPadding[.sentenceFrameLogits])
        #expect(withChangedPadding[.frameWordLogits] != withPadding[.frameWordLogits])
    }

    @Test("logits are the mean of the four scaled scores, and a shared scale leaves the head's state")
    func logitsAndSharedScale() {
        let head = perturbedHead()
        let (text, video) = head.exampleFeatures(textCount: 3, videoCount: 2, seed: 5)
        let parts = scores(head, text, video)
        let mean = (0..<6).map { i in componentTaps.dropFirst().map { parts[$0]![i] }.reduce(0, +) / 4 }
        expectClose(parts[.logits]!, mean, absolute: 1e-5, relative: 1e-6, "mean of the four")
        #expect(head.state()["clip.logit_scale"] != nil)
        head.shareLogitScale(Tensor(scalar: tinyConfiguration.logitScaleInit + 1))
        #expect(head.state()["clip.logit_scale"] == nil)
        expectClose(scores(head, text, video)[.logits]!, parts[.logits]!.map { $0 * Float(M_E) }, absolute: 1e-4, relative: 1e-5, "e× scale")
    }

    @Test("composed with CLIP, the temporal transformer starts from CLIP's text blocks and positions")
    func initialisesFromTextEncoder() throws {
        let head = XCLIPHead(tinyConfiguration)
        var backbone: [String: Tensor] = ["positional_embedding": Tensor.randomNormal([77, 16], seed: 1)]
        for (index, (key, tensor, _)) in head.temporal.transformer.namedTensors().enumerated() {
            backbone["transformer." + key] = Tensor.randomNormal(tensor.shape, seed: 100 + UInt64(index))
        }
        backbone["transformer.resblocks.5.ln_1.weight"] = Tensor.ones([16])   // deeper CLIP blocks are ignored
        let copied = try #require(head.initialize(fromBackbone: backbone)).get()
        #expect(copied.count == head.temporal.namedTensors().count)
        #expect(head.state()["frame_position_embeddings.weight"]!.scalars == backbone["positional_embedding"]!.scalars)
        #expect(head.state()["transformerClip.resblocks.1.attn.in_proj_weight"]!.scalars
                == backbone["transformer.resblocks.1.attn.in_proj_weight"]!.scalars)
        let narrow = ["positional_embedding": Tensor.zeros([77, 64])]
        #expect(throws: HeadInitializationSkipped.self) { try head.initialize(fromBackbone: narrow)?.get() }
    }

    @Test("a key-mask bias or tau the code cannot honour is rejected")
    func rejectsUnsupportedSettings() throws {
        for argument in ["keyMaskBias=-10000", "tau=0", "heads=3"] {
            let overrides = try ConfigOverrides(arguments: [argument]).overrides()
            #expect(throws: ZooError.self, "\(argument)") { try xclipRegistry.createHead("xclip", tiny: true, overrides: overrides) }
        }
    }
}
