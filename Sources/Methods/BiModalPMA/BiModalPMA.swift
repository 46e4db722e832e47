// Bi-Modal Progressive Mask Attention for Fine-Grained Recognition.
// Kaitao Song, Xiu-Shen Wei, Xiangbo Shu, Ren-Jie Song, Jianfeng Lu — IEEE TIP 2020
// (vol. 29, pp. 7006-7018). No arXiv version and no official code: everything here follows the
// paper's equations as Tests/Fixtures/parity/README.md §2 ("bimodal-pma") writes them, and every
// place the paper is ambiguous takes the choice listed in that README's §3 "Bi-modal PMA".
//
// The registry entry of the target: three zoo.json names, one entry type.
//   bimodal-pma     the bi-modal teacher: cnn-small feature map + phrase LSTM → PMA head → logits
//   cnn-small       the image-only CNN: PMA's backbone, the baseline and the distillation student
//   bimodal-pma-kd  Eq. (11): soft cross-entropy of an image-only student to the teacher's
//                   class probabilities (temperature 1, no label term: README §3.12)
// The paper's backbones (ResNet-50 / VGG-16 at 448 px, CUB-200-2011) are recorded as zoo.json
// variants; they are not built here (`backbone` other than "cnn-small" is a config error).
//
// Where the paper is ambiguous (README §3 "Bi-modal PMA", numbers as there; all as the fixtures):
//   1 QRM score = zᵀ W_q f (the sum of y ⊙ W_q x)      2 no biases in SAM/QRM; conv, FC, classifier have them
//   3 W1 stored [d/r, d], W2 [1, d/r], W_q [d_t, d_local]   4 separate SAM_v/conv/QRM/SAM_t per stage, one shared FC
//   5 Eqs. (5)/(6) read as softmax over j = 1..p           6 text mask updated after the local stream, before the
//     global one; visual mask at the end of the stage     7 1/p with p = the sample's real phrases; top-3 among the
//     current local weights                               8 padding always −∞   9 guard: never empty a sample's phrases
//   10 x_max = the un-pooled 2×2 block; GAP(Conv1×1) = W_c·mean + b_c   11 f_object = GAP of the full map
//   12 mean CE (Eq. 10) and mean soft CE at temperature 1 with no label term (Eq. 11)   13 student: any image-only
//     classifier (cnn-small)   14 3 stages, r = 16, d and d_t multiples of r, h and w even, hw/4 ≥ stages.
// Ours, beyond what the fixtures test (they start from X and Z): the CNN trunk (ConvBackbone.swift), the phrase
// encoder's last-valid-state readout (PhraseEncoder.swift), zero text features for a sample with no phrase
// (ProgressiveMaskAttention.swift) and the max-pool tie rule (BlockPartition.swift). No choice differs from the
// fixtures.
import ZooCommandLine
import ZooCore
import ZooNN
import ZooTensor

/// Registers `bimodal-pma`, `cnn-small` and `bimodal-pma-kd`.
public enum BiModalPMAEntry: MethodEntry {
    public static func register(in registry: inout Registry) throws {
        try registry.add(model: "bimodal-pma", configuration: PMAConfiguration.self) { try BiModalPMAModel($0) }
        try registry.add(model: "cnn-small", configuration: SmallCNNConfiguration.self) { try SmallCNN($0) }
        try registry.add(loss: "bimodal-pma-kd") { _ in PMADistillationLoss() }
    }

    /// `zoo attention`: the picture of what each PMA stage looked at.
    public static func commands(registry: Registry) -> [any Command] { [AttentionPictureCommand(registry: registry)] }
}

extension Tap {
    /// `[B, d]` f_object: the mean of the feature map over all h·w positions (README §3.11).
    public static let objectFeature: Tap = "f_object"
    /// `[S, B, n]` a^v per stage: visual attention over the n = hw/4 blocks (≈0 at masked blocks).
    public static let visualAttention: Tap = "attn_visual"
    /// `[S, B]` index of the block each stage attends to most (argmax a^v), as floats.
    public static let selectedBlock: Tap = "selected_block"
    /// `[S, B, n]` 1 where a block is masked after stage s (the mask stage s + 1 uses).
    public static let visualMasked: Tap = "visual_masked"
    /// `[S, B, p]` a^t per stage: the QRM (local) text attention, mask from earlier stages.
    public static let textLocalAttention: Tap = "attn_text_local"
    /// `[S, B, p]` 1 where a phrase is masked after stage s's update (padding included).
    public static let textMasked: Tap = "text_masked"
    /// `[S, B, p]` ã^t per stage: the SAM (global) text attention over the remaining phrases.
    public static let textGlobalAttention: Tap = "attn_text_global"
    /// `[S, B, d_final]` f_final^s = FC([f_vision; f_text]) per stage.
    public static let stageFeatures: Tap = "f_final"
    /// `[S, B]` 1 where the "never empty the phrase set" guard skipped a sample's update (§3.9).
    public static let guardFired: Tap = "guard_fired"
}

/// A batch whose inputs cannot feed a Bi-modal PMA model, with the cause and the fix.
public enum BiModalPMAInputError: Error, CustomStringConvertible, Equatable {
    /// `input` has shape `found`; it must be `expected`.
    case shape(model: String, input: String, expected: String, found: [Int], fix: String)

    public var description: String {
        switch self {
        case let .shape(model, input, expected, found, fix):
            return "\(model): input '\(input)' has shape \(found), expected \(expected). \(fix)"
        }
    }
}
