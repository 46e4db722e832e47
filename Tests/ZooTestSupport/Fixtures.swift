// Finding the project's own test fixtures (Tests/Fixtures), copied from the PyTorch-made cases.
import Foundation
import ZooNN
import ZooTensor

/// The `Tests/Fixtures` folder of this checkout. Tests run from the source tree, so the path is
/// derived from this file's location rather than bundled as a resource.
public let fixturesDirectory: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

/// One PyTorch parity case: `case.json` plus weights, inputs and outputs as tensors.
public struct ParityCase {
    public let directory: URL
    public let name: String
    public let config: [String: Any]
    public let weights: [String: Tensor]
    public let inputs: SafetensorsFile
    public let outputs: [String: Tensor]
    /// Per-output float32 error of a plain PyTorch run (tolerance hints).
    public let float32Errors: [String: Double]

    public init(directory: URL) throws {
        self.directory = directory
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("case.json"))) as? [String: Any] ?? [:]
        name = json["case"] as? String ?? directory.lastPathComponent
        config = json["config"] as? [String: Any] ?? [:]
        float32Errors = json["torch_float32_max_abs_err"] as? [String: Double] ?? [:]
        weights = try SafetensorsFile(contentsOf: directory.appendingPathComponent("weights.safetensors")).tensors()
        inputs = try SafetensorsFile(contentsOf: directory.appendingPathComponent("inputs.safetensors"))
        outputs = try SafetensorsFile(contentsOf: directory.appendingPathComponent("outputs.safetensors")).tensors()
    }

    /// The parity case in `Tests/Fixtures/parity/<name>`.
    public init(named name: String) throws {
        try self.init(directory: fixturesDirectory.appendingPathComponent("parity").appendingPathComponent(name))
    }

    /// Weights under `prefix` with the prefix removed (e.g. `transformerClip.`).
    public func weights(under prefix: String) -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: weights.compactMap { key, value in
            key.hasPrefix(prefix) ? (String(key.dropFirst(prefix.count)), value) : nil
        })
    }

    /// Tolerance for an output: `1e-4 + 1e-4|b|`, or 10x PyTorch's own float32 error if larger.
    public func absoluteTolerance(for output: String) -> Float {
        Swift.max(1e-4, Float(10 * (float32Errors[output] ?? 0)))
    }
}
