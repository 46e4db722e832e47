// The logit scale after an optimizer step: under a head, CLIP4Clip clamps it to at most ln 100 and
// nothing below (main_task_retrieval.py's train_epoch); CLIP trained alone keeps open_clip's
// [0, ln 100].
import Foundation
import Testing
import CLIP
import ZooCatalog
import ZooCore
import ZooTensor

private let catalogRegistry = try! ZooCatalog.registry()

@Suite("Logit-scale clamp after a step")
struct LogitScaleClampTests {
    @Test("under a head: at most ln 100, a negative ln s stays as it is")
    func composedClampHasNoLowerBound() throws {
        let (model, _) = try catalogRegistry.composedModel(head: "clip4clip-meanp", backbone: "clip-tiny")
        let clip = try #require(model.backbone as? CLIPModel)
        clip.logitScale.assign(Tensor(scalar: -0.5))
        model.didUpdateParameters()
        #expect(clip.logitScale.item == -0.5)
        clip.logitScale.assign(Tensor(scalar: 7))
        model.didUpdateParameters()
        #expect(abs(clip.logitScale.item - Float(Foundation.log(100.0))) < 1e-6)
    }

    @Test("CLIP alone: clamped to [0, ln 100]")
    func aloneClampIsTwoSided() throws {
        let clip = try #require(try catalogRegistry.create("clip-tiny") as? CLIPModel)
        clip.logitScale.assign(Tensor(scalar: -0.5))
        clip.didUpdateParameters()
        #expect(clip.logitScale.item == 0)
    }
}
