import Foundation
@testable import ZooManifest

/// A zoo.json entry written as text, one field per line, so tests can change one field and know
/// which line an error must point at.
struct EntryText {
    var fields: [(key: String, value: String)]

    /// A valid CLIP4Clip head entry named `name`.
    static func valid(_ name: String = "clip4clip-meanp", target: String = "CLIP4Clip",
                      entry: String = "CLIP4ClipEntry", status: String = "planned") -> EntryText {
        EntryText(fields: [
            ("name", "\"\(name)\""),
            ("kind", "\"head\""),
            ("family", "\"retrieval\""),
            ("target", "\"\(target)\""),
            ("entry", "\"\(entry)\""),
            ("paper", #"{"title": "CLIP4Clip", "authors": ["Huaishao Luo", "Lei Ji"], "year": 2021, "arxiv": "2104.08860", "code": "https://github.com/ArrowLuo/CLIP4Clip"}"#),
            ("config", #"{"frames": 12, "training": {"lr": 1e-4}}"#),
            ("tinyConfig", #"{"frames": 4}"#),
            ("status", "\"\(status)\""),
        ])
    }

    /// The same entry with `key`'s value text replaced (or added at the end when absent).
    func setting(_ key: String, _ value: String) -> EntryText {
        var copy = self
        if let index = copy.fields.firstIndex(where: { $0.key == key }) {
            copy.fields[index].value = value
        } else {
            copy.fields.append((key, value))
        }
        return copy
    }

    /// The same entry without `key`.
    func removing(_ key: String) -> EntryText {
        var copy = self
        copy.fields.removeAll { $0.key == key }
        return copy
    }

    var text: String {
        "    {\n" + fields.map { "      \"\($0.key)\": \($0.value)" }.joined(separator: ",\n") + "\n    }"
    }
}

/// A whole zoo.json with these entries.
func document(_ entries: [EntryText], version: String = "1") -> String {
    "{\n  \"$schema\": \"./zoo.schema.json\",\n  \"version\": \(version),\n  \"entries\": [\n"
        + entries.map(\.text).joined(separator: ",\n") + "\n  ]\n}\n"
}

/// The 1-based line of the `occurrence`-th line containing `needle`.
func line(of needle: String, in text: String, occurrence: Int = 1) -> Int {
    var seen = 0
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.contains(needle) {
        seen += 1
        if seen == occurrence { return index + 1 }
    }
    return -1
}

/// The diagnostics zoo.json text raises (empty when it is valid).
func diagnostics(_ text: String, folders: Set<String>? = nil) -> [ManifestDiagnostic] {
    var options = ManifestValidationOptions()
    if let folders {
        options.methodFolderExists = { @Sendable target in folders.contains(target) }
    }
    do {
        _ = try Manifest.parse(text, options: options)
        return []
    } catch {
        return error.diagnostics
    }
}

/// The zoo.json at the root of this package.
func repositoryManifestText() throws -> String {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return try String(contentsOf: root.appendingPathComponent("zoo.json"), encoding: .utf8)
}
