// Bi-Modal Progressive Mask Attention for Fine-Grained Recognition.
// Kaitao Song, Xiu-Shen Wei, Xiangbo Shu, Ren-Jie Song, Jianfeng Lu — IEEE TIP 2020.
// No arXiv id, no official code; formulas and choices: Tests/Fixtures/parity/README.md §2, §3.
//
// The PMA head: stacked stages that each pick one image part and the phrases that describe it,
// then mask both so the next stage looks elsewhere (Eqs. 1-9), and the classifier on
// F = [f_object; f_final^1; …; f_final^S] (Eq. 10). Per stage, as README §2 writes it:
//   a^v = softmax(SAM_v(x̃) + m^v);  f^v_global = Σ a^v x̃;  k = argmax a^v
//   f^v_local = GAP(Conv1×1(x_k));  a^t = softmax(QRM(f^v_local, z) + m^t);  f^t_local = Σ a^t z
//   m^t ← −∞ on the top-3 of a^t above 1/p;  ã^t = softmax(SAM_t(z) + m^t);  f^t_global = Σ ã^t z
//   f_final = FC([f^v_global; f^v_local; f^t_global; f^t_local]) (one FC for all stages);  m^v_k ← −∞
// Choices: README §3.1-3.11 (see PMAStage.swift, ProgressiveMasks.swift, BlockPartition.swift).
// Ours beyond the fixtures: a sample with no real phrase gets zero text features (both text
// attentions all 0) instead of a softmax over nothing; the fixtures never have one.
import ZooCore
import ZooNN
import ZooTensor

/// The Bi-modal PMA head over a feature map and phrase embeddings.
///
/// Keys: `stages.{s}.*` (see `PMAStage`), `fc.weight` `[d_final, d + d_local + 2·d_t]`,
/// `fc.bias`, `classifier.weight` `[C, d + S·d_final]`, `classifier.bias`.
public final class ProgressiveMaskAttention: Module {
    @Child(key: "stages") public var stages: [PMAStage]
    @Child(key: "fc") public var fuse: Linear
    @Child(key: "classifier") public var classifier: Linear
    public let mapWidth: Int, textWidth: Int, textTopK: Int

    public init(_ configuration: PMAConfiguration) {
        (mapWidth, textWidth, textTopK) = (configuration.mapWidth, configuration.textWidth, configuration.textTopK)
        super.init()
        let c = configuration
        stages = (0..<c.stages).map { _ in
            PMAStage(mapWidth: c.mapWidth, textWidth: c.textWidth, localWidth: c.localWidth, reduction: c.reduction)
        }
        fuse = Linear(c.mapWidth + c.localWidth + 2 * c.textWidth, c.finalWidth)
        classifier = Linear(c.mapWidth + c.stages * c.finalWidth, c.classes)
    }

    /// Runs every stage and the classifier.
    /// - map: X `[B, h, w, d]`, channels last, h and w even, hw/4 ≥ stages.
    /// - phrases: Z `[B, p, d_t]`; phraseMask: `[B, p]`, 1 for real phrases, 0 for padding.
    /// - Returns: taps `.logits` `[B, C]`, `.features` F `[B, d + S·d_final]`, `.objectFeature`
    ///   `[B, d]`, and the per-stage traces named like the fixture outputs (`attn_visual`
    ///   `[S, B, n]`, `selected_block` `[S, B]`, `visual_masked` `[S, B, n]`, `attn_text_local`,
    ///   `text_masked`, `attn_text_global` `[S, B, p]`, `f_final` `[S, B, d_final]`,
    ///   `guard_fired` `[S, B]`); decisions are stored as floats 0/1 or indices.
    public func callAsFunction(_ map: Tensor, phrases: Tensor, phraseMask: Tensor, model: String = "bimodal-pma") throws -> Outputs {
        try validate(map: map, phrases: phrases, phraseMask: phraseMask, model: model)
        let batch = map.shape[0]
        let blocks = BlockPartition.blocks(map)                         // [B, n, 4, d]
        let pooled = BlockPartition.maxPooled(blocks)                   // x̃ [B, n, d]
        let objectFeature = map.mean(axes: [1, 2])                      // f_object [B, d]
        var masks = ProgressiveMasks(blocks: blocks.shape[1], phraseMask: phraseMask)
        var trace = StageTrace()
        var finals: [Tensor] = []
        for stage in stages {
            // Vision: global attention over the unmasked blocks, then the most attended block.
            let visualAttention = stage.visualSAM(pooled).maskedSoftmax(masks.visualTensor)
            let visualGlobal = visualAttention.weightedSum(pooled)
            let selected = masks.mostAttendedBlocks(visualAttention)
            let visualLocal = stage.localFeature(BlockPartition.select(blocks, selected))
            // Text, local stream: the part feature queries the phrases (mask from earlier stages).
            let localAttention = stage.queryRelation(key: visualLocal, queries: phrases)
                .maskedSoftmax(masks.textTensor, rowHasEntries: masks.hasPhrases)
            let textLocal = localAttention.weightedSum(phrases)
            let fired = masks.maskKeyPhrases(localAttention, topK: textTopK)
            // Text, global stream: self-attention over the phrases that remain.
            let globalAttention = stage.textSAM(phrases).maskedSoftmax(masks.textTensor, rowHasEntries: masks.hasPhrases)
            let textGlobal = globalAttention.weightedSum(phrases)
            let final = fuse(Tensor.concatenate([visualGlobal, visualLocal, textGlobal, textLocal], axis: 1))
            masks.maskBlocks(selected)
            finals.append(final)
            trace.record(visualAttention: visualAttention, selected: selected, masks: masks, localAttention: localAttention,
                         globalAttention: globalAttention, final: final, guardFired: fired, batch: batch)
        }
        let feature = Tensor.concatenate([objectFeature] + finals, axis: 1)
        var outputs = trace.outputs()
        outputs[.logits] = classifier(feature)
        outputs[.features] = feature
        outputs[.objectFeature] = objectFeature
        return outputs
    }

    /// Every tap `callAsFunction` fills in.
    public static let taps: Set<Tap> = [.logits, .features, .objectFeature, .visualAttention, .selectedBlock, .visualMasked,
                                        .textLocalAttention, .textMasked, .textGlobalAttention, .stageFeatures, .guardFired]

    private func validate(map: Tensor, phrases: Tensor, phraseMask: Tensor, model: String) throws {
        func fail(_ input: String, _ expected: String, _ found: [Int], _ fix: String) -> BiModalPMAInputError {
            .shape(model: model, input: input, expected: expected, found: found, fix: fix)
        }
        guard map.rank == 4, map.shape[3] == mapWidth, map.shape[1] % 2 == 0, map.shape[2] % 2 == 0,
              map.shape[1] * map.shape[2] / 4 >= stages.count else {
            throw fail("features.map", "[B, h, w, \(mapWidth)] with h, w even and hw/4 ≥ \(stages.count)", map.shape,
                       "The feature map is channels last; its width must be the last of backboneChannels and it needs one 2×2 block per stage.")
        }
        guard phrases.rank == 3, phrases.shape[0] == map.shape[0], phrases.shape[2] == textWidth, phrases.shape[1] >= 1 else {
            throw fail("phrases.embedded", "[\(map.shape[0]), p, \(textWidth)] with p ≥ 1", phrases.shape,
                       "Phrase embeddings must have one row of p phrases per image and the configured textWidth.")
        }
        guard phraseMask.shape == Array(phrases.shape.prefix(2)) else {
            throw fail("phrases.mask", "[\(phrases.shape[0]), \(phrases.shape[1])]", phraseMask.shape,
                       "Give one 0/1 flag per phrase slot (1 = real phrase, 0 = padding).")
        }
    }
}

/// The per-stage decisions and features, stacked into `[S, …]` taps at the end.
struct StageTrace {
    private var visualAttention: [Tensor] = [], selected: [Tensor] = [], visualMasked: [Tensor] = []
    private var localAttention: [Tensor] = [], textMasked: [Tensor] = [], globalAttention: [Tensor] = []
    private var finals: [Tensor] = [], guardFired: [Tensor] = []

    mutating func record(visualAttention a: Tensor, selected k: [Int], masks: ProgressiveMasks, localAttention at: Tensor,
                         globalAttention ag: Tensor, final: Tensor, guardFired fired: [Bool], batch: Int) {
        visualAttention.append(a)
        selected.append(Tensor(k.map(Float.init), shape: [batch]))
        visualMasked.append(masks.visualTensor)
        localAttention.append(at)
        textMasked.append(masks.textTensor)
        globalAttention.append(ag)
        finals.append(final)
        guardFired.append(Tensor(fired.map { $0 ? 1 : 0 }, shape: [batch]))
    }

    func outputs() -> Outputs {
        Outputs([.visualAttention: Tensor.stack(visualAttention), .selectedBlock: Tensor.stack(selected),
                 .visualMasked: Tensor.stack(visualMasked), .textLocalAttention: Tensor.stack(localAttention),
                 .textMasked: Tensor.stack(textMasked), .textGlobalAttention: Tensor.stack(globalAttention),
                 .stageFeatures: Tensor.stack(finals), .guardFired: Tensor.stack(guardFired)])
    }
}
