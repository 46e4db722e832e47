// `freezeLayers`, CLIP4Clip's `--freeze_layer_num`: the CLIP parameters left to train are exactly
// those the official loop leaves (main_task_retrieval.py, "freeze testing"), whose test is
// transcribed here as it reads: a name trains when it starts with ln_final., text_projection,
// logit_scale, visual.ln_post. or visual.proj, or names a residual block numbered N or more.
import Foundation
import Testing
import ZooCatalog
import ZooCore
import ZooNN
import ZooTestSupport

private let catalogRegistry = try! ZooCatalog.registry()

/// The official rule for CLIP parameter `name` (without the `clip.` prefix).
private func officiallyTrains(_ name: String, freezeLayers: Int) -> Bool {
    guard freezeLayers > -1 else { return true }
    for prefix in ["ln_final.", "text_projection", "logit_scale", "visual.ln_post.", "visual.proj"] where name.hasPrefix(prefix) { return true }
    if name.hasPrefix("visual.transformer.resblocks.") || name.hasPrefix("transformer.resblocks.") {
        let layer = Int(name.components(separatedBy: ".resblocks.")[1].split(separator: ".")[0])!
        if layer >= freezeLayers { return true }
    }
    return false
}

@Suite("freezeLayers (CLIP4Clip's --freeze_layer_num)")
struct FreezeLayersTests {
    @Test("the trainable CLIP parameters equal the official rule's for -1, 0, 1 and 2, for every CLIP4Clip-family head",
          arguments: ["clip4clip-meanp", "clip4clip-tighttransf", "xclip", "teachclip"], [-1, 0, 1, 2])
    func trainableSetIsOfficial(head: String, freezeLayers: Int) throws {
        let overrides = try ConfigOverrides(arguments: ["freezeLayers=\(freezeLayers)"]).overrides()
        let (model, _) = try catalogRegistry.composedModel(head: head, backbone: "clip-tiny", headOverrides: overrides)
        let rules = try catalogRegistry.parameterRules(for: head, config: try catalogRegistry.config(for: head, overrides: overrides))
        let trained = Set(model.optimizedParameters(weightDecay: 0, rules: rules).map(\.key))
        let clipKeys = model.namedParameters().map(\.key).filter { $0.hasPrefix("clip.") }
        #expect(!clipKeys.isEmpty)
        for key in clipKeys {
            let name = String(key.dropFirst("clip.".count))
            #expect(trained.contains(key) == officiallyTrains(name, freezeLayers: freezeLayers), "\(head) freezeLayers \(freezeLayers): \(key)")
        }
        // The head's own parameters always train.
        #expect(model.namedParameters().map(\.key).filter { !$0.hasPrefix("clip.") }.allSatisfy(trained.contains))
    }

    @Test("for -1, 0 and 3 the trainable set equals the fixture made from OpenAI's CLIP class and the official loop",
          arguments: [-1, 0, 3])
    func matchesThePyTorchFixture(freezeLayers: Int) throws {
        // Tests/Fixtures/clip/freeze-layers.json, by scripts/make-freeze-fixture.py (2 blocks per tower, as clip-tiny).
        let url = fixturesDirectory.appendingPathComponent("clip/freeze-layers.json")
        let fixture = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let all = Set(try #require(fixture["all_parameters"] as? [String]))
        let expected = Set(try #require((fixture["trainable"] as? [String: [String]])?["\(freezeLayers)"]))
        let overrides = try ConfigOverrides(arguments: ["freezeLayers=\(freezeLayers)"]).overrides()
        let (model, _) = try catalogRegistry.composedModel(head: "clip4clip-meanp", backbone: "clip-tiny", headOverrides: overrides)
        let rules = try catalogRegistry.parameterRules(for: "clip4clip-meanp", config: try catalogRegistry.config(for: "clip4clip-meanp", overrides: overrides))
        let clipKeys = Set(model.namedParameters().map(\.key).filter { $0.hasPrefix("clip.") }.map { String($0.dropFirst("clip.".count)) })
        #expect(clipKeys == all, "the zoo's CLIP names differ from OpenAI's: \(clipKeys.symmetricDifference(all).sorted())")
        let trained = Set(model.optimizedParameters(weightDecay: 0, rules: rules).map(\.key).filter { $0.hasPrefix("clip.") }
            .map { String($0.dropFirst("clip.".count)) })
        #expect(trained == expected, "\(trained.symmetricDifference(expected).sorted())")
    }

    @Test("the default, 0, freezes CLIP's embeddings and patch stem and nothing else")
    func defaultFreezesTheStems() throws {
        let (model, _) = try catalogRegistry.composedModel(head: "clip4clip-meanp", backbone: "clip-tiny")
        let rules = try catalogRegistry.parameterRules(for: "clip4clip-meanp", config: try catalogRegistry.config(for: "clip4clip-meanp"))
        let frozen = Set(model.namedParameters().map(\.key)).subtracting(model.optimizedParameters(weightDecay: 0, rules: rules).map(\.key))
        #expect(frozen == ["clip.token_embedding.weight", "clip.positional_embedding", "clip.visual.class_embedding",
                           "clip.visual.positional_embedding", "clip.visual.conv1.weight", "clip.visual.ln_pre.weight", "clip.visual.ln_pre.bias"])
    }

    @Test("values outside -1...12 are refused, as the official assert does")
    func outOfRange() throws {
        for value in ["-2", "13"] {
            let overrides = try ConfigOverrides(arguments: ["freezeLayers=\(value)"]).overrides()
            #expect(throws: ZooError.self) { _ = try catalogRegistry.createHead("clip4clip-meanp", overrides: overrides) }
        }
    }
}
