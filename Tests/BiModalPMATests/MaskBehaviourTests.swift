// What the progressive masks promise: a stage never returns to a block or a phrase an earlier
// stage masked, the top-3 phrase mask keeps only weights above 1/p (p = the sample's real
// phrases), the guard never empties a sample's phrases, and padding is invisible.
import Testing
import ZooCore
import ZooTensor
@testable import BiModalPMA

@Suite("Bi-modal PMA masks")
struct MaskBehaviourTests {
    @Test("no stage selects a block an earlier stage selected, and every selected block stays masked", arguments: [UInt64(1), 2, 3, 4, 5])
    func blocksAreNeverReselected(seed: UInt64) throws {
        // A 4×4 map has exactly 4 blocks: three stages must pick three different ones.
        let head = smallHead(seed: seed)
        let map = Tensor.randomNormal([6, 4, 4, 16], seed: seed &+ 10)
        let outputs = try runHead(head, map: map, phrases: Tensor.randomNormal([6, 5, 16], seed: seed &+ 11),
                                  mask: prefixMask([5, 4, 3, 2, 1, 5], columns: 5))
        let selected = outputs[.selectedBlock]!.scalars.map { Int($0) }          // [S, B]
        let masked = stageRows(outputs[.visualMasked]!)
        let attention = stageRows(outputs[.visualAttention]!)
        for b in 0..<6 {
            let picks = (0..<3).map { selected[$0 * 6 + b] }
            #expect(Set(picks).count == 3, "sample \(b) picked \(picks)")
            for s in 0..<3 {
                // After stage s, exactly the blocks picked so far are masked ...
                let expected = (0..<4).map { picks[...s].contains($0) ? Float(1) : 0 }
                #expect(masked[s][b] == expected)
                // ... and stage s attended to nothing masked before it.
                for k in picks[..<s] { #expect(attention[s][b][k] < 1e-6) }
                // The pick is the most attended block.
                #expect(attention[s][b][picks[s]] == attention[s][b].max())
            }
        }
    }

    @Test("a sample with fewer than 3 weights above 1/p masks only those")
    func onlyWeightsAboveOneOverPAreMasked() {
        var masks = ProgressiveMasks(blocks: 4, phraseMask: prefixMask([6, 6, 4], columns: 6))
        let attention = Tensor([0.40, 0.30, 0.10, 0.10, 0.05, 0.05,      // 1/6 ≈ 0.167: two pass, the 3rd of the top 3 does not
                                0.17, 0.17, 0.17, 0.17, 0.16, 0.16,      // three of the top 3 just pass 1/6
                                0.30, 0.26, 0.24, 0.20, 0, 0],           // p = 4 real phrases: 1/p = 0.25, not 1/6
                               shape: [3, 6])
        let fired = masks.maskKeyPhrases(attention, topK: 3)
        #expect(fired == [false, false, false])
        let masked = masks.text.map { $0 ? 1 : 0 }
        #expect(Array(masked[0..<6]) == [1, 1, 0, 0, 0, 0])
        #expect(Array(masked[6..<12]) == [1, 1, 1, 0, 0, 0])
        #expect(Array(masked[12..<18]) == [1, 1, 0, 0, 1, 1])                 // 0.24 is in the top 3 but below 1/4
    }

    @Test("an already masked phrase is never counted again, and masks accumulate over stages")
    func maskedPhrasesStayMaskedAndDoNotPassAgain() {
        var masks = ProgressiveMasks(blocks: 4, phraseMask: prefixMask([5], columns: 5))
        masks.maskKeyPhrases(Tensor([0.5, 0.3, 0.1, 0.05, 0.05], shape: [1, 5]), topK: 3)
        #expect(masks.text == [true, true, false, false, false])
        // The next stage's weights over the remaining three (masked ones have weight 0).
        masks.maskKeyPhrases(Tensor([0, 0, 0.1, 0.3, 0.6], shape: [1, 5]), topK: 3)
        #expect(masks.text == [true, true, false, true, true])
    }

    @Test("the guard skips an update that would mask every phrase, and fires only then")
    func guardKeepsAPhrase() {
        var masks = ProgressiveMasks(blocks: 4, phraseMask: prefixMask([2, 1], columns: 3))
        #expect(masks.maskKeyPhrases(Tensor([0.9, 0.1, 0, 1, 0, 0], shape: [2, 3]), topK: 3) == [false, false])
        #expect(masks.text == [true, false, true, false, true, true])             // weight 1 is not > 1/1
        #expect(masks.maskKeyPhrases(Tensor([0, 1, 0, 1, 0, 0], shape: [2, 3]), topK: 3) == [true, false])
        #expect(masks.text == [true, false, true, false, true, true])
    }

    @Test("padded phrases get no attention and do not change any output")
    func paddingIsInvisible() throws {
        let head = smallHead()
        let map = Tensor.randomNormal([2, 4, 6, 16], seed: 3)
        let mask = prefixMask([3, 5], columns: 5)
        let phrases = Tensor.randomNormal([2, 5, 16], seed: 4)
        let keep = mask.expandingDimension(at: -1)
        let changed = phrases * keep + (1 - keep) * 7                               // padded rows replaced
        let a = try runHead(head, map: map, phrases: phrases, mask: mask), b = try runHead(head, map: map, phrases: changed, mask: mask)
        #expect(a[.logits]!.scalars == b[.logits]!.scalars)
        for tap in [Tap.textLocalAttention, .textGlobalAttention] {
            for stage in stageRows(a[tap]!) { #expect(stage[0][3] == 0 && stage[0][4] == 0) }
        }
        #expect(stageRows(a[.textMasked]!).allSatisfy { $0[0][3] == 1 && $0[0][4] == 1 })
    }

    @Test("a sample without phrases gets zero text attention and finite outputs")
    func noPhrasesIsNotNaN() throws {
        let outputs = try runHead(smallHead(), map: Tensor.randomNormal([2, 4, 4, 16], seed: 5),
                                  phrases: Tensor.randomNormal([2, 4, 16], seed: 6), mask: prefixMask([0, 4], columns: 4))
        #expect(outputs[.logits]!.scalars.allSatisfy { $0.isFinite })
        #expect(stageRows(outputs[.textLocalAttention]!).allSatisfy { $0[0].allSatisfy { $0 == 0 } })
        #expect(stageRows(outputs[.textGlobalAttention]!).allSatisfy { $0[0].allSatisfy { $0 == 0 } })
    }

    @Test("the top-3 rule and the 1/p test match the stored traces: local weights of newly masked phrases exceed 1/p")
    func newlyMaskedPhrasesPassedTheTest() throws {
        let real = [6, 4, 2, 5]
        let outputs = try runHead(smallHead(seed: 9), map: Tensor.randomNormal([4, 4, 4, 16], seed: 7),
                                  phrases: Tensor.randomNormal([4, 6, 16], seed: 8), mask: prefixMask(real, columns: 6))
        let local = stageRows(outputs[.textLocalAttention]!), masked = stageRows(outputs[.textMasked]!)
        for b in 0..<4 {
            var before = (0..<6).map { $0 < real[b] ? Float(0) : 1 }
            for s in 0..<3 {
                let newly = (0..<6).filter { masked[s][b][$0] == 1 && before[$0] == 0 }
                #expect(newly.count <= 3)
                for i in newly { #expect(local[s][b][i] > 1 / Float(real[b])) }
                #expect(masked[s][b].contains(0), "sample \(b) lost every phrase at stage \(s)")
                before = masked[s][b]
            }
        }
    }
}
