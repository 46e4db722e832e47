// The registry restricted to CRD's zoo.json entry (this test target sees no other method), and
// small helpers shared by the CRD tests.
import Foundation
import ZooCore
import ZooManifest
import ZooTensor
import ZooTestSupport
@testable import CRD

let crdRegistry: Registry = {
    let url = fixturesDirectory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("zoo.json")
    let manifest = try! Manifest.parse(String(contentsOf: url, encoding: .utf8))
    let own = Manifest(version: manifest.version, entries: manifest.entries.filter { $0.target == "CRD" })
    return try! Registry(manifest: own, entries: [CRDEntry.self])
}()

/// The `crd` loss built from its config (tiny: d 16, K 8, student 24, teacher 40, N 40) with `--set` overrides.
func makeCRD(tiny: Bool = true, _ arguments: String...) throws -> CRDLoss {
    let overrides = try ConfigOverrides(arguments: arguments).overrides()
    let loss = try GlobalRandom.withSeed(1) { try crdRegistry.createLoss("crd", tiny: tiny, overrides: overrides) }
    return loss as! CRDLoss
}

/// Student `[B, 24]` and teacher `[B, 40]` features for the tiny config, seeded.
func features(count: Int, seed: UInt64, student: Int = 24, teacher: Int = 40) -> (Outputs, Outputs) {
    let s = Tensor.randomNormal([count, student], seed: seed)
    s.requiresGrad = true
    return (Outputs([.features: s]), Outputs([.features: Tensor.randomNormal([count, teacher], seed: seed &+ 1000)]))
}

/// Deep copies of a module state (the loss replaces its buffers, but tests should not rely on it).
func snapshot(_ state: [String: Tensor]) -> [String: Tensor] { state.mapValues { $0.copy() } }
