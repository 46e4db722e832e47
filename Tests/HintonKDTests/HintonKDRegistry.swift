// The registry restricted to HintonKD's zoo.json entries (this test target sees no other method).
import Foundation
import ZooCore
import ZooManifest
import ZooTestSupport
@testable import HintonKD

let hintonRegistry: Registry = {
    let url = fixturesDirectory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("zoo.json")
    let manifest = try! Manifest.parse(String(contentsOf: url, encoding: .utf8))
    let own = Manifest(version: manifest.version, entries: manifest.entries.filter { $0.target == "HintonKD" })
    return try! Registry(manifest: own, entries: [HintonKDEntry.self])
}()

/// `--set`-style overrides as JSON.
func settings(_ arguments: String...) throws -> JSONNode {
    try ConfigOverrides(arguments: arguments).overrides()
}
