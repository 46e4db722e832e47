// What `zoo info` shows beyond zoo.json: facts that need the built method code.
import ZooCommandLine
import ZooManifest

/// Run-time facts about an entry, shown after the manifest's facts by `zoo info` (and added as
/// extra keys to `zoo info --json`). Planned entries have no code, so they get none.
func runtimeDetails(for entry: ManifestEntry) throws -> [InfoDetail] {
    guard entry.status != .planned else { return [] }
    // LEAD: PARAMETER COUNTS AND TAPS GO HERE.
    // Look the entry up in the registry built from ZooCatalog.methodEntries, instantiate it from
    // `entry.tinyConfig` and `entry.config` (or count analytically), then append e.g.
    //   InfoDetail(key: "parameters", label: "Parameters", text: "151.3M (tiny: 0.6M)",
    //              json: .object(["default": .number(151_277_313), "tiny": .number(601_473)]))
    //   InfoDetail(key: "taps", label: "Taps", text: "logits, similarity, embedding.text, ...",
    //              json: .array([.string("logits"), ...]))
    // docs/cli-json.md lists `parameters` and `taps` as reserved keys for these.
    return []
}
