// Evaluation on precomputed features of short videos (zero-padded to F rows) must report recall
// that is there. Once, a zero padding row normalised to NaN, the NaN video vector gave NaN scores,
// and a NaN ground truth ranked first: identical videos read R@1 ≈ 71%, random ones ≈ 75%.
// Every clip-* model and every head over clip-tiny is checked here on a `features:` folder.
import Foundation
import Testing
import ZooCatalog
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor

/// Frames per video after sampling and padding, and caption length, for every case here.
private let framesPerVideo = 4, contextLength = 16

/// A features dataset (`features.safetensors` + `captions.json`) in a temporary folder: video i
/// has `frameCounts[i]` rows of `row(i, r)`, and one caption of its own in the "test" split.
private struct FeaturesFolder {
    let url: URL

    init(frameCounts: [Int], width: Int, row: (Int, Int) -> [Float]) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-padded-features-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        var writer = SafetensorsWriter(metadata: ["encoder": "test"])
        for (video, count) in frameCounts.enumerated() {
            try writer.add("v\(video)", floats: (0..<count).flatMap { row(video, $0) }, shape: [count, width])
        }
        try writer.write(to: url.appendingPathComponent("features.safetensors"))
        let words = ["red", "blue", "green", "small", "large", "circle", "square", "moving", "left", "right", "up", "down"]
        let captions = frameCounts.indices.map { video in
            let caption = "a \(words[video % words.count]) \(words[(video / words.count + 5) % words.count]) shape, clip \(video)"
            return #"{"video": "v\#(video)", "caption": "\#(caption)"}"#
        }
        try Data(#"{"test": [\#(captions.joined(separator: ", "))]}"#.utf8).write(to: url.appendingPathComponent("captions.json"))
    }

    func remove() { try? FileManager.default.removeItem(at: url) }   // best-effort cleanup of a temporary folder

    func source() throws -> FeatureSource {
        try FeatureSource(paths: FeatureSourcePaths(directory: url), split: "test", framesPerVideo: framesPerVideo)
    }
}

private let catalog = try! Registry(manifest: try! Manifest.parse(ZooCatalog.manifestJSON), entries: ZooCatalog.methodEntries)

/// Every built retrieval model named clip-* and every built head: what reads frame features.
private let featureReaders: [String] = catalog.registeredNames.filter { name in
    guard let entry = try? catalog.entry(name), entry.families.contains(.retrieval) else { return false }
    return entry.kind == .head || (entry.kind == .model && name.hasPrefix("clip-"))
}

/// A seeded, untrained model that reads features of its embedding width: a clip-* model's tiny
/// config, or a head over clip-tiny sized as `zoo eval` sizes it (frames and words of the data).
private func model(_ name: String) throws -> (model: any RetrievalModel, width: Int) {
    try GlobalRandom.withSeed(7) {
        let entry = try catalog.entry(name)
        if entry.kind == .head {
            let sizes = try catalog.config(for: name)
            var members: [JSONNode.Member] = []
            if sizes.has("frames") { members.append(.init(key: "frames", value: .number(framesPerVideo))) }
            if sizes.has("words") { members.append(.init(key: "words", value: .number(contextLength))) }
            let (composed, _) = try catalog.composedModel(head: name, backbone: "clip-tiny", headOverrides: .object(members: members))
            return (composed, composed.backbone.embeddingWidth)
        }
        let module = try catalog.create(name, tiny: true)
        let retrieval = try #require(module as? any RetrievalModel & ContrastiveModel, "\(name) is not a contrastive retrieval model")
        return (retrieval, retrieval.embeddingWidth)
    }
}

private func evaluate(_ model: any RetrievalModel, on source: FeatureSource) throws -> RetrievalEvaluation {
    let batcher = RetrievalBatcher(source: source, tokenizer: try CLIPTokenizer.shared(), contextLength: contextLength)
    var evaluator = RetrievalEvaluator(batcher: batcher)
    evaluator.encodeBatchSize = 8   // several batches, so a padded video sits at every batch position
    return try evaluator.evaluate(model)
}

@Suite("Evaluation on zero-padded precomputed features")
struct PaddedFeaturesEvaluationTests {
    static let videos = 21

    @Test("identical short videos: every caption's video ties with all others, so R@1 is 0", arguments: featureReaders)
    func identicalVideosRankLast(name: String) throws {
        let (model, width) = try model(name)
        let vector = (0..<width).map { Float(($0 * 7) % 5) - 1.5 }   // one non-zero vector for every row
        // Every video has 2 real frames of F = 4: the other two rows are zero padding.
        let folder = try FeaturesFolder(frameCounts: Array(repeating: 2, count: Self.videos), width: width) { _, _ in vector }
        defer { folder.remove() }
        let metrics = try evaluate(model, on: try folder.source()).metrics
        #expect(metrics.textToVideo.recallAt1 == 0, "\(name): \(metrics.textToVideo)")
        #expect(metrics.textToVideo.medianRank == Double(Self.videos), "\(name): \(metrics.textToVideo)")
    }

    @Test("random videos of 1…F+3 frames: finite scores and recall at chance", arguments: featureReaders)
    func randomVideosRankAtChance(name: String) throws {
        let (model, width) = try model(name)
        var generator = RandomGenerator(seed: 11)
        let frameCounts = (0..<Self.videos).map { 1 + $0 % (framesPerVideo + 3) }   // 1, 2, …, 7, 1, 2, …
        let rows = frameCounts.map { count in (0..<count).map { _ in (0..<width).map { _ in generator.nextNormal() } } }
        let folder = try FeaturesFolder(frameCounts: frameCounts, width: width) { video, row in rows[video][row] }
        defer { folder.remove() }
        let metrics = try evaluate(model, on: try folder.source()).metrics
        // Chance on 21 videos: R@1 = 1/21 ≈ 4.8% (one hit expected), mean rank 11. An untrained model
        // ranks at chance; the band (≤ 3 hits, mean rank 11 ± 5) holds at P > 0.98 for a uniform
        // ranking, and excludes the ≈ 75% that NaN scores once produced.
        for (direction, ranks) in [("t2v", metrics.textToVideo), ("v2t", metrics.videoToText)] {
            #expect(ranks.recallAt1 <= 100 * 3 / Double(Self.videos), "\(name) \(direction): \(ranks)")
            #expect(abs(ranks.meanRank - Double(Self.videos + 1) / 2) <= 5, "\(name) \(direction): \(ranks)")
        }
    }
}
