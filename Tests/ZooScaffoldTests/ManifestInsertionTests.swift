// Appending to zoo.json must keep every original character and yield a manifest that validates.
import Foundation
import Testing
import ZooManifest
@testable import ZooScaffold

/// A small zoo.json in the house style, with a string that looks like a closing bracket.
let sampleManifest = """
    {
      "$schema": "./zoo.schema.json",
      "version": 1,
      "entries": [
        {
          "name": "old-head",
          "kind": "head",
          "family": "retrieval",
          "target": "OldHead",
          "entry": "OldHeadEntry",
          "summary": "A summary with ] and } and \\" inside.",
          "paper": {"title": "Old", "authors": ["A B"], "year": 2020, "arxiv": null, "code": null},
          "config": {"eps": 1e-5, "betas": [0.9, 0.98]},
          "tinyConfig": {},
          "status": "planned"
        }
      ]
    }

    """

@Suite("Appending to zoo.json")
struct ManifestInsertionTests {
    let request = try! ScaffoldRequest(name: "new-head", kind: "head", family: "retrieval", currentYear: 2026)

    /// `new` is `original` with one run of text inserted: same prefix and suffix, nothing else.
    func insertedText(_ original: String, _ new: String) -> String? {
        let a = Array(original.unicodeScalars), b = Array(new.unicodeScalars)
        var prefix = 0
        while prefix < a.count, a[prefix] == b[prefix] { prefix += 1 }
        let insertedCount = b.count - a.count
        guard insertedCount > 0, Array(b[(prefix + insertedCount)...]) == Array(a[prefix...]) else { return nil }
        return String(String.UnicodeScalarView(b[prefix..<(prefix + insertedCount)]))
    }

    @Test("the original text is kept byte for byte around one inserted run")
    func preservesOriginal() throws {
        let (text, _) = try ManifestInsertion.appending(request.manifestEntry, to: sampleManifest)
        let inserted = try #require(insertedText(sampleManifest, text))
        #expect(inserted.hasPrefix(",\n    {\n      \"name\": \"new-head\","))
        #expect(inserted.hasSuffix("\n    }"))
        #expect(text.hasSuffix("    }\n  ]\n}\n"))
    }

    @Test("the result validates and lists the new entry last, at the reported line")
    func resultValidates() throws {
        let (text, line) = try ManifestInsertion.appending(request.manifestEntry, to: sampleManifest)
        let manifest = try Manifest.parse(text, options: ManifestValidationOptions { $0 == "NewHead" })
        #expect(manifest.names == ["old-head", "new-head"])
        let entry = try #require(manifest.entries.last)
        #expect(entry.line == line)
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false)[line - 1] == "    {")
        #expect(entry.status == .experimental && entry.kind == .head && entry.target == "NewHead" && entry.entryType == "NewHeadEntry")
    }

    @Test("an empty entries array gets the entry indented inside it")
    func emptyArray() throws {
        let original = "{\n  \"version\": 1,\n  \"entries\": []\n}\n"
        let (text, line) = try ManifestInsertion.appending(request.manifestEntry, to: original)
        #expect(text.hasPrefix("{\n  \"version\": 1,\n  \"entries\": [\n    {\n      \"name\": \"new-head\""))
        #expect(text.hasSuffix("\n    }\n  ]\n}\n"))
        #expect(line == 4)
        #expect(try Manifest.parse(text).names == ["new-head"])
    }

    @Test("Windows line endings stay Windows line endings")
    func crlf() throws {
        let original = sampleManifest.replacingOccurrences(of: "\n", with: "\r\n")
        let (text, _) = try ManifestInsertion.appending(request.manifestEntry, to: original)
        let inserted = try #require(insertedText(original, text))
        #expect(!inserted.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(try Manifest.parse(text).names == ["old-head", "new-head"])
    }

    @Test("text that is not an object with an entries array is refused")
    func refusesOtherLayouts() {
        #expect(throws: ScaffoldError.self) { try ManifestInsertion.appending(request.manifestEntry, to: "[1, 2]") }
        #expect(throws: ScaffoldError.self) { try ManifestInsertion.appending(request.manifestEntry, to: "{\"entries\": {}}") }
        #expect(throws: ScaffoldError.self) { try ManifestInsertion.appending(request.manifestEntry, to: "{\"entries\": [") }
    }

    @Test("the real zoo.json takes the entry and still validates")
    func realManifest() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let original = try String(contentsOf: root.appendingPathComponent("zoo.json"), encoding: .utf8)
        let (text, _) = try ManifestInsertion.appending(request.manifestEntry, to: original)
        #expect(insertedText(original, text) != nil)
        let methods = root.appendingPathComponent("Sources/Methods").path
        let manifest = try Manifest.parse(text, options: ManifestValidationOptions {
            $0 == "NewHead" || FileManager.default.fileExists(atPath: methods + "/" + $0)
        })
        #expect(manifest.names.last == "new-head")
        #expect(manifest.names.dropLast() == (try Manifest.parse(original)).names[...])
    }
}
