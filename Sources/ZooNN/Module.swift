// Modules: objects that own parameters and sub-modules, found by reflection and named with the
// dotted keys of the checkpoints people already have.
import ZooTensor

/// A trainable tensor declared with the checkpoint key it loads from.
///
///     @Parameter(key: "frame_position_embeddings.weight") var positions: Tensor
///
/// Without a key, the property's name is used. Only wrapped tensors are state: plain `Tensor`
/// properties are free for constants and caches.
@propertyWrapper
public final class Parameter {
    private var tensor: Tensor?
    public let key: String?
    /// The wrapper is created before the module's `init` assigns the tensor.
    public init(key: String? = nil) { self.key = key }
    public init(wrappedValue: Tensor, key: String? = nil) {
        self.key = key
        self.wrappedValue = wrappedValue
    }
    public var wrappedValue: Tensor {
        get {
            guard let tensor else { preconditionFailure("parameter \(key ?? "") read before its module's init assigned it") }
            return tensor
        }
        set { newValue.requiresGrad = true; tensor = newValue }
    }
}

/// A parameter that some configurations do not have (a bias-free layer): nil is simply absent
/// from the module's state.
@propertyWrapper
public final class OptionalParameter {
    public let key: String?
    public init(key: String? = nil) { self.key = key }
    public init(wrappedValue: Tensor?, key: String? = nil) {
        self.key = key
        self.wrappedValue = wrappedValue
        wrappedValue?.requiresGrad = true   // didSet does not run inside an initializer
    }
    public var wrappedValue: Tensor? {
        didSet { wrappedValue?.requiresGrad = true }
    }
}

/// A tensor saved in and loaded from checkpoints but never trained (CRD's memory banks,
/// running statistics).
@propertyWrapper
public final class Buffer {
    private var tensor: Tensor?
    public let key: String?
    public init(key: String? = nil) { self.key = key }
    public init(wrappedValue: Tensor, key: String? = nil) {
        self.key = key
        self.wrappedValue = wrappedValue
    }
    public var wrappedValue: Tensor {
        get {
            guard let tensor else { preconditionFailure("buffer \(key ?? "") read before its module's init assigned it") }
            return tensor
        }
        set { newValue.requiresGrad = false; tensor = newValue }
    }
}

/// A sub-module (or an array of them) declared with the key prefix it loads from, e.g.
/// `@Child(key: "mlp.c_fc") var expand: Linear` or `@Child(key: "resblocks") var blocks: [Block]`.
@propertyWrapper
public final class Child<Value> {
    private var value: Value?
    public let key: String?
    public init(key: String? = nil) { self.key = key }
    public init(wrappedValue: Value, key: String? = nil) {
        self.key = key
        value = wrappedValue
    }
    public var wrappedValue: Value {
        get {
            guard let value else { preconditionFailure("child \(key ?? "") read before its module's init assigned it") }
            return value
        }
        set { value = newValue }
    }
}

/// Reflection over `Child` without knowing its generic argument.
protocol AnyChild {
    var key: String? { get }
    var anyValue: Any { get }
}
extension Child: AnyChild { var anyValue: Any { value as Any } }

/// The base class of every layer and model.
///
/// Parameters are the `@Parameter` properties, buffers the `@Buffer`s; sub-modules are stored
/// `Module` properties, `[Module]` arrays (keys `name.0`, `name.1`, …) and `@Child`s. Keys are
/// dotted paths (`transformerClip.resblocks.0.attn.in_proj_weight`) so that state dictionaries
/// of the official PyTorch code load as they are.
open class Module {
    /// Whether the module is in training mode (dropout on). Set with `train()` / `eval()`.
    public private(set) var isTraining = true

    public init() {}

    /// Every tensor in this module, recursively: (dotted key, tensor, trainable?).
    public final func namedTensors() -> [(key: String, tensor: Tensor, isParameter: Bool)] {
        var result: [(String, Tensor, Bool)] = []
        visit(prefix: "") { key, tensor, isParameter in result.append((key, tensor, isParameter)) }
        return result
    }

    /// Trainable tensors with their keys, in declaration order.
    public final func namedParameters() -> [(key: String, tensor: Tensor)] {
        namedTensors().filter(\.isParameter).map { ($0.key, $0.tensor) }
    }

    /// Everything a checkpoint holds (parameters and buffers), by key.
    public final func state() -> [String: Tensor] {
        Dictionary(namedTensors().map { ($0.key, $0.tensor) }, uniquingKeysWith: { first, _ in first })
    }

    /// Number of scalars in trainable parameters.
    public final var parameterCount: Int { namedParameters().reduce(0) { $0 + $1.tensor.count } }

    /// Direct sub-modules with their keys, recursively flattened.
    public final func namedModules() -> [(key: String, module: Module)] {
        var result: [(String, Module)] = [("", self)]
        forEachChild { key, child in result += child.namedModules().map { (join(key, $0.key), $0.module) } }
        return result
    }

    /// Training mode on (dropout active), recursively.
    public final func train() { namedModules().forEach { $0.module.isTraining = true } }
    /// Evaluation mode (dropout off), recursively.
    public final func eval() { namedModules().forEach { $0.module.isTraining = false } }

    /// Clears accumulated gradients of every parameter.
    public final func zeroGrad() { namedParameters().forEach { $0.tensor.zeroGrad() } }

    /// Stops (or restarts) training parameters whose key matches `pattern` (`*`, `?` globs).
    /// Returns how many tensors changed.
    @discardableResult
    public final func freeze(matching pattern: String = "*", frozen: Bool = true) -> Int {
        var changed = 0
        for (key, tensor) in namedParameters() where KeyPattern(pattern).matches(key) {
            tensor.requiresGrad = !frozen
            changed += 1
        }
        return changed
    }

    // MARK: Reflection

    private func visit(prefix: String, _ body: (String, Tensor, Bool) -> Void) {
        var mirror: Mirror? = Mirror(reflecting: self)
        while let current = mirror {
            for child in current.children {
                guard let label = child.label else { continue }
                let name = label.hasPrefix("_") ? String(label.dropFirst()) : label
                switch child.value {
                case let parameter as Parameter: body(join(prefix, parameter.key ?? name), parameter.wrappedValue, true)
                case let parameter as OptionalParameter:
                    if let tensor = parameter.wrappedValue { body(join(prefix, parameter.key ?? name), tensor, true) }
                case let buffer as Buffer: body(join(prefix, buffer.key ?? name), buffer.wrappedValue, false)
                default: break
                }
            }
            mirror = current.superclassMirror
        }
        forEachChild { key, child in child.visit(prefix: join(prefix, key), body) }
    }

    private func forEachChild(_ body: (String, Module) -> Void) {
        var mirror: Mirror? = Mirror(reflecting: self)
        while let current = mirror {
            for child in current.children {
                guard let label = child.label else { continue }
                let name = label.hasPrefix("_") ? String(label.dropFirst()) : label
                var key = name, value = child.value
                if let wrapper = value as? AnyChild { key = wrapper.key ?? name; value = wrapper.anyValue }
                if let module = value as? Module {
                    body(key, module)
                } else if let modules = value as? [Module] {
                    for (index, module) in modules.enumerated() { body("\(key).\(index)", module) }
                }
            }
            mirror = current.superclassMirror
        }
    }
}

private func join(_ prefix: String, _ key: String) -> String {
    prefix.isEmpty ? key : key.isEmpty ? prefix : "\(prefix).\(key)"
}

/// A glob over dotted keys: `*` matches any run of characters (dots included), `?` one character.
public struct KeyPattern: Sendable {
    public let pattern: String
    public init(_ pattern: String) { self.pattern = pattern }

    public func matches(_ key: String) -> Bool {
        let p = Array(pattern.utf8), s = Array(key.utf8)
        var pi = 0, si = 0, star = -1, mark = 0
        while si < s.count {
            if pi < p.count && (p[pi] == UInt8(ascii: "?") || p[pi] == s[si]) {
                pi += 1; si += 1
            } else if pi < p.count && p[pi] == UInt8(ascii: "*") {
                star = pi; mark = si; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; si = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}
