// What `zoo info` shows beyond zoo.json: facts that need the built method code.
import Foundation
import ZooCatalog
import ZooCommandLine
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor

/// The registry of every built method, made once per process.
func makeRegistry(manifest: Manifest) throws -> Registry {
    try Registry(manifest: manifest, entries: ZooCatalog.methodEntries)
}

/// Run-time facts about an entry: parameter counts of the default and tiny configs (counted on
/// instantiated modules, not estimated) and the taps it exposes. Planned entries have no code.
func runtimeDetails(for entry: ManifestEntry, registry: Registry) throws -> [InfoDetail] {
    guard entry.status != .planned, entry.kind != .recipe else { return [] }
    let full = try noGrad { try registry.create(entry.name) }
    let tiny = try noGrad { try registry.create(entry.name, tiny: true) }
    var details = [
        InfoDetail(key: "parameters", label: "Parameters",
                   text: "\(formatCount(full.parameterCount)) (tiny: \(formatCount(tiny.parameterCount)))",
                   json: .object(["default": .number(full.parameterCount), "tiny": .number(tiny.parameterCount)])),
    ]
    let taps: Set<Tap>
    switch full {
    case let model as any ZooModel: taps = model.exposedTaps
    case let head as any SimilarityHead: taps = head.exposedTaps.union([.logits])
    case let loss as any DistillationLoss: taps = loss.requiredStudentTaps.union(loss.requiredTeacherTaps)
    default: taps = []
    }
    if !taps.isEmpty {
        let label = full is any DistillationLoss ? "Needs taps" : "Taps"
        details.append(InfoDetail(key: "taps", label: label, text: taps.sorted().map(\.rawValue).joined(separator: ", "),
                                  json: .array(taps.sorted().map { .string($0.rawValue) })))
    }
    return details
}

/// 151277313 → "151.3M"; 601473 → "601.5K"; 12 → "12".
func formatCount(_ count: Int) -> String {
    switch count {
    case 1_000_000...: return String(format: "%.1fM", Double(count) / 1e6)
    case 1_000...: return String(format: "%.1fK", Double(count) / 1e3)
    default: return "\(count)"
    }
}
