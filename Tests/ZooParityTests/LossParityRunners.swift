// Loss-only cases of the retrieval family: the symmetric cross-entropy every head trains with.
import ZooTensor
import ZooTestSupport

let lossParityRunners: [String: ParityRunner] = ["symmetric-ce": { try runSymmetricCrossEntropyCase($0, gradInputs: $1) }]

/// `symmetric-ce`: the row and column cross-entropies, their mean, and ∂loss/∂logits.
func runSymmetricCrossEntropyCase(_ parity: ParityCase, gradInputs: [String]) throws -> [String: Tensor] {
    let logits = try parity.inputs.tensor("logits")
    logits.requiresGrad = true
    let labels = IntTensor(Array(0..<Swift.min(logits.shape[0], logits.shape[1])))
    let rows = noGrad { logits.crossEntropy(labels: labels) }
    let columns = noGrad { logits.transposed().crossEntropy(labels: labels) }
    let loss = logits.symmetricCrossEntropy()
    loss.backward()
    return ["loss_rows": rows, "loss_cols": columns, "loss": loss, "grad.input.logits": logits.grad ?? Tensor.zeros(logits.shape)]
}
