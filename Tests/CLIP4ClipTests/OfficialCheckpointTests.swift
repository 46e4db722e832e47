// A full CLIP4Clip state dictionary in the official layout (`clip.*` in OpenAI's CLIP layout plus
// the head's keys, as the official `pytorch_model.bin` converted to safetensors holds it) loads
// into the composed model with no missing and no unused keys, and scores as the head alone does.
import Foundation
import Testing
import ZooCatalog
import ZooCore
import ZooNN
import ZooTensor
import ZooTestSupport

private let officialRegistry = try! ZooCatalog.registry()

@Suite("Official CLIP4Clip checkpoints")
struct OfficialCheckpointTests {
    @Test("clip.* from the tiny CLIP plus the seqTransf fixture's head keys load strictly and reproduce its logits")
    func officialLayoutLoadsStrictly() throws {
        let parity = try ParityCase(named: "clip4clip-seqtransf")
        let tinyCLIP = fixturesDirectory.appendingPathComponent("tiny-clip")
        let backbone = try officialRegistry.createPretrained("clip-tiny", weights: tinyCLIP)   // HF directory → OpenAI layout
        var official: [String: Tensor] = [:]
        for (key, tensor) in backbone.state() { official["clip." + key] = tensor }
        for (key, tensor) in parity.weights { official[key] = tensor }                       // its clip.logit_scale wins
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("clip4clip-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: file) }
        var writer = SafetensorsWriter()
        for (key, tensor) in official { try writer.add(key, floats: tensor.scalars, shape: tensor.shape) }
        try writer.write(to: file)

        let overrides = try ConfigOverrides(arguments: ["layers=3", "heads=2"]).overrides()
        let (model, _) = try officialRegistry.composedModel(head: "clip4clip-seqtransf", backbone: "clip-tiny", headOverrides: overrides)
        try model.loadWeights(from: file)   // strict: throws on any missing, unused or mis-shaped key
        #expect(Set(model.state().keys) == Set(official.keys))

        let video = VideoFeatures(frames: try parity.inputs.tensor("frames"), mask: try parity.inputs.tensor("video_mask"))
        let logits = noGrad { model.head.similarity(text: TextFeatures(sentence: try! parity.inputs.tensor("text")), video: video)[.logits]! }
        expectClose(logits.scalars, parity.outputs["logits"]!.scalars, absolute: 1e-4, relative: 1e-4, "composed seqTransf logits")
    }
}
