// Heads become trainable models by composition with a backbone chosen by name: what `zoo train
// clip4clip-seqtransf --backbone clip-tiny` and `zoo eval … --weights` build.
import Foundation
import ZooManifest
import ZooNN
import ZooTensor

/// How a head was composed (for logs and `zoo info`).
public struct CompositionReport: Sendable {
    public var backbone: String
    /// Head keys copied from the backbone (seqTransf's text blocks), or why none were.
    public var initializedFromBackbone: Result<[String], HeadInitializationSkipped>?
}

extension Registry {
    /// Builds head `headName` over backbone `backboneName` (default: the head's config `backbone`),
    /// with the head's `embedDim` set to the backbone's width. `backboneWeights` loads a pretrained
    /// backbone (any format its registration accepts) before the head copies what the official
    /// code copies from it (`SimilarityHead.initialize(fromBackbone:)`). The backbone's method composes the two.
    public func composedModel(head headName: String, backbone backboneName: String? = nil, headOverrides: JSONNode? = nil,
                              backboneWeights: URL? = nil) throws -> (model: any ComposedHeadModel, report: CompositionReport) {
        let headEntry = try entry(headName)
        guard headEntry.kind == .head else {
            throw ZooError.wrongKind(name: headName, expected: "similarity head", actual: headEntry.kind.rawValue)
        }
        let headConfig = try config(for: headName, overrides: headOverrides)
        let chosen = try backboneName ?? headConfig.string("backbone")
        _ = try entry(chosen)
        guard let compose = composer(for: chosen) else {
            throw ZooError.invalidConfig(entry: headName, key: "backbone",
                                         problem: "\(chosen) is not a backbone a head can be composed with; use one of \(backboneNames.joined(separator: ", "))")
        }
        let backboneModule = try backboneWeights.map { try createFromWeights(chosen, weights: $0) } ?? create(chosen)
        guard let backbone = backboneModule as? any ContrastiveModel else {
            throw ZooError.invalidConfig(entry: headName, key: "backbone", problem: "\(chosen) did not build a contrastive text–video model")
        }
        var overrides = headOverrides ?? JSONNode.object(members: [])
        // The head works in the backbone's embedding space: a different width asked for (`--set
        // embedDim=…`) would be silently replaced, so it is an error instead.
        if let asked = overrides["embedDim"], !asked.isNull, asked.intValue != backbone.embeddingWidth {
            throw ZooError.invalidConfig(entry: headName, key: "embedDim",
                                         problem: "is \(asked), but a head composed over \(chosen) works at \(chosen)'s embedding width (\(backbone.embeddingWidth)); drop the setting, or choose a backbone of that width")
        }
        if headConfig.has("embedDim") {
            let width = JSONNode.object(members: [.init(key: "embedDim", value: JSONNode(.number(String(backbone.embeddingWidth))))])
            overrides = try ModelConfig.merge(overrides, width, entry: headName, allowingNewKeys: true)
        }
        let head = try createHead(headName, overrides: overrides)
        let initialization = head.initialize(fromBackbone: backbone.state())
        let model = try compose(CompositionRequest(backbone: backbone, backboneName: chosen, head: head, headName: headName,
                                                   headConfig: try config(for: headName, overrides: overrides)))
        return (model, CompositionReport(backbone: chosen, initializedFromBackbone: initialization))
    }
}
