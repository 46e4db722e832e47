// Small readers the dataset layouts share: a required file, its lines, its JSON.
import Foundation

/// Reading the annotation files of a dataset layout, with `DatasetError`s that name the file.
enum DatasetFiles {
    /// `url`, checked to be an existing regular file; `layout` tells the user what belongs where.
    static func required(_ url: URL, layout: String) throws(DatasetError) -> URL {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw .missingFile(path: url.path, layout: layout)
        }
        guard !isDirectory.boolValue else { throw .unreadable(path: url.path, reason: "it is a folder, not a file") }
        return url
    }

    /// The file's bytes.
    static func data(_ url: URL, layout: String) throws(DatasetError) -> Data {
        let url = try required(url, layout: layout)
        do { return try Data(contentsOf: url) } catch {
            throw .unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
    }

    /// The file as UTF-8 text.
    static func text(_ url: URL, layout: String) throws(DatasetError) -> String {
        let bytes = try data(url, layout: layout)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .malformed(path: url.path, place: "", detail: "the file is not UTF-8 text")
        }
        return text
    }

    /// Its lines with surrounding whitespace removed, as Python's `line.strip()` gives them, each
    /// with its 1-based line number; blank lines are left out.
    static func lines(_ url: URL, layout: String) throws(DatasetError) -> [(number: Int, text: String)] {
        let text = try text(url, layout: layout)
        var lines: [(number: Int, text: String)] = []
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty { lines.append((offset + 1, trimmed)) }
        }
        return lines
    }

    /// The file decoded as `T`, errors giving the line and column or the value's path.
    static func json<T: Decodable>(_ type: T.Type, _ url: URL, layout: String) throws(DatasetError) -> T {
        let bytes = try data(url, layout: layout)
        do { return try AnnotationJSON.decode(type, from: bytes) } catch {
            throw .malformed(path: url.path, place: "", detail: "\(error.text); expected \(layout)")
        }
    }

    /// The videos folder of a layout: the override, else `directory/videos`.
    static func videosFolder(_ directory: URL, override: URL?) -> URL {
        override ?? directory.appendingPathComponent("videos")
    }

    /// The ids in order with repeats left out, and a note naming the repeats.
    static func unique(_ ids: [String], file: URL) -> (ids: [String], note: String?) {
        var seen = Set<String>(), order: [String] = [], repeated: [String] = []
        for id in ids { if seen.insert(id).inserted { order.append(id) } else { repeated.append(id) } }
        let note = repeated.isEmpty ? nil
            : "\(repeated.count) id(s) repeat in '\(file.path)' and are listed once (first: \(repeated.prefix(3).joined(separator: ", ")))"
        return (order, note)
    }
}
