// A method's configuration as a typed Swift value: its defaults (the paper's values) are written
// once, as the type's property initialisers; zoo.json's `config` holds an entry's overrides and
// the run-level settings (its recipe, data and backbone), `--set` overrides again, and `zoo info`
// prints the effective result.
import Foundation
import ZooManifest

/// A configuration a registration decodes from zoo.json and `--set` (see `Registry.add(…, configuration:)`).
public protocol MethodConfiguration: Codable, Sendable {
    /// The defaults: the paper's official values.
    init()
    /// Throws a `ZooError.invalidConfig` naming the key when the values cannot work together.
    func validate(entry: String) throws
}

extension MethodConfiguration {
    public func validate(entry: String) throws {}

    /// Every key with its value, as JSON (what `zoo info` prints, and what zoo.json overrides).
    public func jsonNode() throws -> JSONNode {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try JSONParser.parse(String(decoding: try encoder.encode(self), as: UTF8.self))
    }
}

/// zoo.json `config` keys that are not a method's configuration but the experiment's: the entry's
/// training recipe, its default dataset, and a head's default backbones.
public let runLevelConfigKeys: Set<String> = ["training", "data", "backbone", "backboneByDataset"]

extension ModelConfig {
    /// `T` from this configuration (the defaults with zoo.json's and `--set`'s keys over them),
    /// validated. A value of the wrong type is an error naming the entry and the key.
    public func decode<T: MethodConfiguration>(_ type: T.Type) throws -> T {
        let defaults = try T().jsonNode()
        var members = json.members ?? []
        members.removeAll { runLevelConfigKeys.contains($0.key) && defaults[$0.key] == nil }   // unless the method reads it
        // The defaults first, every key present; a key they lack is a typo (with a did-you-mean).
        let merged = try ModelConfig.merge(defaults, .object(members: members), entry: entry)
        try Self.requireIntegers(merged, like: defaults, path: "", entry: entry)
        let text = JSONWriter.compact(merged)
        let value: T
        do {
            value = try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
                let DecodingError.dataCorrupted(context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ZooError.invalidConfig(entry: entry, key: key, problem: "has a value that does not fit (\(context.debugDescription))")
        } catch let DecodingError.keyNotFound(key, _) {
            throw ZooError.invalidConfig(entry: entry, key: key.stringValue, problem: "is required but missing")
        }
        try value.validate(entry: entry)
        return value
    }
}

extension ModelConfig {
    /// Where the defaults hold an integer, the value must be one: JSONDecoder would otherwise
    /// reject `1.5` or `3.4e38` as "not valid JSON" without naming the key.
    static func requireIntegers(_ value: JSONNode, like defaults: JSONNode, path: String, entry: String) throws {
        switch (defaults.value, value.value) {
        case let (.number(text), .number(given)) where Int(text) != nil:
            let number = Double(given) ?? .nan
            guard Int(given) != nil || (number.rounded() == number && abs(number) < 9.2e18) else {
                throw ZooError.invalidConfig(entry: entry, key: path, problem: "must be a whole number that fits in 64 bits, got \(given)")
            }
        case let (.array(defaultItems), .array(items)):
            guard let model = defaultItems.first else { return }
            for (index, item) in items.enumerated() { try requireIntegers(item, like: model, path: "\(path)[\(index)]", entry: entry) }
        case (.object, .object):
            for member in value.members ?? [] {
                if let model = defaults[member.key] {
                    try requireIntegers(member.value, like: model, path: path.isEmpty ? member.key : "\(path).\(member.key)", entry: entry)
                }
            }
        default:
            return
        }
    }
}

extension ZooError {
    /// Throws `invalidConfig` for the first of `sizes` (key, value) that is not positive.
    public static func requirePositive(_ sizes: [(String, Int)], entry: String) throws {
        if let (key, value) = sizes.first(where: { $0.1 < 1 }) {
            throw ZooError.invalidConfig(entry: entry, key: key, problem: "must be positive, got \(value)")
        }
    }
}
