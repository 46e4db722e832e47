// `zoo index` and `zoo search`: for a vector model the top 10 ids and scores of 50 random queries
// equal numpy's brute force over the same index; for X-CLIP, re-ranking that covers the whole
// collection equals exhaustive scoring with the head, and the first stage's recall of the
// exhaustive top 10 is measured for a smaller re-ranking budget.
import Foundation
import Testing
import ZooCommands
import ZooCore
import ZooData
import ZooNN
import ZooTensor
import ZooTestSupport

private let tinyCLIP = fixturesDirectory.appendingPathComponent("tiny-clip")

private func zoo(_ arguments: [String]) -> (status: Int32, output: String, errors: String) {
    runZoo([IndexCommand(registry: commandTestRegistry), SearchCommand(registry: commandTestRegistry)], arguments)
}

/// Whether `python3` with numpy can run here (CI installs both).
private let numpyAvailable: Bool = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import numpy"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}()

/// A features folder of `count` videos with 1–8 random frames of `width` (seeded).
private func randomFeatures(count: Int, width: Int, seed: UInt64) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-search-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var generator = RandomGenerator(seed: seed)
    var writer = SafetensorsWriter()
    for index in 0..<count {
        let frames = 1 + generator.nextInt(below: 8)
        try writer.add(String(format: "video%04d", index), floats: Tensor.randomNormal([frames, width], using: &generator).scalars, shape: [frames, width])
    }
    try writer.write(to: folder.appendingPathComponent("features.safetensors"))
    return folder
}

/// Fifty seeded queries of three to eight words.
private func randomQueries() -> [String] {
    let words = ["a", "dog", "red", "car", "runs", "on", "the", "beach", "man", "plays", "guitar", "two", "people", "dance", "slowly",
                 "cat", "jumps", "over", "blue", "ball", "at", "night", "in", "rain", "city", "street", "child", "laughs"]
    var generator = RandomGenerator(seed: 50)
    return (0..<50).map { _ in (0..<(3 + generator.nextInt(below: 6))).map { _ in words[generator.nextInt(below: words.count)] }.joined(separator: " ") }
}

private struct SearchOutput: Decodable {
    struct Result: Decodable { var query: String; var hits: [SearchHit] }
    var kind: String
    var results: [Result]
}

/// Writes `values` as raw little-endian float32.
private func writeFloats(_ values: [Float], to url: URL) throws {
    try values.withUnsafeBufferPointer { try Data(buffer: $0).write(to: url) }
}

@Suite("zoo index and zoo search")
struct SearchCommandTests {
    @Test("top-10 ids and scores of 50 random queries equal numpy's brute force over the same index",
          .enabled(if: numpyAvailable, "python3 with numpy is needed for the brute-force reference (pip install numpy)"))
    func vectorSearchMatchesNumpy() throws {
        let features = try randomFeatures(count: 300, width: 32, seed: 7)
        defer { try? FileManager.default.removeItem(at: features) }
        let index = features.appendingPathComponent("index")
        let built = zoo(["index", "clip-tiny", "--weights", tinyCLIP.path, "--features", features.path, "--out", index.path, "--frames", "4"])
        #expect(built.status == 0, "\(built.errors)")
        let queries = randomQueries()
        let queryFile = features.appendingPathComponent("queries.txt")
        try Data(queries.joined(separator: "\n").utf8).write(to: queryFile)
        let result = zoo(["search", index.path, "--queries", queryFile.path, "--top", "10", "--json"])
        #expect(result.status == 0, "\(result.errors)")
        let output = try JSONDecoder().decode(SearchOutput.self, from: Data(result.output.utf8))
        #expect(output.kind == "vector" && output.results.count == 50)

        // The same query vectors as the search (the model's caption encoder), and the index's vectors.
        let model = try #require(try commandTestRegistry.createPretrained("clip-tiny", weights: tinyCLIP) as? any RetrievalModel)
        model.eval()
        let record = try JSONDecoder().decode(IndexRecord.self, from: Data(contentsOf: index.appendingPathComponent("index.json")))
        let ids = try CLIPTokenizer.shared().encode(queries, truncate: true, contextLength: record.contextLength)
        let queryVectors = try noGrad { try #require(try model.encodeCaptions(ids)[.textEmbedding]) }
        try writeFloats(queryVectors.scalars, to: features.appendingPathComponent("q.f32"))
        try writeFloats(try SafetensorsFile(contentsOf: index.appendingPathComponent("vectors.safetensors")).floats("vectors"),
                        to: features.appendingPathComponent("v.f32"))
        let script = """
        import json, sys, numpy as np
        q = np.fromfile(sys.argv[1], dtype=np.float32).reshape(50, -1)
        v = np.fromfile(sys.argv[2], dtype=np.float32).reshape(-1, q.shape[1])
        s = q @ v.T
        top = np.argsort(-s, axis=1, kind="stable")[:, :10]
        print(json.dumps([[[int(i), float(s[r, i])] for i in row] for r, row in enumerate(top)]))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, features.appendingPathComponent("q.f32").path, features.appendingPathComponent("v.f32").path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let reference = try JSONDecoder().decode([[[Double]]].self, from: pipe.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        for (query, (found, expected)) in zip(output.results, reference).enumerated() {
            #expect(found.hits.map(\.id) == expected.map { record.ids[Int($0[0])] }, "query \(query): \(found.query)")
            for (hit, pair) in zip(found.hits, expected) { #expect(abs(Double(hit.score) - pair[1]) < 1e-5, "query \(query)") }
        }
    }

    @Test("a --half index is searched on its float16 vectors, with the hits and scores of their widened values")
    func halfIndexSearchesItsFloat16Vectors() throws {
        let features = try randomFeatures(count: 120, width: 32, seed: 11)
        defer { try? FileManager.default.removeItem(at: features) }
        let index = features.appendingPathComponent("index")
        let built = zoo(["index", "clip-tiny", "--weights", tinyCLIP.path, "--features", features.path, "--out", index.path, "--half"])
        #expect(built.status == 0, "\(built.errors)")
        let loaded = try VideoIndex.load(index)
        let halves = try #require(loaded.halfVectors)
        #expect(halves.map { Float($0) } == loaded.vectors.scalars)
        var generator = RandomGenerator(seed: 12)
        for queryCount in [1, 3, 8] {
            let queries = Tensor.randomNormal([queryCount, 32], using: &generator).l2Normalized()
            let fromHalves = VideoSearch.rank(queries: queries, vectors: loaded.vectors, halfVectors: halves, count: 120, top: 10)
            let fromWidened = VideoSearch.rank(queries: queries, vectors: loaded.vectors, count: 120, top: 10)
            #expect(fromHalves.map { $0.map(\.row) } == fromWidened.map { $0.map(\.row) })
            #expect(fromHalves.map { $0.map(\.score.bitPattern) } == fromWidened.map { $0.map(\.score.bitPattern) })
        }
        let result = zoo(["search", index.path, "a dog runs", "--top", "5", "--json"])
        #expect(result.status == 0, "\(result.errors)")
    }

    @Test("X-CLIP re-ranking over the whole collection equals exhaustive scoring with the head; the first stage's recall is measured")
    func rerankMatchesExhaustiveScoring() throws {
        let features = try randomFeatures(count: 60, width: 32, seed: 9)
        defer { try? FileManager.default.removeItem(at: features) }
        // An X-CLIP over the tiny CLIP, its head freshly initialised (seed 0), saved as a checkpoint.
        var experiment = try Experiment(resolving: "xclip", in: commandTestRegistry)
        experiment.backbone = ModelSpec(name: "clip-tiny", weights: tinyCLIP.path)
        experiment.data = DataOptions(dataset: "features:\(features.path)", frames: 12)
        let (composed, contextLength) = try BuiltRun.studentModel(experiment, registry: commandTestRegistry)
        let checkpoint = features.appendingPathComponent("xclip.safetensors")
        try composed.saveSafetensors(checkpoint)

        let index = features.appendingPathComponent("index")
        let built = zoo(["index", "xclip", "--weights", checkpoint.path, "--backbone", "clip-tiny", "--features", features.path, "--out", index.path])
        #expect(built.status == 0, "\(built.errors)")
        let queries = Array(randomQueries().prefix(8))
        let everything = zoo(["search", index.path, "--top", "10", "--rerank", "60", "--json"] + queries)
        #expect(everything.status == 0, "\(everything.errors)")
        let reranked = try JSONDecoder().decode(SearchOutput.self, from: Data(everything.output.utf8))
        #expect(reranked.kind == "rerank")

        // Exhaustive: the head on every (query, video) pair, in one block.
        let model = try #require(composed.retrieval)
        model.eval()
        let loaded = try VideoIndex.load(index)
        let exhaustive: [[Float]] = try noGrad {
            let taps = try model.encodeCaptions(try CLIPTokenizer.shared().encode(queries, truncate: true, contextLength: contextLength))
            let scores = try model.score(captions: taps, videos: [.frameFeatures: try #require(loaded.frames), .frameMask: try #require(loaded.mask)])
            return (0..<queries.count).map { Array(scores.scalars[($0 * 60)..<(($0 + 1) * 60)]) }
        }
        var recallHits = 0
        let narrow = try JSONDecoder().decode(SearchOutput.self, from: Data(zoo(["search", index.path, "--top", "10", "--rerank", "20", "--json"] + queries).output.utf8))
        for (query, scores) in exhaustive.enumerated() {
            let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }.prefix(10)
            #expect(reranked.results[query].hits.map(\.id) == order.map { loaded.record.ids[$0] }, "query \(query)")
            for (hit, row) in zip(reranked.results[query].hits, order) { #expect(abs(hit.score - scores[row]) < 1e-4, "query \(query)") }
            recallHits += Set(narrow.results[query].hits.map(\.id)).intersection(order.map { loaded.record.ids[$0] }).count
        }
        let recall = Double(recallHits) / Double(10 * queries.count)
        print("first-stage recall of the exhaustive top 10 with --rerank 20 of 60 videos: \(recall)")
        #expect(recall > 0)
    }

    @Test("an index refuses weights that changed, and a search names an unknown video")
    func refusals() throws {
        let features = try randomFeatures(count: 20, width: 32, seed: 3)
        defer { try? FileManager.default.removeItem(at: features) }
        let weights = features.appendingPathComponent("clip")
        try FileManager.default.copyItem(at: tinyCLIP, to: weights)
        let index = features.appendingPathComponent("index")
        #expect(zoo(["index", "clip-tiny", "--weights", weights.path, "--features", features.path, "--out", index.path]).status == 0)
        let unknown = zoo(["search", index.path, "--video", "video9999"])
        #expect(unknown.status == 1 && unknown.errors.contains("no video 'video9999'"))
        let again = zoo(["index", "clip-tiny", "--weights", weights.path, "--features", features.path, "--out", index.path])
        #expect(again.status == 2 && again.errors.contains("--force"))
        let config = weights.appendingPathComponent("config.json")
        try (try Data(contentsOf: config) + Data(" ".utf8)).write(to: config)
        let changed = zoo(["search", index.path, "a dog"])
        #expect(changed.status == 1 && changed.errors.contains("changed since the index was made"))

        // Features from another encoder (48 wide for a 32-wide model) are refused before any product.
        let wide = try randomFeatures(count: 5, width: 48, seed: 4)
        defer { try? FileManager.default.removeItem(at: wide) }
        let mismatch = zoo(["index", "clip-tiny", "--weights", tinyCLIP.path, "--features", wide.path, "--out", wide.appendingPathComponent("index").path])
        #expect(mismatch.status == 1 && mismatch.errors.contains("48 wide"), "\(mismatch.errors)")
    }
}

@Suite("zoo search on embedded videos", .enabled(if: FFmpeg.isAvailable, "ffmpeg is not installed: apt-get install ffmpeg"))
struct SearchPageTests {
    @Test("--html writes one self-contained page: the query, every hit's id and score, and a JPEG thumbnail of each video")
    func htmlPage() throws {
        let collection = try makeVideoCollection()
        defer { try? FileManager.default.removeItem(at: collection) }
        let features = URL(fileURLWithPath: collection.path + "-features"), index = URL(fileURLWithPath: collection.path + "-index")
        defer { for folder in [features, index] { try? FileManager.default.removeItem(at: folder) } }
        let run = { (arguments: [String]) in runZoo([EmbedCommand(registry: commandTestRegistry), IndexCommand(registry: commandTestRegistry),
                                                     SearchCommand(registry: commandTestRegistry)], arguments) }
        #expect(run(["embed", "clip-tiny", "--weights", tinyCLIP.path, "--videos", collection.path, "--out", features.path, "--frames", "4"]).status == 0)
        #expect(run(["index", "clip-tiny", "--weights", tinyCLIP.path, "--features", features.path, "--out", index.path, "--frames", "4"]).status == 0)
        let page = collection.appendingPathComponent("results.html")
        let result = run(["search", index.path, "a <striped> test & pattern", "--top", "10", "--html", page.path])
        #expect(result.status == 0, "\(result.errors)")
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("</html>"))
        #expect(html.contains("a &lt;striped&gt; test &amp; pattern"))
        let images = html.components(separatedBy: "data:image/jpeg;base64,").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(images.count == 10)
        for image in images {
            let bytes = try #require(Data(base64Encoded: image))
            #expect(Array(bytes.prefix(2)) == [0xFF, 0xD8], "not a JPEG")
        }
        for hit in 0..<10 { #expect(html.contains("#\(hit + 1)</span>")) }
        #expect(!html.contains("http://") && !html.contains("https://"))   // nothing fetched from elsewhere

        // An image query through the image encoder.
        let image = collection.appendingPathComponent("still.ppm")
        try Data("P6\n4 4\n255\n".utf8 + (0..<48).map { UInt8($0 * 5) }).write(to: image)
        let byImage = run(["search", index.path, "--image", image.path, "--top", "3", "--json"])
        #expect(byImage.status == 0, "\(byImage.errors)")
        #expect(byImage.output.contains("videos like"))
    }
}
