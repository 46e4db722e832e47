// `zoo-bench search`: brute-force top-k search over random unit vectors (what `zoo search` does
// on a vector index) against numpy's matrix product + argpartition over the same matrix, timed
// in the same run with interleaved samples; single queries (bound by memory bandwidth: the
// bandwidth reached is reported) and batches of queries.
import Foundation
import ZooCore
import ZooTensor

enum SearchBenchmark {
    static let usage = """
        usage: zoo-bench search [--sizes 10000,100000,1000000] [--width 512] [--batch 64] [--top 10]
                                [--rounds 5] [--no-reference] [--json]
          For each size N: N random unit vectors of WIDTH, and random unit queries. Reports, for
          one query and for BATCH queries at once, the zoo's seconds per call (VideoSearch.rank:
          RowDotProducts for up to 8 queries, GEMM above, then a top-k scan) next to numpy's
          (q @ V.T, np.argpartition, a sort of the k), the median of ROUNDS interleaved samples,
          and the memory bandwidth one query reaches (N·WIDTH·4 bytes per call, ·2 for float16).
          The single query is timed twice: on float32 vectors and on the same vectors stored as
          float16 (a `zoo index --half` index; numpy keeps its float32 matrix).
        """

    struct Row: Encodable {
        var size: Int
        var queries: Int
        /// `float32` or `float16`, how the zoo's vectors are stored.
        var storage: String
        var zooSeconds: Double
        var numpySeconds: Double?
        var ratio: Double?
        var gigabytesPerSecond: Double
    }

    static func run(_ arguments: [String]) -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") { print(usage); return 0 }
        func value(_ flag: String) -> String? {
            guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count else { return nil }
            return arguments[i + 1]
        }
        let sizes = (value("--sizes") ?? "10000,100000,1000000").split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
        let width = value("--width").flatMap(Int.init) ?? 512
        let batch = value("--batch").flatMap(Int.init) ?? 64
        let top = value("--top").flatMap(Int.init) ?? 10
        let rounds = value("--rounds").flatMap(Int.init) ?? 5
        let json = arguments.contains("--json")
        guard !sizes.isEmpty, width > 0, batch > 0, top > 0, rounds > 0 else { log("zoo-bench search: bad arguments\n\(usage)"); return 2 }

        var reference: PythonHelper?
        if !arguments.contains("--no-reference"), let script = findScript() {
            reference = PythonHelper(arguments: [script], environment: [:])
            if let line = reference?.readLine(), line.hasPrefix("ready ") {
                log("reference: numpy \(line.dropFirst(6))")
            } else {
                log("reference: numpy unavailable; numpy columns stay empty")
                reference = nil
            }
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-bench-search-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch { log("\(error)"); return 1 }

        var generator = RandomGenerator(seed: 2026)
        let queries = Tensor.randomNormal([batch, width], using: &generator).l2Normalized()
        let queryFile = folder.appendingPathComponent("queries.f32")
        do { try write(queries, to: queryFile) } catch { log("\(error)"); return 1 }
        _ = reference?.request("queries \(queryFile.path) \(batch)")
        var rows: [Row] = []
        log("kernels: GEMM \(GEMMBenchmark.isaDescription); row dot products SIMD8 (AVX2)")
        for size in sizes {
            let generated = Tensor.randomNormal([size, width], using: &generator).l2Normalized()
            // On huge pages, as `VideoIndex.load` keeps an index's vectors (numpy does the same for
            // its matrix).
            let storage = TensorStorage.onHugePages(count: generated.count)
            generated.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: generated.count) }
            let vectors = Tensor(shape: generated.shape, storage: storage)
            let matrixFile = folder.appendingPathComponent("matrix.f32")
            if reference != nil {
                do { try write(vectors, to: matrixFile) } catch { log("\(error)"); return 1 }
                _ = reference?.request("load \(matrixFile.path) \(size) \(width)")
                try? FileManager.default.removeItem(at: matrixFile)
            }
            // The float16 copy holds each value rounded to float16; widening it gives `halfVectors`'
            // exact values, so a float16 index ranks these rounded vectors.
            let halves = [Float16](unsafeUninitializedCapacity: vectors.count) { buffer, initialized in
                HugePages.advise(buffer.baseAddress!, byteCount: vectors.count * 2)
                vectors.withUnsafeBufferPointer { values in for i in 0..<values.count { buffer[i] = Float16(values[i]) } }
                initialized = vectors.count
            }
            for (queryCount, half) in [(1, false), (1, true), (batch, false)] {
                let q = queries.slice(axis: 0, 0..<queryCount)
                let reps = Swift.max(1, Int(2e8 / Double(size * width * Swift.max(1, queryCount / 8))))
                var zooSamples: [Double] = [], numpySamples: [Double] = []
                let stored = half ? halves : nil
                _ = VideoSearch.rank(queries: q, vectors: vectors, halfVectors: stored, count: size, top: top)   // warm-up
                for _ in 0..<rounds {
                    // Each side's threads keep polling for a while after its last call (OpenBLAS's
                    // for ≈0.1 s: measured here, 0.1 CPU s in the 0.2 s after a call; the zoo's for
                    // 1 ms), taking a core from a sample of the other side that starts at once. A
                    // quarter of a second before each sample lets them go idle.
                    Thread.sleep(forTimeInterval: 0.25)
                    let started = DispatchTime.now().uptimeNanoseconds
                    for _ in 0..<reps { _ = VideoSearch.rank(queries: q, vectors: vectors, halfVectors: stored, count: size, top: top) }
                    zooSamples.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 / Double(reps))
                    Thread.sleep(forTimeInterval: 0.25)
                    if let line = reference?.request("time \(queryCount) \(top) \(reps)"), line.hasPrefix("ok "),
                       let seconds = Double(line.split(separator: " ")[1]) {
                        numpySamples.append(seconds)
                    }
                }
                let zoo = median(zooSamples), numpy = numpySamples.isEmpty ? nil : median(numpySamples)
                let row = Row(size: size, queries: queryCount, storage: half ? "float16" : "float32", zooSeconds: zoo, numpySeconds: numpy,
                              ratio: numpy.map { $0 / zoo }, gigabytesPerSecond: Double(size * width * (half ? 2 : 4)) / zoo / 1e9)
                rows.append(row)
                if !json {
                    print(String(format: "N %8d  queries %3d  %@  zoo %9.3f ms  numpy %9@ ms  zoo/numpy speed %6@   %6.1f GB/s of vectors per call",
                                 size, queryCount, row.storage, zoo * 1e3, numpy.map { String(format: "%.3f", $0 * 1e3) } ?? "-",
                                 row.ratio.map { String(format: "%.2fx", $0) } ?? "-", row.gigabytesPerSecond))
                }
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            do { print(String(decoding: try encoder.encode(rows), as: UTF8.self)) } catch {
                log("zoo-bench search: cannot write the JSON: \(error)"); return 1
            }
        }
        return 0
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
    }

    private static func write(_ tensor: Tensor, to url: URL) throws {
        try tensor.withUnsafeBufferPointer { try Data(buffer: $0).write(to: url) }
    }

    private static func findScript() -> String? {
        let fromSource = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/search_reference.py").path
        let fromCwd = FileManager.default.currentDirectoryPath + "/scripts/search_reference.py"
        return [fromSource, fromCwd].first { FileManager.default.fileExists(atPath: $0) }
    }
}
