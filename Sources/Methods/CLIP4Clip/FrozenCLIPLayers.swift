// CLIP4Clip's `--freeze_layer_num` (main_task_retrieval.py, the "freeze testing" block after
// init_model; X-CLIP's and TeachCLIP's scripts keep it): with N > −1, every CLIP parameter is
// frozen except `ln_final.*`, `text_projection`, `logit_scale`, `visual.ln_post.*`, `visual.proj`
// and the residual blocks numbered N or more of either tower. The default, 0, used by every
// official script, so freezes the token and position embeddings, `visual.class_embedding`,
// `visual.positional_embedding`, `visual.conv1` and `visual.ln_pre`; −1 freezes nothing.
// Deviation: none for CLIP's keys; the rules name the frozen keys explicitly (the stems and blocks
// 0…N−1), which is the same set, since those are all the other keys a CLIP has.
import ZooCore
import ZooNN

/// The parameter rules of `freezeLayers` over a head's CLIP backbone (keys under `clip.`).
public enum FrozenCLIPLayers {
    /// Where a composed head keeps its backbone's parameters.
    public static let backbonePrefix = "clip."

    /// CLIP's parameters outside the residual blocks that the official rule freezes whenever
    /// N > −1 (everything but `ln_final`, `text_projection`, `logit_scale`, `ln_post`, `proj`).
    public static let stems = ["token_embedding.*", "positional_embedding", "visual.class_embedding",
                               "visual.positional_embedding", "visual.conv1.*", "visual.ln_pre.*"]

    /// The official range of `--freeze_layer_num`.
    public static let allowed = -1...12

    /// Frozen rules for `freezeLayers` N: none for −1; the stems and blocks 0…N−1 of both towers otherwise.
    public static func rules(freezeLayers: Int) -> [ParameterGroupRule] {
        guard freezeLayers > -1 else { return [] }
        let blocks = (0..<freezeLayers).flatMap { ["transformer.resblocks.\($0).*", "visual.transformer.resblocks.\($0).*"] }
        return (stems + blocks).map { ParameterGroupRule(backbonePrefix + $0, frozen: true) }
    }

    /// Refuses values outside −1…12, as the official assert does.
    public static func validate(_ freezeLayers: Int, entry: String) throws {
        guard allowed.contains(freezeLayers) else {
            throw ZooError.invalidConfig(entry: entry, key: "freezeLayers",
                                         problem: "must be from -1 (train all of CLIP) to 12 (freeze every block), got \(freezeLayers); the official scripts use 0")
        }
    }
}
