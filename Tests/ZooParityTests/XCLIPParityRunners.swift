// Parity runner of the X-CLIP case: the shared head runner (registry build, strict weight load,
// ½[CrossEn(S) + CrossEn(Sᵀ)], every tap and gradient), with the word count set as well, since
// X-CLIP's T×T matrices are sized by it. The four scaled scores are taps named like the outputs.
import ZooTensor
import ZooTestSupport

let xclipParityRunners: [String: ParityRunner] = [
    "xclip": { parity, gradInputs in
        let sizes = [("embedDim", "D"), ("frames", "F"), ("words", "Lw"), ("layers", "layers"), ("heads", "heads")]
        return try runHeadCase(parity, gradInputs: gradInputs, overrides: try parityOverrides(parity, sizes: sizes))
    },
]
