// A JSON document tree that remembers where each value starts in the source text.
// JSONSerialization gives no positions, and the manifest's errors must point at zoo.json:LINE,
// so the zoo parses its own JSON (JSONParser.swift) into this tree.

/// A 1-based line and column in a source text. Columns count Unicode scalars.
public struct SourcePosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// The position of values built in code rather than parsed.
    public static let none = SourcePosition(line: 0, column: 0)

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    public var description: String { "\(line):\(column)" }
}

/// One JSON value and the position of its first character.
///
/// Objects keep their members in source order, so configs print in the order zoo.json gives them.
/// Equality compares values only, never positions.
public struct JSONNode: Sendable, Equatable, CustomStringConvertible {
    /// The value itself.
    public enum Value: Sendable, Equatable {
        case object([Member])
        case array([JSONNode])
        case string(String)
        /// The number's literal text, kept verbatim so that output reproduces the source exactly.
        case number(String)
        case bool(Bool)
        case null
    }

    /// An object member: its key, where the key starts, and its value.
    public struct Member: Sendable, Equatable {
        public var key: String
        public var keyPosition: SourcePosition
        public var value: JSONNode

        public init(key: String, keyPosition: SourcePosition = .none, value: JSONNode) {
            self.key = key
            self.keyPosition = keyPosition
            self.value = value
        }

        public static func == (lhs: Member, rhs: Member) -> Bool {
            lhs.key == rhs.key && lhs.value == rhs.value
        }
    }

    public var value: Value
    public var position: SourcePosition

    public init(_ value: Value, at position: SourcePosition = .none) {
        self.value = value
        self.position = position
    }

    public static func == (lhs: JSONNode, rhs: JSONNode) -> Bool { lhs.value == rhs.value }

    // MARK: Building values in code

    public static func string(_ text: String) -> JSONNode { JSONNode(.string(text)) }
    public static func number(_ number: Int) -> JSONNode { JSONNode(.number(String(number))) }
    public static func bool(_ flag: Bool) -> JSONNode { JSONNode(.bool(flag)) }
    public static let null = JSONNode(.null)
    public static func array(_ items: [JSONNode]) -> JSONNode { JSONNode(.array(items)) }
    /// An object from key/value pairs, in the order given.
    public static func object(_ pairs: KeyValuePairs<String, JSONNode>) -> JSONNode {
        JSONNode(.object(pairs.map { Member(key: $0.key, value: $0.value) }))
    }
    /// An object from an ordered list of members.
    public static func object(members: [Member]) -> JSONNode { JSONNode(.object(members)) }

    // MARK: Reading values

    /// The members of an object, or nil for any other value.
    public var members: [Member]? {
        if case let .object(members) = value { return members }
        return nil
    }

    /// The items of an array, or nil for any other value.
    public var items: [JSONNode]? {
        if case let .array(items) = value { return items }
        return nil
    }

    /// The text of a string, or nil for any other value.
    public var stringValue: String? {
        if case let .string(text) = value { return text }
        return nil
    }

    /// The value of a number written as an integer (no fraction, no exponent), or nil.
    public var intValue: Int? {
        if case let .number(text) = value { return Int(text) }
        return nil
    }

    /// The value of any number, or nil.
    public var doubleValue: Double? {
        if case let .number(text) = value { return Double(text) }
        return nil
    }

    /// Whether this value is JSON `null`.
    public var isNull: Bool { value == .null }

    /// The member of an object with this key, or nil.
    public subscript(key: String) -> JSONNode? {
        members?.first { $0.key == key }?.value
    }

    /// What kind of JSON value this is, in words for error messages ("a string", "an array").
    public var kindDescription: String {
        switch value {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }

    /// The value as compact one-line JSON.
    public var description: String { JSONWriter.compact(self) }
}
