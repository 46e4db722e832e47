// Loading and saving module state: strict by default, with a report of every key that did not
// line up, so "no missing and no unused keys" is checked rather than hoped for.
import Foundation
import ZooTensor

/// What happened when a state dictionary met a module.
public struct StateLoadReport: Equatable, Sendable {
    /// Keys the module has but the state lacks.
    public var missing: [String] = []
    /// Keys the state has but the module does not use.
    public var unused: [String] = []
    /// Keys present on both sides with different shapes.
    public var mismatched: [ShapeMismatch] = []
    /// Keys loaded.
    public var loaded: Int = 0

    public struct ShapeMismatch: Equatable, Sendable {
        public let key: String
        public let expected: [Int]
        public let found: [Int]
        public init(key: String, expected: [Int], found: [Int]) {
            (self.key, self.expected, self.found) = (key, expected, found)
        }
    }

    /// True when every key matched in name and shape.
    public var isClean: Bool { missing.isEmpty && unused.isEmpty && mismatched.isEmpty }
}

/// A checkpoint that does not fit the module it is loaded into.
public enum StateLoadError: Error, CustomStringConvertible, Equatable {
    case incompatible(StateLoadReport, source: String, model: String)
    /// A tensor holding NaN or infinity: `count` of its `total` values are not finite.
    case nonFinite(key: String, count: Int, total: Int, source: String)

    public var description: String {
        switch self {
        case let .incompatible(report, source, model):
            var lines = ["\(source) does not match \(model):"]
            if !report.missing.isEmpty {
                lines.append("  \(report.missing.count) weights the model needs are missing, e.g. \(report.missing.prefix(3).joined(separator: ", "))")
            }
            if !report.unused.isEmpty {
                lines.append("  \(report.unused.count) weights in the file are not used by the model, e.g. \(report.unused.prefix(3).joined(separator: ", "))")
            }
            for mismatch in report.mismatched.prefix(3) {
                lines.append("  \(mismatch.key): the model expects shape \(mismatch.expected), the file has \(mismatch.found)")
            }
            lines.append("Was it saved from another architecture or configuration? `zoo info` lists what each model expects.")
            return lines.joined(separator: "\n")
        case let .nonFinite(key, count, total, source):
            return "\(source): weight \(key) holds \(count) NaN or infinite values (of \(total)); nothing was loaded. "
                + "The file is damaged or was saved by a run that diverged: re-export it, or use an earlier checkpoint "
                + "(--allow-nonfinite loads it anyway)."
        }
    }
}

extension Module {
    /// Copies `state` into this module's tensors (in place, so optimizers keep their references).
    ///
    /// With `strict`, nothing is written unless every key matches in name and shape, and a
    /// mismatch throws `StateLoadError` naming the offending keys. Without it, matching keys are
    /// loaded and the report lists the rest. A tensor holding NaN or infinity is refused
    /// (`StateLoadError.nonFinite`, nothing written) unless `allowNonFinite` (by default the
    /// process's `NonFiniteValues.accepted`, which `--allow-nonfinite` sets).
    @discardableResult
    public func load(state: [String: Tensor], strict: Bool = true, source: String = "the state dictionary",
                     allowNonFinite: Bool = NonFiniteValues.accepted) throws -> StateLoadReport {
        let own = namedTensors()
        var report = StateLoadReport()
        var ownKeys = Set<String>()
        for (key, tensor, _) in own {
            ownKeys.insert(key)
            guard let incoming = state[key] else { report.missing.append(key); continue }
            if incoming.shape != tensor.shape && !(incoming.count == 1 && tensor.count == 1) {
                report.mismatched.append(.init(key: key, expected: tensor.shape, found: incoming.shape))
            }
        }
        report.unused = state.keys.filter { !ownKeys.contains($0) }.sorted()
        if strict && !report.isClean {
            throw StateLoadError.incompatible(report, source: source, model: String(describing: type(of: self)))
        }
        let mismatchedKeys = Set(report.mismatched.map(\.key))
        if !allowNonFinite {
            for (key, _, _) in own where !mismatchedKeys.contains(key) {
                guard let incoming = state[key] else { continue }
                let bad = incoming.withUnsafeBufferPointer { values in values.reduce(0) { $0 + ($1.isFinite ? 0 : 1) } }
                if bad > 0 { throw StateLoadError.nonFinite(key: key, count: bad, total: incoming.count, source: source) }
            }
        }
        for (key, tensor, _) in own where !mismatchedKeys.contains(key) {
            if let incoming = state[key] { tensor.assign(incoming); report.loaded += 1 }
        }
        return report
    }

    /// Loads a safetensors file (see `load(state:strict:source:)`).
    @discardableResult
    public func loadSafetensors(_ url: URL, strict: Bool = true) throws -> StateLoadReport {
        let file = try SafetensorsFile(contentsOf: url)
        return try load(state: try file.tensors(), strict: strict, source: url.lastPathComponent)
    }

    /// Writes every parameter and buffer to `url` atomically (F32, keys sorted).
    public func saveSafetensors(_ url: URL, metadata: [String: String] = [:]) throws {
        var writer = SafetensorsWriter(metadata: metadata)
        for (key, tensor, _) in namedTensors() {
            try tensor.withUnsafeBufferPointer { try writer.add(key, floats: $0, shape: tensor.shape) }
        }
        try writer.write(to: url)
    }
}

extension SafetensorsFile {
    /// Every floating-point entry as a tensor; integer entries are converted to floats too
    /// (masks, labels), which is exact below 2^24.
    public func tensors() throws -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for entry in entries {
            result[entry.name] = try tensor(entry.name)
        }
        return result
    }

    /// One entry as a tensor (floats widened to F32; integers converted to floats).
    public func tensor(_ name: String) throws -> Tensor {
        let entry = try requireEntry(name)
        if entry.dtype.isFloatingPoint {
            let result = Tensor.zeros(entry.shape)
            try result.withUnsafeMutableBufferPointer { try copyFloats(name, into: $0) }
            return result
        }
        return Tensor(try integers(name).map(Float.init), shape: entry.shape)
    }

    /// One integer entry (ids, labels, masks) as an `IntTensor`.
    public func intTensor(_ name: String) throws -> IntTensor {
        let values = try integers(name)
        return IntTensor(values, shape: entry(name)?.shape ?? [values.count])
    }
}
