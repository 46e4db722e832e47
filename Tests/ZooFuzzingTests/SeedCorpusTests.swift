// The fuzz targets and their seed corpora (Fuzz/corpus/<target>/, written by Fuzz/make-seeds.py):
// every target has seeds, every seed runs through its target in an ordinary build, and each target
// accepts at least one seed (a target that refuses everything would fuzz only its error paths).
import Foundation
import Testing
import ZooFuzzing

@Suite("Fuzz targets and seed corpora")
struct SeedCorpusTests {
    /// Fuzz/corpus in this checkout, found from this file's path (Tests/ZooFuzzingTests/…).
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus")

    static func seeds(of target: String) throws -> [URL] {
        let folder = corpus.appendingPathComponent(target)
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test("every corpus folder belongs to a target and every target has a corpus folder")
    func foldersMatchTargets() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).sorted()
        #expect(folders == FuzzTarget.all.map(\.name).sorted())
    }

    @Test("each target has at least three seeds and accepts at least one", arguments: FuzzTarget.all.map(\.name))
    func seedsRunAndOneIsAccepted(target name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let seeds = try Self.seeds(of: name)
        #expect(seeds.count >= 3, "\(name) has \(seeds.count) seeds")
        var accepted: [String] = []
        for seed in seeds where target.run([UInt8](try Data(contentsOf: seed))).isAccepted {
            accepted.append(seed.lastPathComponent)
        }
        #expect(!accepted.isEmpty, "\(name) refused every seed")
    }

    @Test("the seeds that are meant to be refused are refused", arguments: [
        ("clip-state", "reshaped-token-embedding"), ("clip-config", "gelu.json"), ("clip-config", "string-size.json"),
        ("msrvtt-json", "wrong-type.json"),
    ])
    func nearMissesAreRefused(target name: String, seed: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let bytes = [UInt8](try Data(contentsOf: Self.corpus.appendingPathComponent(name).appendingPathComponent(seed)))
        #expect(!target.run(bytes).isAccepted)
    }

    @Test("bytes that are no format at all are refused by every target but the tokenizer, which reads any text")
    func garbageIsRefused() {
        let garbage: [UInt8] = [0xFF, 0x00, 0x13, 0x37, 0xC3, 0x28, 0x0A, 0x00]
        for target in FuzzTarget.all {
            #expect(target.run(garbage).isAccepted == (target.name == "tokenizer"), "\(target.name)")
        }
    }
}
