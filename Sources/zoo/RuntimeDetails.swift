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
    if let effective = try registry.effectiveConfiguration(for: entry.name), let members = effective.members {
        let width = members.map(\.key.count).max() ?? 0
        let lines = members.map { "\($0.key.padding(toLength: width, withPad: " ", startingAt: 0))  \(JSONWriter.compact($0.value))" }
        details.append(InfoDetail(key: "effective_config", label: "Effective config",
                                  text: "(the method's defaults with zoo.json's config over them)\n" + lines.joined(separator: "\n"),
                                  json: effective))
    }
    let taps: Set<Tap>
    switch full {
    case let model as any ZooModel: taps = model.exposedTaps
    case let head as any SimilarityHead: taps = head.exposedTaps.union([.logits])
    case let loss as any DistillationLoss: taps = loss.requiredStudentTaps.union(loss.requiredTeacherTaps)
    default: taps = []
    }
    if let head = full as? any SimilarityHead { details += retrievalCost(of: head) }
    if !taps.isEmpty {
        let label = full is any DistillationLoss ? "Needs taps" : "Taps"
        details.append(InfoDetail(key: "taps", label: label, text: taps.sorted().map(\.rawValue).joined(separator: ", "),
                                  json: .array(taps.sorted().map { .string($0.rawValue) })))
    }
    return details
}

/// What scoring costs with this head (default config), counted by the engine on example
/// features: stored floats per video, FLOPs per text–video pair, and how memory stays bounded.
func retrievalCost(of head: any SimilarityHead) -> [InfoDetail] {
    let (texts, videos) = (2, 4)
    let (text, video) = head.exampleFeatures(textCount: texts, videoCount: videos, seed: 0)
    let width = text.sentence.shape[1], frames = video.frames.shape[1]
    var summary: String
    var json: [String: JSONNode] = [:]
    if let factorized = head.factorized {
        let perVideo = noGrad { FLOPCounter.count { _ = factorized.embedVideo(video) }.flops } / Double(videos)
        summary = String(format: "one %d-float vector per video (%.2f MFLOP to make it once); 2·%d FLOPs per text–video pair", width, perVideo / 1e6, width)
        json = ["stored_floats_per_video": .number(width), "flops_per_video": .number(Int(perVideo)), "flops_per_pair": .number(2 * width)]
    } else {
        // Marginal cost of one more caption against the same videos, per video: what a gallery pays
        // per pair once its videos' own work (temporal modules) is done.
        let (moreText, _) = head.exampleFeatures(textCount: texts + 1, videoCount: videos, seed: 0)
        let base = noGrad { FLOPCounter.count { _ = head.similarity(text: text, video: video) }.flops }
        let more = noGrad { FLOPCounter.count { _ = head.similarity(text: moreText, video: video) }.flops }
        let perPair = Swift.max(more - base, 0) / Double(videos)
        summary = String(format: "%d×%d frame features stored per video; %.2f MFLOP per text–video pair (every pair runs the head)", frames, width, perPair / 1e6)
        json = ["stored_floats_per_video": .number(frames * width), "flops_per_pair": .number(Int(perPair))]
    }
    if let describing = head as? any EvaluationMemoryDescribing {
        let note = describing.evaluationMemoryNote(textCount: 1000, videoCount: 1000)
        summary += "; a 1,000 × 1,000 evaluation " + note
        json["evaluation_memory"] = .string(note)
    }
    let members = json.sorted { $0.key < $1.key }.map { JSONNode.Member(key: $0.key, value: $0.value) }
    return [InfoDetail(key: "retrieval_cost", label: "Retrieval cost", text: summary, json: .object(members: members))]
}

/// 151277313 → "151.3M"; 601473 → "601.5K"; 12 → "12".
func formatCount(_ count: Int) -> String {
    switch count {
    case 1_000_000...: return String(format: "%.1fM", Double(count) / 1e6)
    case 1_000...: return String(format: "%.1fK", Double(count) / 1e3)
    default: return "\(count)"
    }
}
