// The registry: zoo.json's entries joined with the factories the method targets register.
import Foundation
import ZooManifest
import ZooNN

/// Errors of registration and lookup, with the owners and the nearest names.
public enum RegistryError: Error, CustomStringConvertible, Equatable {
    case duplicate(name: String, firstOwner: String, secondOwner: String)
    case notInManifest(name: String, owner: String, suggestion: String)
    case kindMismatch(name: String, owner: String, manifestKind: EntryKind, registeredKind: EntryKind)
    case unknownName(String, suggestion: String)
    case notRegistered(name: String, target: String)
    case invalidConfiguration(place: String?, name: String, tiny: Bool, problem: String)

    public var description: String {
        switch self {
        case let .duplicate(name, first, second):
            return "\(name) is registered twice: by \(first) and by \(second). Each zoo.json name has exactly one owner; rename one of them."
        case let .notInManifest(name, owner, suggestion):
            return "\(owner) registers \(name), which zoo.json does not list.\(suggestion) Add an entry for it to zoo.json."
        case let .kindMismatch(name, owner, manifestKind, registeredKind):
            return "\(owner) registers \(name) as a \(registeredKind.rawValue), but zoo.json says it is a \(manifestKind.rawValue)."
        case let .unknownName(name, suggestion):
            return "no entry named \"\(name)\".\(suggestion) Run 'zoo list' to see every name."
        case let .invalidConfiguration(place, name, tiny, problem):
            return "\(place.map { "\($0): " } ?? "")zoo.json's \(tiny ? "tinyConfig" : "config") of \(name) does not fit its method: \(problem)"
        case let .notRegistered(name, target):
            return "\(name) is not planned in zoo.json, but target \(target) registers no factory for it. Register it in the target's entry type."
        }
    }
}

/// Every registered method, looked up by its zoo.json name.
public struct Registry: Sendable {
    public let manifest: Manifest
    private var factories: [String: Registration] = [:]
    private var parameterRuleFactories: [String: @Sendable (ModelConfig) throws -> [ParameterGroupRule]] = [:]
    private var composers: [String: @Sendable (CompositionRequest) throws -> any ComposedHeadModel] = [:]
    private var currentOwner = "the registry"

    struct Registration: Sendable {
        let owner: String
        let kind: EntryKind
        let build: @Sendable (ModelConfig) throws -> Module
        let pretrained: (@Sendable (ModelConfig, URL) throws -> Module)?
        /// The typed configuration's defaults and the effective configuration, when the method
        /// registered its configuration type.
        var defaults: (@Sendable () throws -> JSONNode)? = nil
        var effective: (@Sendable (ModelConfig) throws -> JSONNode)? = nil
    }

    /// Runs each entry type's registration against `manifest`.
    public init(manifest: Manifest, entries: [any MethodEntry.Type]) throws {
        self.manifest = manifest
        for entry in entries {
            currentOwner = String(describing: entry)
            try entry.register(in: &self)
        }
        for entry in manifest.entries where entry.status != .planned && factories[entry.name] == nil && entry.kind != .recipe {
            throw RegistryError.notRegistered(name: entry.name, target: entry.target)
        }
        // Every zoo.json config of a typed configuration decodes: a typo or a wrong type stops
        // here, at startup, with its zoo.json line.
        for name in registeredNames where factories[name]?.effective != nil {
            let entry = try self.entry(name)
            for tiny in [false, true] {
                do { _ = try effectiveConfiguration(for: name, tiny: tiny) } catch let error as ZooError {
                    guard case let .invalidConfig(_, key, _) = error else { throw error }
                    let node = (tiny ? entry.tinyConfig : entry.config)[key.split(separator: ".").first.map(String.init) ?? key]
                    throw RegistryError.invalidConfiguration(place: node.map { "zoo.json:\($0.position.line):\($0.position.column)" },
                                                             name: name, tiny: tiny, problem: error.description)
                }
            }
        }
    }

    /// Registers a model. `pretrained`, when given, builds it from a checkpoint people already
    /// have (reading sizes from the file, in whatever layout the method accepts); otherwise a
    /// checkpoint is loaded strictly into a model built from the config, in the zoo's layout.
    public mutating func add(model name: String, _ build: @escaping @Sendable (ModelConfig) throws -> any ZooModel,
                             pretrained: (@Sendable (ModelConfig, URL) throws -> any ZooModel)? = nil) throws {
        try add(name, kind: .model, build, pretrained: pretrained)
    }

    public mutating func add(head name: String, _ build: @escaping @Sendable (ModelConfig) throws -> any SimilarityHead) throws {
        try add(name, kind: .head, build)
    }

    public mutating func add(loss name: String, _ build: @escaping @Sendable (ModelConfig) throws -> any DistillationLoss) throws {
        try add(name, kind: .loss, build)
    }

    /// Registers a model built from its typed configuration `C`: the defaults are `C()`, zoo.json
    /// and `--set` override them, and `zoo info` prints the effective `C`.
    public mutating func add<C: MethodConfiguration>(model name: String, configuration: C.Type,
                                                     _ build: @escaping @Sendable (C) throws -> any ZooModel,
                                                     pretrained: (@Sendable (C, URL) throws -> any ZooModel)? = nil) throws {
        var loader: (@Sendable (ModelConfig, URL) throws -> Module)?
        if let pretrained {
            loader = { @Sendable (config: ModelConfig, url: URL) throws -> Module in try pretrained(try config.decode(C.self), url) }
        }
        try add(name, kind: .model, { @Sendable (config: ModelConfig) throws -> Module in try build(try config.decode(C.self)) },
                pretrained: loader)
        typed(name, C.self)
    }

    /// Registers a similarity head built from its typed configuration `C` (see `add(model:configuration:…)`).
    public mutating func add<C: MethodConfiguration>(head name: String, configuration: C.Type,
                                                     _ build: @escaping @Sendable (C) throws -> any SimilarityHead) throws {
        try add(name, kind: .head, { @Sendable (config: ModelConfig) throws -> Module in try build(try config.decode(C.self)) })
        typed(name, C.self)
    }

    /// Registers a distillation loss built from its typed configuration `C` (see `add(model:configuration:…)`).
    public mutating func add<C: MethodConfiguration>(loss name: String, configuration: C.Type,
                                                     _ build: @escaping @Sendable (C) throws -> any DistillationLoss) throws {
        try add(name, kind: .loss, { @Sendable (config: ModelConfig) throws -> Module in try build(try config.decode(C.self)) })
        typed(name, C.self)
    }

    private mutating func typed<C: MethodConfiguration>(_ name: String, _: C.Type) {
        factories[name]?.defaults = { try C().jsonNode() }
        factories[name]?.effective = { try $0.decode(C.self).jsonNode() }
    }

    /// The configuration `name` is built with (defaults, zoo.json's config, `tinyConfig` when
    /// `tiny`, `overrides`), every key with its value; nil for a method without a typed configuration.
    public func effectiveConfiguration(for name: String, tiny: Bool = false, overrides: JSONNode? = nil) throws -> JSONNode? {
        guard let effective = factories[name]?.effective else { return nil }
        return try effective(try config(for: name, tiny: tiny, overrides: overrides))
    }

    public mutating func add(encoder name: String, _ build: @escaping @Sendable (ModelConfig) throws -> Module) throws {
        try add(name, kind: .encoder, build)
    }

    private mutating func add(_ name: String, kind: EntryKind, _ build: @escaping @Sendable (ModelConfig) throws -> Module,
                              pretrained: (@Sendable (ModelConfig, URL) throws -> Module)? = nil) throws {
        if let existing = factories[name] {
            throw RegistryError.duplicate(name: name, firstOwner: existing.owner, secondOwner: currentOwner)
        }
        guard let entry = manifest.entry(named: name) else {
            throw RegistryError.notInManifest(name: name, owner: currentOwner,
                                              suggestion: Suggestions.didYouMean(name, in: manifest.names))
        }
        guard entry.kind == kind else {
            throw RegistryError.kindMismatch(name: name, owner: currentOwner, manifestKind: entry.kind, registeredKind: kind)
        }
        factories[name] = Registration(owner: currentOwner, kind: kind, build: build, pretrained: pretrained)
    }

    /// Declares the optimizer rules a method trains `name` with (TeachCLIP's AFA layers at 10×
    /// the learning rate), read from its configuration; they apply after the recipe's own rules.
    public mutating func add(parameterRules name: String, _ rules: @escaping @Sendable (ModelConfig) throws -> [ParameterGroupRule]) throws {
        guard factories[name]?.owner == currentOwner else {
            throw RegistryError.notRegistered(name: name, target: currentOwner)
        }
        parameterRuleFactories[name] = rules
    }

    /// Declares that model `name` can be a backbone: `compose` puts a head over it (the composed
    /// state's layout and the shared logit scale are the backbone method's to decide).
    public mutating func add(composer name: String, _ compose: @escaping @Sendable (CompositionRequest) throws -> any ComposedHeadModel) throws {
        guard factories[name]?.owner == currentOwner else {
            throw RegistryError.notRegistered(name: name, target: currentOwner)
        }
        composers[name] = compose
    }

    /// The composer of backbone `name`, or nil when it cannot be one.
    func composer(for name: String) -> (@Sendable (CompositionRequest) throws -> any ComposedHeadModel)? { composers[name] }

    /// Registered names that can be a head's backbone, in zoo.json order.
    public var backboneNames: [String] { registeredNames.filter { composers[$0] != nil } }

    /// The optimizer rules the method of `name` declares for `config` (none for most).
    public func parameterRules(for name: String, config: ModelConfig) throws -> [ParameterGroupRule] {
        try parameterRuleFactories[name]?(config) ?? []
    }

    /// Names that have a factory, in zoo.json order.
    public var registeredNames: [String] { manifest.names.filter { factories[$0] != nil } }

    /// The zoo.json entry for `name`, or an error with the nearest names.
    public func entry(_ name: String) throws -> ManifestEntry {
        guard let entry = manifest.entry(named: name) else {
            throw RegistryError.unknownName(name, suggestion: Suggestions.didYouMeanNearest(name, in: manifest.names))
        }
        return entry
    }

    /// Entries that pass `filter`, in natural order.
    public func list(_ filter: EntryFilter = EntryFilter()) -> [ManifestEntry] {
        manifest.entries(matching: filter)
    }

    /// `config` (with `tinyConfig` over it when `tiny`) with `overrides` merged in, over the
    /// typed configuration's defaults when the method registered one.
    public func config(for name: String, tiny: Bool = false, overrides: JSONNode? = nil) throws -> ModelConfig {
        let entry = try entry(name)
        var json = entry.config
        if let defaults = try factories[name]?.defaults?() {
            json = try ModelConfig.merge(defaults, json, entry: name, allowingNewKeys: true)
        }
        if tiny { json = try ModelConfig.merge(json, entry.tinyConfig, entry: name) }
        if let overrides { json = try ModelConfig.merge(json, overrides, entry: name) }
        return ModelConfig(entry: name, json: json)
    }

    /// Builds `name` from its configuration.
    public func create(_ name: String, tiny: Bool = false, overrides: JSONNode? = nil) throws -> Module {
        let entry = try entry(name)
        guard let registration = factories[name] else { throw ZooError.notBuilt(name, status: entry.status.rawValue) }
        return try registration.build(try config(for: name, tiny: tiny, overrides: overrides))
    }

    /// Builds `name` with the weights at `url` (see `add(model:_:pretrained:)`).
    public func createPretrained(_ name: String, weights url: URL, overrides: JSONNode? = nil) throws -> Module {
        let entry = try entry(name)
        guard let registration = factories[name] else { throw ZooError.notBuilt(name, status: entry.status.rawValue) }
        let config = try config(for: name, overrides: overrides)
        if let pretrained = registration.pretrained {
            let module = try pretrained(config, url)
            try Self.requireOverridesTookEffect(overrides, in: module, entry: name, weights: url)
            return module
        }
        // A `…Init` key sets only the starting value of a parameter (logitScaleInit), which the
        // weights replace: given with weights it would do nothing.
        if let key = overrides?.members?.first(where: { $0.key.hasSuffix("Init") })?.key {
            throw ZooError.invalidConfig(entry: name, key: key,
                                         problem: "only sets the starting value of a parameter that the weights at \(url.path) replace; leave it out")
        }
        let module = try registration.build(config)
        try module.loadSafetensors(url)
        return module
    }

    /// A checkpoint that sizes the model itself overrules the configuration; a `--set` it
    /// overruled would be ignored in silence, so it is an error naming both values.
    static func requireOverridesTookEffect(_ overrides: JSONNode?, in module: Module, entry: String, weights url: URL) throws {
        guard let reported = (module as? ReportsEffectiveSettings)?.effectiveSettings else { return }
        for member in overrides?.members ?? [] {
            guard let given = member.value.doubleValue, let actual = reported[member.key], Float(given) != Float(actual) else { continue }
            let shown = actual.rounded() == actual && abs(actual) < 1e15 ? String(Int(actual)) : String(actual)
            throw ZooError.invalidConfig(entry: entry, key: member.key,
                                         problem: "is set to \(member.value), but the weights at \(url.path) define \(shown); the checkpoint's own value wins, so leave the setting out")
        }
    }

    public func createModel(_ name: String, tiny: Bool = false, overrides: JSONNode? = nil) throws -> any ZooModel {
        try typed(name, tiny: tiny, overrides: overrides, expected: "model")
    }

    public func createHead(_ name: String, tiny: Bool = false, overrides: JSONNode? = nil) throws -> any SimilarityHead {
        try typed(name, tiny: tiny, overrides: overrides, expected: "similarity head")
    }

    public func createLoss(_ name: String, tiny: Bool = false, overrides: JSONNode? = nil) throws -> any DistillationLoss {
        try typed(name, tiny: tiny, overrides: overrides, expected: "distillation loss")
    }

    private func typed<T>(_ name: String, tiny: Bool, overrides: JSONNode?, expected: String) throws -> T {
        let module = try create(name, tiny: tiny, overrides: overrides)
        guard let typed = module as? T else {
            throw ZooError.wrongKind(name: name, expected: expected, actual: try entry(name).kind.rawValue)
        }
        return typed
    }
}
