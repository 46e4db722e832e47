// The registry restricted to TeachCLIP's zoo.json entries (this test target sees no other method).
import Foundation
import ZooCore
import ZooManifest
import ZooTestSupport
@testable import TeachCLIP

let teachclipRegistry: Registry = {
    let url = fixturesDirectory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("zoo.json")
    let manifest = try! Manifest.parse(String(contentsOf: url, encoding: .utf8))
    let own = Manifest(version: manifest.version, entries: manifest.entries.filter { $0.target == "TeachCLIP" })
    return try! Registry(manifest: own, entries: [TeachCLIPEntry.self])
}()
