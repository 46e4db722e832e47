// The registry restricted to CLIP4Clip's zoo.json entries (this test target sees no other method).
import Foundation
import ZooCore
import ZooManifest
import ZooTestSupport
@testable import CLIP4Clip

let clip4clipRegistry: Registry = {
    let url = fixturesDirectory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("zoo.json")
    let manifest = try! Manifest.parse(String(contentsOf: url, encoding: .utf8))
    let own = Manifest(version: manifest.version, entries: manifest.entries.filter { $0.target == "CLIP4Clip" })
    return try! Registry(manifest: own, entries: [CLIP4ClipEntry.self])
}()
