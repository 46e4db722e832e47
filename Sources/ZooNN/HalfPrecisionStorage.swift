// fp16 storage under fp32 arithmetic, for the recipes whose official code trains CLIP in fp16:
// CLIP4Clip, X-CLIP and TeachCLIP call CLIP's `convert_weights` on the backbone (clip/model.py:
// Conv/Linear weights and biases, the attention's packed projections, `text_projection` and
// `proj` become half), and BertAdam, creating its moments `zeros_like(p)`, keeps them in half too.
// Here the values are computed in fp32 and rounded to the nearest fp16 after every update (and
// once at the start, as the conversion does), which keeps the storage's resolution loss: an update
// smaller than half a unit in the last place of fp16 is lost, as it is there. Deviation: PyTorch
// computes the gradient and the moment updates themselves in fp16; here they are fp32 until stored.
import ZooTensor

/// The parameters stored at fp16 resolution, with their optimizer slots.
public struct HalfPrecisionStorage: Sendable {
    /// Parameter keys, as the optimizer names them (`clip.visual.conv1.weight`, …).
    public let keys: Set<String>

    public init(keys: Set<String>) { self.keys = keys }

    /// Rounds every value of `tensor` to the nearest fp16 value (ties to even), in place.
    public static func round(_ tensor: Tensor) {
        tensor.withUnsafeMutableBufferPointer { values in
            for index in values.indices { values[index] = Float(Float16(values[index])) }
        }
    }

    /// Rounds the weights in `keys` among `parameters`, and every optimizer slot of theirs
    /// (`KEY.next_m`, `KEY.next_v`, … in `optimizerState`).
    public func apply(to parameters: [OptimizedParameter], optimizerState: [String: Tensor]) {
        for parameter in parameters where keys.contains(parameter.key) { Self.round(parameter.tensor) }
        // A slot is "KEY.NAME" with a dot-free NAME, so its parameter is everything before the last dot.
        for (name, slot) in optimizerState {
            guard let dot = name.lastIndex(of: "."), keys.contains(String(name[..<dot])) else { continue }
            Self.round(slot)
        }
    }
}
