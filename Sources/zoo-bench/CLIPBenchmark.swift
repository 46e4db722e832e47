// `zoo-bench clip`: encoder throughput of a CLIP model with random weights — images/s through
// the vision transformer at its native resolution and captions/s through the text transformer.
import Foundation
import ZooCatalog
import ZooCore
import ZooManifest
import ZooTensor

enum CLIPBenchmark {
    static func run(_ arguments: [String]) -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") {
            print("""
            usage: zoo-bench clip [MODEL] [--batch N] [--repeats N] [--threads 1,2] [--json]
            Inference throughput (no gradients) of MODEL's encoders (default clip-vit-b32) with
            random weights: images/s at the model's image size, captions/s of 77-token captions
            (12 words each, the rest padding, as CLIP always pads to its context).
            """)
            return 0
        }
        let name = arguments.first { !$0.hasPrefix("-") && Int($0) == nil } ?? "clip-vit-b32"
        func value(_ flag: String, _ fallback: Int) -> Int {
            guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count, let n = Int(arguments[i + 1]), n > 0 else { return fallback }
            return n
        }
        let batch = value("--batch", 16), repeats = value("--repeats", 5)
        var threadCounts = [1, 2]
        if let i = arguments.firstIndex(of: "--threads"), i + 1 < arguments.count {
            threadCounts = arguments[i + 1].split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
        }
        let model: any ContrastiveModel
        do {
            let registry = try Registry(manifest: try Manifest.parse(ZooCatalog.manifestJSON), entries: ZooCatalog.methodEntries)
            guard let contrastive = try GlobalRandom.withSeed(0, { try registry.createModel(name) }) as? any ContrastiveModel else {
                log("zoo-bench clip: \(name) is not a CLIP-style model"); return 1
            }
            model = contrastive
        } catch {
            log("zoo-bench clip: \(error)"); return 1
        }
        model.eval()
        let size = model.imageSize
        let pixels = Tensor.randomNormal([batch, 1, 3, size, size], seed: 1)
        var ids = [Int](repeating: 0, count: batch * model.contextLength)
        for row in 0..<batch {
            ids[row * model.contextLength] = 49406
            for word in 1...12 { ids[row * model.contextLength + word] = 320 + (row * 31 + word * 7) % 40000 }
            ids[row * model.contextLength + 13] = 49407
        }
        let captions = IntTensor(ids, shape: [batch, model.contextLength])
        var results: [(threads: Int, images: Double, captions: Double)] = []
        for threads in threadCounts {
            Threading.maxThreads = threads
            log("clip: \(name), \(threads) thread(s), batches of \(batch)…")
            let imageSeconds = median(repeats) { _ = noGrad { model.encodeVideo(pixels: pixels, mask: Tensor.ones([batch, 1])) } }
            let textSeconds = median(repeats) { _ = noGrad { model.encodeText(captions) } }
            results.append((threads, Double(batch) / imageSeconds, Double(batch) / textSeconds))
        }
        if arguments.contains("--json") {
            print("[" + results.map { r in
                "{\"model\":\"\(name)\",\"threads\":\(r.threads),\"batch\":\(batch),\"images_per_second\":\(String(format: "%.2f", r.images)),\"captions_per_second\":\(String(format: "%.2f", r.captions))}"
            }.joined(separator: ",") + "]")
        } else {
            print("\(name) encoders, random weights, batch \(batch), median of \(repeats)")
            print("threads  images/s  captions/s")
            for r in results { print(String(format: "%7d  %8.1f  %10.1f", r.threads, r.images, r.captions)) }
        }
        return 0
    }

    /// Median seconds of `body` over `repeats` runs after one warm-up.
    static func median(_ repeats: Int, _ body: () -> Void) -> Double {
        body()
        var times: [Double] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return times.sorted()[times.count / 2]
    }
}
