// The registry restricted to X-CLIP's zoo.json entry (this test target sees no other method).
import Foundation
import ZooCore
import ZooManifest
import ZooTestSupport
@testable import XCLIP

let xclipRegistry: Registry = {
    let url = fixturesDirectory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("zoo.json")
    let manifest = try! Manifest.parse(String(contentsOf: url, encoding: .utf8))
    let own = Manifest(version: manifest.version, entries: manifest.entries.filter { $0.target == "XCLIP" })
    return try! Registry(manifest: own, entries: [XCLIPEntry.self])
}()
