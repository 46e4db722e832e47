// Reading the JSON files of the real-data sources (MSR-VTT's MSRVTT_data.json, the features
// source's captions.json) with errors that say where: the line and column of a syntax error, or
// the path of a value of the wrong kind (`sentences[41].caption`).
//
// JSONDecoder is used for speed (MSRVTT_data.json holds 200,000 sentences: ~0.5 s, where
// JSONSerialization takes ~2 s), but its syntax errors carry no position, so on that (rare) path
// the file is parsed once more with JSONSerialization, whose message gives the byte offset.
import Foundation

/// Why a JSON file could not be decoded; sources wrap it in their own error type.
struct AnnotationJSONProblem: Error, Equatable {
    /// 1-based line and column of a syntax error, when known.
    var line: Int?
    var column: Int?
    /// Where in the document a value is missing or of the wrong kind (`sentences[3].caption`).
    var location: String?
    var reason: String
    /// The file could not be read at all (`reason` says why).
    var unreadable = false

    /// `line:column: reason`, `at location: reason` or just the reason.
    var text: String {
        if let line { return "line \(line)" + (column.map { ", column \($0)" } ?? "") + ": \(reason)" }
        if let location, !location.isEmpty { return "at \(location): \(reason)" }
        return reason
    }
}

enum AnnotationJSON {
    /// Decodes the file at `url` as `T`.
    static func decode<T: Decodable>(_ type: T.Type, from url: URL) throws(AnnotationJSONProblem) -> T {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw AnnotationJSONProblem(reason: (error as NSError).localizedDescription, unreadable: true)
        }
        return try decode(type, from: data)
    }

    /// Decodes `data` as `T`.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(AnnotationJSONProblem) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw problem(for: error, in: data)
        } catch {
            throw AnnotationJSONProblem(reason: String(describing: error))
        }
    }

    /// The path of a coding path: `sentences[3].caption`.
    static func location(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
        return text
    }

    static func problem(for error: DecodingError, in data: Data) -> AnnotationJSONProblem {
        switch error {
        case let .keyNotFound(key, context):
            let owner = location(context.codingPath)
            return AnnotationJSONProblem(location: owner.isEmpty ? "the top level" : owner, reason: "the key \"\(key.stringValue)\" is missing")
        case let .typeMismatch(type, context), let .valueNotFound(type, context):
            return AnnotationJSONProblem(location: location(context.codingPath), reason: "expected \(describe(type)): \(context.debugDescription)")
        case let .dataCorrupted(context):
            if context.codingPath.isEmpty { return syntaxProblem(in: data) }
            return AnnotationJSONProblem(location: location(context.codingPath), reason: context.debugDescription)
        @unknown default:
            return AnnotationJSONProblem(reason: String(describing: error))
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Double.Type, is Float.Type: return "a number"
        case is Bool.Type: return "true or false"
        default:
            let name = String(describing: type)
            return name.hasPrefix("Array") ? "an array" : name.hasPrefix("Dictionary") ? "an object" : name
        }
    }

    /// Locates a syntax error: JSONSerialization says "around character N" (a byte offset).
    private static func syntaxProblem(in data: Data) -> AnnotationJSONProblem {
        var message = "the file is not valid JSON"
        do { _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            message = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? message
        }
        if data.isEmpty { return AnnotationJSONProblem(line: 1, column: 1, reason: "the file is empty") }
        var offset = data.count
        if let match = message.firstMatch(of: #/character (\d+)/#), let value = Int(match.1) { offset = min(value, data.count) }
        // Line and column (in bytes) of `offset`.
        var line = 1, lineStart = 0
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            for i in 0..<offset where bytes[i] == 0x0A { line += 1; lineStart = i + 1 }
        }
        var reason = message.replacing(#/ around character \d+/#, with: "")
        if reason.hasSuffix(".") { reason.removeLast() }
        return AnnotationJSONProblem(line: line, column: offset - lineStart + 1, reason: reason)
    }
}
