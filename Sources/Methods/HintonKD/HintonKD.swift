// Distilling the Knowledge in a Neural Network.
// Hinton, Vinyals, Dean — 2015, arXiv:1503.02531. No official code; the loss's code-level form
// follows HobbitLong/RepDistiller `distiller_zoo/KD.py` (`DistillKL`), the reference used by the
// parity fixture (Tests/Fixtures/parity/hinton-kd).
// The registry entry: the `hinton-kd` loss and the two digits classifiers of the paper's MNIST
// experiment (`mlp-teacher`, `mlp-student`). Each lives in its own file.
// Deviations: the paper trains on MNIST (784 inputs) with jittered inputs; the zoo's digits set is
// the 8×8 UCI digits (64 inputs), and input dropout stands in for the jitter. The paper gives no
// optimizer; the digits recipe in zoo.json (AdamW, lr 0.01, weight decay 1e-4 except biases, 30
// epochs of 64) is the zoo's, chosen to converge in seconds (CRD.swift compares it with
// RepDistiller's SGD recipe).
import ZooCore

/// Registers `hinton-kd`, `mlp-teacher` and `mlp-student` under their zoo.json names.
public enum HintonKDEntry: MethodEntry {
    public static func register(in registry: inout Registry) throws {
        try registry.add(loss: "hinton-kd", configuration: HintonKDConfiguration.self) { HintonKDLoss($0) }
        try registry.add(model: "mlp-teacher", configuration: MLPConfiguration.self) { MLPClassifier($0, name: "mlp-teacher") }
        try registry.add(model: "mlp-student", configuration: MLPConfiguration.self) { MLPClassifier($0, name: "mlp-student") }
    }
}
