// Typed field access over JSONNode objects that records a positioned diagnostic for every
// missing, unknown or mistyped field instead of stopping at the first one, so one build shows
// every problem in zoo.json at once.

/// Collects diagnostics while reading fields of JSON objects.
struct FieldReader {
    private(set) var diagnostics: [ManifestDiagnostic] = []

    mutating func report(_ problem: ManifestProblem, at position: SourcePosition) {
        diagnostics.append(ManifestDiagnostic(problem, at: position))
    }

    /// Reports unknown keys (with a did-you-mean among `allowed`) and missing `required` keys.
    mutating func checkKeys(of object: JSONNode, allowed: [String], required: [String], context: String) {
        guard let members = object.members else { return }
        for member in members where !allowed.contains(member.key) {
            let suggestion = Suggestions.best(for: member.key, in: allowed)
            report(.unknownField(member.key, context: context, suggestion: suggestion), at: member.keyPosition)
        }
        for key in required where object[key] == nil {
            report(.missingField(key, context: context), at: object.position)
        }
    }

    /// A required or optional string field; nil when absent or mistyped (mistyped is reported).
    mutating func string(_ key: String, in object: JSONNode, allowEmpty: Bool = false) -> String? {
        guard let node = object[key] else { return nil }
        guard let text = node.stringValue else {
            report(.wrongType(field: key, expected: "a string", found: node.kindDescription), at: node.position)
            return nil
        }
        if !allowEmpty, text.trimmingWhitespace().isEmpty {
            report(.emptyValue(field: key), at: node.position)
            return nil
        }
        return text
    }

    /// A field that must be a string or `null`. Returns `.some(nil)` for null, nil when absent or bad.
    mutating func stringOrNull(_ key: String, in object: JSONNode) -> String?? {
        guard let node = object[key] else { return nil }
        if node.isNull { return .some(nil) }
        guard let text = string(key, in: object) else {
            if node.stringValue == nil {
                // Replace the generic "must be a string" with one that mentions null.
                diagnostics.removeLast()
                report(.wrongType(field: key, expected: "a string or null", found: node.kindDescription), at: node.position)
            }
            return nil
        }
        return .some(text)
    }

    /// An integer field; nil when absent or mistyped.
    mutating func integer(_ key: String, in object: JSONNode) -> Int? {
        guard let node = object[key] else { return nil }
        guard let value = node.intValue else {
            report(.wrongType(field: key, expected: "an integer", found: node.kindDescription), at: node.position)
            return nil
        }
        return value
    }

    /// An object-valued field; nil when absent or mistyped.
    mutating func object(_ key: String, in object: JSONNode) -> JSONNode? {
        guard let node = object[key] else { return nil }
        guard node.members != nil else {
            report(.wrongType(field: key, expected: "an object", found: node.kindDescription), at: node.position)
            return nil
        }
        return node
    }

    /// An array-valued field; nil when absent or mistyped.
    mutating func array(_ key: String, in object: JSONNode, allowEmpty: Bool = true) -> [JSONNode]? {
        guard let node = object[key] else { return nil }
        guard let items = node.items else {
            report(.wrongType(field: key, expected: "an array", found: node.kindDescription), at: node.position)
            return nil
        }
        if !allowEmpty, items.isEmpty {
            report(.emptyValue(field: key), at: node.position)
            return nil
        }
        return items
    }

    /// An array of non-empty strings, with each string's position; nil when absent or mistyped.
    mutating func strings(_ key: String, in object: JSONNode, allowEmpty: Bool = true) -> [(String, SourcePosition)]? {
        guard let items = array(key, in: object, allowEmpty: allowEmpty) else { return nil }
        var result: [(String, SourcePosition)] = []
        var valid = true
        for item in items {
            guard let text = item.stringValue, !text.trimmingWhitespace().isEmpty else {
                let found = item.stringValue == nil ? item.kindDescription : "an empty string"
                report(.wrongType(field: key, expected: "an array of non-empty strings", found: "an item that is \(found)"),
                       at: item.position)
                valid = false
                continue
            }
            result.append((text, item.position))
        }
        return valid ? result : nil
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
