// The registry restricted to BiModalPMA's zoo.json entries (this test target sees no other
// method), and small builders shared by the behaviour tests.
import Foundation
import ZooCore
import ZooManifest
import ZooTensor
import ZooTestSupport
@testable import BiModalPMA

let pmaRegistry: Registry = {
    let url = fixturesDirectory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("zoo.json")
    let manifest = try! Manifest.parse(String(contentsOf: url, encoding: .utf8))
    let own = Manifest(version: manifest.version, entries: manifest.entries.filter { $0.target == "BiModalPMA" })
    return try! Registry(manifest: own, entries: [BiModalPMAEntry.self])
}()

/// A head with d = d_t = d_local = 16, d_final = 8, 5 classes, 3 stages.
func smallHead(seed: UInt64 = 1) -> ProgressiveMaskAttention {
    GlobalRandom.withSeed(seed) {
        ProgressiveMaskAttention(PMAConfiguration(backboneChannels: [16], textWidth: 16, localWidth: 16, finalWidth: 8, classes: 5))
    }
}

/// A `[rows, columns]` 0/1 mask with the first `real[b]` entries of row b set.
func prefixMask(_ real: [Int], columns: Int) -> Tensor {
    Tensor(real.flatMap { count in (0..<columns).map { $0 < count ? Float(1) : 0 } }, shape: [real.count, columns])
}

/// The taps of one head run, without gradients.
func runHead(_ head: ProgressiveMaskAttention, map: Tensor, phrases: Tensor, mask: Tensor) throws -> Outputs {
    try noGrad { try head(map, phrases: phrases, phraseMask: mask) }
}

/// `tensor` `[S, B, k]` as rows: result[s][b] is the k values of stage s, sample b.
func stageRows(_ tensor: Tensor) -> [[[Float]]] {
    let (stages, batch, width) = (tensor.shape[0], tensor.shape[1], tensor.count / (tensor.shape[0] * tensor.shape[1]))
    let values = tensor.scalars
    return (0..<stages).map { s in (0..<batch).map { b in Array(values[((s * batch + b) * width)..<((s * batch + b + 1) * width)]) } }
}
