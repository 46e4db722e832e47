// Checkpoints that resume exactly: model, optimizer and loss state as tensors, the trainer's
// position and random state as metadata, all in one safetensors file written atomically.
import Foundation
import ZooManifest
import ZooNN
import ZooTensor

/// Where a run stands, stored in the checkpoint's metadata.
public struct TrainerState: Codable, Sendable, Equatable {
    public var model: String
    public var step: Int
    public var totalSteps: Int
    public var epoch: Int
    public var batchInEpoch: Int
    /// The dropout generator's state, as four decimal strings (JSON numbers lose 64-bit precision).
    public var randomState: [String]
    public var bestMetric: Double?
    public var bestStep: Int?
    public var recipe: TrainingRecipe
    public var seed: UInt64
}

/// Why a checkpoint cannot be used to resume.
public enum CheckpointError: Error, CustomStringConvertible {
    case notATrainingCheckpoint(String)
    case differentRun(String, expected: String, found: String)
    case unreadableState(String, detail: String)

    public var description: String {
        switch self {
        case let .notATrainingCheckpoint(file):
            return "\(file) has no trainer state: it is a weights file, not a training checkpoint. Use it with --init to start from these weights."
        case let .unreadableState(file, detail):
            return "\(file)'s trainer state cannot be read (\(detail)); it was probably written by an older zoo, whose runs cannot be resumed. Start the run again in another folder, or use \(file) with --init to start from its weights."
        case let .differentRun(file, expected, found):
            return "\(file) was written by another run (\(found)); this run is \(expected). Resume with the same model and recipe, or choose another --out."
        }
    }
}

enum TrainingCheckpoint {
    static let metadataKey = "zoo.trainer"

    /// Writes model, optimizer and loss tensors plus `state`, atomically (temp file, fsync, rename).
    static func save(to url: URL, state: TrainerState, model: Module, optimizer: any Optimizer, losses: [(String, Module)]) throws {
        // Sorted keys: the same run writes the same bytes (dictionary order differs per process).
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let metadata = String(decoding: try encoder.encode(state), as: UTF8.self)
        var writer = SafetensorsWriter(metadata: [metadataKey: metadata])
        func add(_ prefix: String, _ tensors: [String: Tensor]) throws {
            for (key, tensor) in tensors {
                try tensor.withUnsafeBufferPointer { try writer.add(prefix + key, floats: $0, shape: tensor.shape) }
            }
        }
        try add("model/", model.state())
        try add("optimizer/", optimizer.state())
        for (name, loss) in losses { try add("loss/\(name)/", loss.state()) }
        try writer.write(to: url)
    }

    /// Restores what `save` wrote; the model, optimizer and losses must be built the same way.
    static func load(from url: URL, model: Module, optimizer: any Optimizer, losses: [(String, Module)]) throws -> TrainerState {
        let file = try SafetensorsFile(contentsOf: url)
        guard let text = file.metadata[metadataKey] else { throw CheckpointError.notATrainingCheckpoint(url.lastPathComponent) }
        let state: TrainerState
        do { state = try JSONDecoder().decode(TrainerState.self, from: Data(text.utf8)) } catch {
            throw CheckpointError.unreadableState(url.lastPathComponent, detail: "\(error)")
        }
        let tensors = try file.tensors()
        func part(_ prefix: String) -> [String: Tensor] {
            Dictionary(uniqueKeysWithValues: tensors.compactMap { key, value in
                key.hasPrefix(prefix) ? (String(key.dropFirst(prefix.count)), value) : nil
            })
        }
        try model.load(state: part("model/"), source: url.lastPathComponent)
        try optimizer.load(state: part("optimizer/"))
        for (name, loss) in losses { try loss.load(state: part("loss/\(name)/"), source: url.lastPathComponent) }
        return state
    }
}

extension RandomGenerator {
    /// The state as decimal strings, for JSON.
    var stateStrings: [String] { let s = state; return [s.0, s.1, s.2, s.3].map(String.init) }

    /// A generator restored from `stateStrings`.
    init?(stateStrings: [String]) {
        let values = stateStrings.compactMap(UInt64.init)
        guard values.count == 4 else { return nil }
        self.init(seed: 0)
        state = (values[0], values[1], values[2], values[3])
    }
}

extension Module {
    /// Loads weights strictly: a `zoo train` checkpoint's `model/` tensors, or a plain state
    /// dictionary in this module's key layout (e.g. an official checkpoint converted to safetensors).
    public func loadWeights(from url: URL) throws {
        let file = try SafetensorsFile(contentsOf: url)
        let prefix = file.metadata[TrainingCheckpoint.metadataKey] != nil ? "model/" : ""
        var state: [String: Tensor] = [:]
        for entry in file.entries where entry.name.hasPrefix(prefix) { state[String(entry.name.dropFirst(prefix.count))] = try file.tensor(entry.name) }
        try load(state: state, source: url.lastPathComponent)
    }
}

extension Registry {
    /// Builds `name` from weights at `url`: a training checkpoint written by `zoo train` (its
    /// `model/` tensors are loaded strictly into a model built from the config), or any weights
    /// format the model's registration accepts (see `createPretrained`).
    public func createFromWeights(_ name: String, weights url: URL, overrides: JSONNode? = nil) throws -> Module {
        if let file = try? SafetensorsFile(contentsOf: url), file.metadata[TrainingCheckpoint.metadataKey] != nil {
            let module = try create(name, overrides: overrides)
            let prefix = "model/"
            var state: [String: Tensor] = [:]
            for entry in file.entries where entry.name.hasPrefix(prefix) {
                state[String(entry.name.dropFirst(prefix.count))] = try file.tensor(entry.name)
            }
            try module.load(state: state, source: url.lastPathComponent)
            return module
        }
        return try createPretrained(name, weights: url, overrides: overrides)
    }
}
