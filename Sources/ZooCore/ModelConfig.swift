// Configurations: zoo.json's `config` (or `tinyConfig` over it) with the user's overrides,
// read through typed accessors whose errors name the entry and the key.
import ZooManifest

/// A resolved configuration for one registry entry.
public struct ModelConfig: Sendable, CustomStringConvertible {
    /// The entry it configures (for messages).
    public let entry: String
    /// The merged JSON object.
    public let json: JSONNode

    public init(entry: String, json: JSONNode) {
        self.entry = entry
        self.json = json
    }

    public var description: String { json.description }

    /// Whether the key is present.
    public func has(_ key: String) -> Bool { json[key] != nil && json[key]?.isNull == false }

    public func int(_ key: String, default fallback: Int? = nil) throws -> Int {
        guard let node = json[key], !node.isNull else { return try missing(key, fallback) }
        guard let value = node.intValue else { throw invalid(key, "must be an integer, not \(node.kindDescription) (\(node))") }
        return value
    }

    public func float(_ key: String, default fallback: Float? = nil) throws -> Float {
        guard let node = json[key], !node.isNull else { return try missing(key, fallback) }
        guard let value = node.doubleValue else { throw invalid(key, "must be a number, not \(node.kindDescription) (\(node))") }
        return Float(value)
    }

    public func string(_ key: String, default fallback: String? = nil) throws -> String {
        guard let node = json[key], !node.isNull else { return try missing(key, fallback) }
        guard let value = node.stringValue else { throw invalid(key, "must be a string, not \(node.kindDescription) (\(node))") }
        return value
    }

    public func bool(_ key: String, default fallback: Bool? = nil) throws -> Bool {
        guard let node = json[key], !node.isNull else { return try missing(key, fallback) }
        guard case let .bool(value) = node.value else { throw invalid(key, "must be true or false, not \(node.kindDescription) (\(node))") }
        return value
    }

    /// A positive integer (sizes, counts).
    public func positiveInt(_ key: String, default fallback: Int? = nil) throws -> Int {
        let value = try int(key, default: fallback)
        guard value > 0 else { throw invalid(key, "must be positive, got \(value)") }
        return value
    }

    private func missing<T>(_ key: String, _ fallback: T?) throws -> T {
        guard let fallback else { throw invalid(key, "is required but missing") }
        return fallback
    }

    private func invalid(_ key: String, _ problem: String) -> ZooError {
        ZooError.invalidConfig(entry: entry, key: key, problem: problem)
    }

    /// `overrides` merged into `base`, member by member (nested objects merge recursively).
    /// A key that `base` does not have is an error with a did-you-mean, so a typo in `--set`
    /// never passes silently.
    /// With `allowingNewKeys`, a key `base` lacks is added (combining two override sets).
    public static func merge(_ base: JSONNode, _ overrides: JSONNode, entry: String, allowingNewKeys: Bool = false) throws -> JSONNode {
        guard let baseMembers = base.members, let overrideMembers = overrides.members else { return overrides }
        var members = baseMembers
        for override in overrideMembers {
            guard let index = members.firstIndex(where: { $0.key == override.key }) else {
                if allowingNewKeys { members.append(override); continue }
                throw ZooError.invalidConfig(entry: entry, key: override.key,
                    problem: "is not a setting of this entry." + Suggestions.didYouMeanNearest(override.key, in: baseMembers.map(\.key)))
            }
            let current = members[index].value
            members[index].value = current.members != nil && override.value.members != nil
                ? try merge(current, override.value, entry: entry, allowingNewKeys: allowingNewKeys) : override.value
        }
        return .object(members: members)
    }
}

/// Parses `--set KEY=VALUE` arguments. VALUE is JSON when it parses as JSON (numbers, true,
/// arrays, quoted strings), otherwise a plain string. `component.key=value` addresses one
/// component of a combination (`hinton-kd.temperature=4`); a key without a known component
/// prefix applies to the model.
public struct ConfigOverrides: Sendable, Equatable {
    /// Overrides by component name ("" for the model itself), as JSON objects.
    public private(set) var byComponent: [String: JSONNode] = [:]

    public init() {}

    public init(arguments: [String], components: Set<String> = []) throws {
        for argument in arguments {
            guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
                throw ZooError.invalidConfig(entry: "--set", key: argument, problem: "must look like KEY=VALUE (e.g. --set layers=2)")
            }
            var key = String(argument[..<equals])
            let text = String(argument[argument.index(after: equals)...])
            var component = ""
            if let dot = key.firstIndex(of: "."), components.contains(String(key[..<dot])) {
                component = String(key[..<dot])
                key = String(key[key.index(after: dot)...])
            }
            let value = (try? JSONParser.parse(text)) ?? .string(text)
            var members = byComponent[component]?.members ?? []
            members.removeAll { $0.key == key }
            members.append(.init(key: key, value: value))
            byComponent[component] = .object(members: members)
        }
    }

    /// The overrides for one component (an empty object when none).
    public func overrides(for component: String = "") -> JSONNode { byComponent[component] ?? .object(members: []) }
}
