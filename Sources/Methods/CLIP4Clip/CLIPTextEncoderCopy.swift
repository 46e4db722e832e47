// CLIP4Clip's start from CLIP's text encoder (modules/modeling.py from_pretrained / init_preweight):
// a head's transformer takes CLIP's text blocks 0…L−1 and its position table takes
// `positional_embedding`. seqTransf (`transformerClip.*`, `frame_position_embeddings.weight`) and
// tightTransf (`cross.transformer.*`, `cross.embeddings.position_embeddings.weight`) both do it.
import ZooCore
import ZooNN
import ZooTensor

extension Module {
    /// Copies CLIP's text `positional_embedding` into `positions` (stored under `positionsKey`)
    /// and CLIP's `transformer.*` blocks into `transformer` (stored under `transformerKey`), all
    /// relative to this module. Returns the keys set, or why nothing was copied (a text width
    /// other than the head's, as in clip-tiny; `what` names the head's part in that message).
    func copyCLIPTextEncoder(from backboneState: [String: Tensor], positions: Tensor, positionsKey: String,
                             transformer: Module, transformerKey: String, what: String) -> Result<[String], HeadInitializationSkipped> {
        guard let textPositions = backboneState["positional_embedding"] else {
            return .failure(HeadInitializationSkipped("the backbone has no text `positional_embedding`"))
        }
        guard textPositions.shape == positions.shape else {
            return .failure(HeadInitializationSkipped(
                "CLIP's text positions are \(textPositions.shape) but the \(what)'s are \(positions.shape) (text width ≠ embedding width); kept the official fresh initialisation"))
        }
        var copied: [String: Tensor] = [positionsKey: textPositions]
        for (key, tensor, _) in transformer.namedTensors() {
            guard let source = backboneState["transformer." + key] else {
                return .failure(HeadInitializationSkipped("the backbone's text encoder has no `transformer.\(key)`"))
            }
            guard source.shape == tensor.shape else {
                return .failure(HeadInitializationSkipped("`\(transformerKey).\(key)` is \(tensor.shape) here but \(source.shape) in the backbone"))
            }
            copied[transformerKey + "." + key] = source
        }
        do { try load(state: copied, strict: false, source: "the backbone's text encoder") } catch {
            return .failure(HeadInitializationSkipped("\(error)"))
        }
        return .success(copied.keys.sorted())
    }
}
