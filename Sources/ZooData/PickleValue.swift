// The plain data a restricted pickle may hold (see `PickleReader`): no objects, no classes, no
// functions — so reading one can never run code.

/// A value read from a pickle: a string, bytes, an integer, a boolean, None, or a list, tuple or
/// dictionary of those.
public indirect enum PickleValue: Hashable, Sendable, CustomStringConvertible {
    case string(String)
    case bytes([UInt8])
    case integer(Int)
    case boolean(Bool)
    case none
    case list([PickleValue])
    case tuple([PickleValue])
    /// Key–value pairs in insertion order (Python dictionaries keep it); a key set twice keeps its
    /// first position and its last value, as Python does.
    case dictionary([(key: PickleValue, value: PickleValue)])

    /// The text of a string, or of bytes that are valid UTF-8 (Python 2 pickles store `str` as bytes).
    public var text: String? {
        switch self {
        case let .string(text): return text
        case let .bytes(bytes): return String(validating: bytes, as: UTF8.self)
        default: return nil
        }
    }

    /// The elements of a list or a tuple.
    public var elements: [PickleValue]? {
        switch self {
        case let .list(items), let .tuple(items): return items
        default: return nil
        }
    }

    /// What kind of value this is, for messages: "a string", "a list", …
    public var kindName: String {
        switch self {
        case .string: return "a string"
        case .bytes: return "bytes"
        case .integer: return "an integer"
        case .boolean: return "a boolean"
        case .none: return "None"
        case .list: return "a list"
        case .tuple: return "a tuple"
        case .dictionary: return "a dictionary"
        }
    }

    public var description: String {
        switch self {
        case let .string(text): return "\"\(text)\""
        case let .bytes(bytes): return "b<\(bytes.count) bytes>"
        case let .integer(value): return String(value)
        case let .boolean(value): return value ? "True" : "False"
        case .none: return "None"
        case let .list(items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case let .tuple(items): return "(" + items.map(\.description).joined(separator: ", ") + ")"
        case let .dictionary(pairs): return "{" + pairs.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }

    public static func == (lhs: PickleValue, rhs: PickleValue) -> Bool {
        switch (lhs, rhs) {
        case let (.string(a), .string(b)): return a == b
        case let (.bytes(a), .bytes(b)): return a == b
        case let (.integer(a), .integer(b)): return a == b
        case let (.boolean(a), .boolean(b)): return a == b
        case (.none, .none): return true
        case let (.list(a), .list(b)), let (.tuple(a), .tuple(b)): return a == b
        case let (.dictionary(a), .dictionary(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case let .string(text): hasher.combine(0); hasher.combine(text)
        case let .bytes(bytes): hasher.combine(1); hasher.combine(bytes)
        case let .integer(value): hasher.combine(2); hasher.combine(value)
        case let .boolean(value): hasher.combine(3); hasher.combine(value)
        case .none: hasher.combine(4)
        case let .list(items): hasher.combine(5); hasher.combine(items)
        case let .tuple(items): hasher.combine(6); hasher.combine(items)
        case let .dictionary(pairs):
            hasher.combine(7); hasher.combine(pairs.count)
            for pair in pairs { hasher.combine(pair.key); hasher.combine(pair.value) }
        }
    }
}
