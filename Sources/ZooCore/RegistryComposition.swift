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
    /// code copies from it (`BackboneInitializedHead`).
    public func composedModel(head headName: String, backbone backboneName: String? = nil, headOverrides: JSONNode? = nil,
                              backboneWeights: URL? = nil) throws -> (model: ComposedRetrievalModel, report: CompositionReport) {
        let headEntry = try entry(headName)
        guard headEntry.kind == .head else {
            throw ZooError.wrongKind(name: headName, expected: "similarity head", actual: headEntry.kind.rawValue)
        }
        let headConfig = try config(for: headName, overrides: headOverrides)
        let chosen = try backboneName ?? headConfig.string("backbone", default: "clip-vit-b32")
        let backboneModule = try backboneWeights.map { try createFromWeights(chosen, weights: $0) } ?? create(chosen)
        guard let backbone = backboneModule as? any ContrastiveModel else {
            throw ZooError.invalidConfig(entry: headName, key: "backbone",
                                         problem: "\(chosen) is not a contrastive text–video model; use a clip-* entry (`zoo list 'clip-*'`)")
        }
        var overrides = headOverrides ?? JSONNode.object(members: [])
        if headConfig.has("embedDim") {
            let width = JSONNode.object(members: [.init(key: "embedDim", value: JSONNode(.number(String(backbone.embeddingWidth))))])
            overrides = try ModelConfig.merge(overrides, width, entry: headName, allowingNewKeys: true)
        }
        let head = try createHead(headName, overrides: overrides)
        let initialization = (head as? any BackboneInitializedHead)?.initialize(fromBackbone: backbone.state())
        let finalConfig = try config(for: headName, overrides: overrides)
        let model = ComposedRetrievalModel(backbone: backbone, backboneName: chosen, head: head, headName: headName,
                                           exampleFrames: try finalConfig.positiveInt("frames", default: 4),
                                           exampleWords: try finalConfig.positiveInt("words", default: 8))
        return (model, CompositionReport(backbone: chosen, initializedFromBackbone: initialization))
    }
}
