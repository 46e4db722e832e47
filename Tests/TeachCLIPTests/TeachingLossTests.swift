// The two teaching losses: the coarse one vanishes when the student already ranks like the
// teacher, the fine one is a soft cross-entropy averaged over frames, both differentiate
// correctly, and mismatched inputs are refused with a message.
import Foundation
import Testing
import ZooCore
import ZooNN
import ZooTensor
import ZooTestSupport
@testable import TeachCLIP

@Suite("TeachCLIP teaching losses")
struct TeachingLossTests {
    @Test("the coarse loss is 0 when the student's similarities equal the teacher's, positive otherwise")
    func coarseVanishesOnAgreement() throws {
        let loss = try teachclipRegistry.createLoss("teachclip-coarse")
        let logits = Tensor.randomNormal([5, 5], standardDeviation: 3, seed: 1)
        let same = try loss.loss(student: Outputs([.logits: logits]), teacher: Outputs([.logits: logits]), batch: Batch())
        #expect(Swift.abs(same.item) < 1e-6)
        // Softmax rows are unchanged by a per-row shift, but the columns are not.
        let shifted = logits + Tensor([0, 1, 2, 3, 4], shape: [5, 1])
        let value = try loss.loss(student: Outputs([.logits: shifted]), teacher: Outputs([.logits: logits]), batch: Batch())
        #expect(value.item > 1e-3 && value.item <= 4)
    }

    @Test("the coarse loss differentiates correctly (finite differences)")
    func coarseGradient() {
        let loss = CoarseTeachingLoss(beta: 1)
        let student = trainable([4, 4], seed: 1, low: -3, high: 3)
        let teacher = Tensor.randomNormal([4, 4], standardDeviation: 3, seed: 2)
        expectGradientsMatch([student], step: 1e-2) { inputs in loss(student: inputs[0], teacher: teacher) }
    }

    @Test("the fine loss is the soft cross-entropy to the teacher's relevance, divided by the frame count")
    func fineIsAveragedCrossEntropy() throws {
        let loss = try teachclipRegistry.createLoss("teachclip-fine")
        let (student, teacher, batch) = loss.exampleInputs(size: 3, seed: 7)
        let value = try loss.loss(student: student, teacher: teacher, batch: batch)
        let relevance = FineTeachingLoss.relevance(sentence: teacher[.sentenceFeatures]!, frames: teacher[.frameFeatures]!)
        let scores = student[.frameScores]!
        let crossEntropy = noGrad { scores.crossEntropy(softTargets: relevance) }
        expectClose([value.item], [crossEntropy.item / Float(scores.shape[1])], absolute: 1e-6, relative: 1e-5, "CE / F")
        expectClose(relevance.sum(axis: 1).scalars, [1, 1, 1], absolute: 1e-6, relative: 0, "relevance rows")
        // A teacher that hands over its own relevance gives the same loss.
        let handed = try loss.loss(student: student, teacher: Outputs([.frameRelevance: relevance]), batch: batch)
        #expect(handed.item == value.item)
    }

    @Test("the fine loss differentiates correctly (finite differences) and leaves the teacher alone")
    func fineGradient() {
        let loss = FineTeachingLoss()
        let scores = trainable([3, 6], seed: 3, low: -2, high: 2)
        let sentence = Tensor.randomNormal([3, 8], seed: 4), frames = Tensor.randomNormal([3, 6, 8], seed: 5)
        sentence.requiresGrad = true
        let relevance = FineTeachingLoss.relevance(sentence: sentence, frames: frames)
        expectGradientsMatch([scores], step: 1e-2) { inputs in loss(scores: inputs[0], relevance: relevance) }
        loss(scores: scores, relevance: relevance).backward()
        #expect(sentence.grad == nil, "the teacher is a constant")
    }

    @Test("the fine teacher relevance uses every frame, padded ones included, with no temperature")
    func relevanceIncludesEveryFrame() {
        let sentence = Tensor([1, 0], shape: [1, 2])
        let frames = Tensor([1, 0, 0, 1, -1, 0], shape: [1, 3, 2])   // cosines 1, 0, −1
        let relevance = FineTeachingLoss.relevance(sentence: sentence, frames: frames).scalars
        let e = Float(M_E), total = e + 1 + 1 / e
        expectClose(relevance, [e / total, 1 / total, 1 / (e * total)], absolute: 1e-6, relative: 1e-5, "softmax of cosines")
    }

    @Test("a zero-padded teacher frame has cosine 0 in the relevance, never NaN")
    func relevanceOfZeroPadding() {
        let sentence = Tensor([1, 0], shape: [1, 2])
        let frames = Tensor([1, 0, 0, 0], shape: [1, 2, 2])   // one real frame, one row of zero padding
        let relevance = FineTeachingLoss.relevance(sentence: sentence, frames: frames).scalars
        let e = Float(M_E)
        expectClose(relevance, [e / (e + 1), 1 / (e + 1)], absolute: 1e-6, relative: 1e-5, "softmax of cosines 1 and 0")
    }

    @Test("inputs that are not matched pairs of one size are refused with a message")
    func mismatchedInputs() throws {
        let coarse = try teachclipRegistry.createLoss("teachclip-coarse"), fine = try teachclipRegistry.createLoss("teachclip-fine")
        #expect(throws: ZooError.self) {
            try coarse.loss(student: Outputs([.logits: Tensor.zeros([3, 3])]), teacher: Outputs([.logits: Tensor.zeros([3, 4])]), batch: Batch())
        }
        let teacher = Outputs([.sentenceFeatures: Tensor.zeros([3, 8]), .frameFeatures: Tensor.zeros([3, 5, 8])])
        #expect(throws: ZooError.self) {
            try fine.loss(student: Outputs([.frameScores: Tensor.zeros([3, 6])]), teacher: teacher, batch: Batch())
        }
        #expect(throws: ZooError.self) { try fine.loss(student: Outputs([.logits: Tensor.zeros([3, 3])]), teacher: teacher, batch: Batch()) }
    }
}
