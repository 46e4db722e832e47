import Foundation
import ZooTensor

/// `zoo-bench gemm`: GFLOP/s of `GEMM.multiply` next to numpy's (OpenBLAS) for the same shapes,
/// modes and thread counts, measured in the same run, interleaved (zoo, numpy, zoo, numpy ...)
/// with medians, because this machine kind is noisy and only ratios taken together are trusted.
enum GEMMBenchmark {
    static let usage = """
        usage: zoo-bench gemm [--json] [--quick] [--threads 1,2] [--rounds N] [--best]
                              [--shapes MxNxK[:MODES],...] [--no-reference] [--reference-coretype NAME]

          Times C[m,n] = op(A)[m,k] * op(B)[k,n] (float32, row-major, beta = 0) for square sizes
          64..2048 and transformer shapes m x n x k = 4096x512x512, 4096x512x2048, 4096x2048x512,
          in modes NN, NT (B stored [n,k]) and TN (A stored [k,m]), plus batched attention
          products (human output only). numpy runs in a python3 helper per thread count
          (scripts/gemm_reference.py), with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset.
          One-thread entries pin zoo's timing thread and numpy's helper to the same CPU (Linux),
          so both samples of a pair see the same core.

          --json                  one JSON array {m,n,k,mode,threads,gflops,reference_gflops} on stdout
          --quick                 a reduced set, for smoke tests
          --threads LIST          thread counts to measure (default 1,2)
          --rounds N              interleaved samples per entry; the median is reported (default 5)
          --best                  report the fastest sample instead of the median (a busy machine
                                  only ever slows a sample down; use for tuning, not for reports)
          --shapes LIST           only these shapes, e.g. 512x512x512,4096x512x2048:NT (modes NN,NT,TN
                                  unless given, joined by '+': 1024x1024x1024:NN+TT)
          --no-reference          skip numpy
          --reference-coretype X  force OpenBLAS's kernel (e.g. Haswell: AVX2 like ours)

          zoo's kernels are chosen at run time (AVX-512 where the CPU has it, else AVX2) and named
          in the output; ZOO_GEMM_ISA=avx2 (or avx512) in the environment forces a family.
        """

    struct Config {
        var m: Int, n: Int, k: Int
        var mode: String
        var batch = 1
    }

    struct Result {
        var config: Config
        var threads: Int
        var gflops: Double
        var reference: Double?
        /// zoo's speed over numpy's (see `Runner.measure`); nil without numpy.
        var ratio: Double?
    }

    static func run(_ args: [String]) -> Int32 {
        var json = false, quick = false, useReference = true, best = false
        var threadCounts = [1, 2]
        var rounds = 5
        var coreType: String?
        var shapes: [Config]?
        var i = 0
        while i < args.count {
            let arg = args[i]
            let value: String? = i + 1 < args.count ? args[i + 1] : nil
            switch arg {
            case "--json": json = true
            case "--quick": quick = true
            case "--no-reference": useReference = false
            case "--best": best = true
            case "--threads", "--rounds", "--reference-coretype", "--shapes":
                guard let value else {
                    log("zoo-bench gemm: \(arg) needs a value")
                    return 2
                }
                i += 1
                if arg == "--reference-coretype" { coreType = value; break }
                if arg == "--shapes" {
                    guard let parsed = parseShapes(value) else {
                        log("zoo-bench gemm: bad --shapes value \(value)")
                        return 2
                    }
                    shapes = parsed
                    break
                }
                let numbers = value.split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
                guard !numbers.isEmpty else {
                    log("zoo-bench gemm: bad value for \(arg): \(value)")
                    return 2
                }
                if arg == "--threads" { threadCounts = numbers } else { rounds = numbers[0] }
            case "--help", "-h":
                print(usage)
                return 0
            default:
                log("zoo-bench gemm: unknown option \(arg)\n\(usage)")
                return 2
            }
            i += 1
        }
        if quick { rounds = min(rounds, 3) }

        let configs = shapes ?? (quick ? quickConfigs() : fullConfigs())
        log("zoo-bench gemm: zoo kernels \(isaDescription)")
        // One-thread entries run pinned to the CPU we start on, numpy's helper too (CPUPinning.swift).
        let oneThreadCPU = CPUPinning.currentCPU()
        var references: [Int: ReferenceProcess] = [:]
        if useReference {
            for t in threadCounts {
                references[t] = ReferenceProcess(threads: t, coreType: coreType, cpu: t == 1 ? oneThreadCPU : nil)
            }
        }
        let runner = Runner(sampleSeconds: quick ? 0.01 : 0.04, rounds: rounds, best: best)
        // Let the numpy helpers' start-up (and any BLAS threads it left spinning) die down first.
        if !references.isEmpty { Thread.sleep(forTimeInterval: runner.settleSeconds) }
        var results: [Result] = []
        let total = configs.count * threadCounts.count
        for config in configs {
            let operands = Operands(config)
            defer { operands.free() }
            for t in threadCounts {
                let label = "\(config.batch > 1 ? "\(config.batch)x " : "")\(config.m)x\(config.n)x\(config.k) \(config.mode) threads=\(t)"
                log("[\(results.count + 1)/\(total)] \(label)")
                results.append(CPUPinning.whilePinned(to: t == 1 ? oneThreadCPU : nil) {
                    runner.measure(config, operands: operands, threads: t, reference: references[t])
                })
            }
        }
        let referenceInfo = references.values.first?.info
        if json {
            print(jsonText(results.filter { $0.config.batch == 1 }))
        } else {
            print(table(results, referenceInfo: referenceInfo, rounds: rounds, best: best, coreType: coreType))
        }
        return 0
    }

    static func fullConfigs() -> [Config] {
        var shapes = [64, 128, 256, 512, 1024, 2048].map { ($0, $0, $0) }
        shapes += [(4096, 512, 512), (4096, 512, 2048), (4096, 2048, 512)]
        var configs = shapes.flatMap { s in ["NN", "NT", "TN"].map { Config(m: s.0, n: s.1, k: s.2, mode: $0) } }
        // Attention: scores Q K^T (50 tokens, head size 64) and the weighted sum P V.
        configs.append(Config(m: 50, n: 50, k: 64, mode: "NT", batch: 128))
        configs.append(Config(m: 50, n: 64, k: 50, mode: "NN", batch: 128))
        return configs
    }

    /// "MxNxK[:MODE+MODE]" items separated by commas; nil when malformed.
    static func parseShapes(_ text: String) -> [Config]? {
        var configs: [Config] = []
        for item in text.split(separator: ",") {
            let parts = item.split(separator: ":")
            let dims = parts[0].split(separator: "x").compactMap { Int($0) }
            guard dims.count == 3, dims.allSatisfy({ $0 > 0 }) else { return nil }
            let modes = parts.count > 1 ? parts[1].split(separator: "+").map(String.init) : ["NN", "NT", "TN"]
            guard modes.allSatisfy({ ["NN", "NT", "TN", "TT"].contains($0) }) else { return nil }
            configs += modes.map { Config(m: dims[0], n: dims[1], k: dims[2], mode: $0) }
        }
        return configs.isEmpty ? nil : configs
    }

    static func quickConfigs() -> [Config] {
        [Config(m: 64, n: 64, k: 64, mode: "NN"), Config(m: 256, n: 256, k: 256, mode: "NT"),
         Config(m: 512, n: 256, k: 384, mode: "TN"), Config(m: 50, n: 50, k: 64, mode: "NT", batch: 128)]
    }

    static func jsonText(_ results: [Result]) -> String {
        let rows = results.map { r in
            let ref = r.reference.map { String(format: "%.3f", $0) } ?? "null"
            return "{\"m\":\(r.config.m),\"n\":\(r.config.n),\"k\":\(r.config.k),\"mode\":\"\(r.config.mode)\","
                + "\"threads\":\(r.threads),\"gflops\":\(String(format: "%.3f", r.gflops)),\"reference_gflops\":\(ref),"
                + "\"ratio\":\(r.ratio.map { String(format: "%.3f", $0) } ?? "null"),"
                + "\"isa\":\"\(GEMM.instructionSet.rawValue)\"}"
        }
        return "[\n" + rows.joined(separator: ",\n") + "\n]"
    }

    static func table(_ results: [Result], referenceInfo: String?, rounds: Int, best: Bool, coreType: String?) -> String {
        var lines = [
            "GEMM float32, C[m,n] = op(A)[m,k] * op(B)[k,n]; NT: B stored [n,k], TN: A stored [k,m]",
            "GFLOP/s = 2*batch*m*n*k / time; \(best ? "best" : "median") of \(rounds) interleaved samples (zoo, numpy, zoo, ...)",
            best ? "ratio = fastest zoo sample / fastest numpy sample"
                : "ratio = median over rounds of zoo/numpy within each adjacent pair of samples",
            "zoo kernels: " + isaDescription,
            "reference: " + (referenceInfo.map { describeReference($0) + (coreType.map { " (forced by --reference-coretype \($0))" } ?? "") } ?? "none"),
            "",
            "batch     m     n     k  mode  threads   zoo GF/s  numpy GF/s  ratio",
        ]
        for r in results {
            let c = r.config
            let ref = r.reference.map { String(format: "%10.1f", $0) } ?? String(repeating: " ", count: 9) + "-"
            let ratio = r.ratio.map { String(format: "%6.2f", $0) } ?? "     -"
            lines.append(
                pad(c.batch, 5) + pad(c.m, 6) + pad(c.n, 6) + pad(c.k, 6) + "  " + c.mode.padding(toLength: 4, withPad: " ", startingAt: 0)
                    + pad(r.threads, 9) + String(format: "%11.1f", r.gflops) + "  " + ref + " " + ratio)
        }
        return lines.joined(separator: "\n")
    }

    /// "numpy 2.4.6, scipy-openblas: OpenBLAS 0.3.31 ..., kernel SkylakeX" from the helper's JSON.
    static func describeReference(_ json: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            return "numpy " + json
        }
        var text = "numpy \(object["numpy"] ?? "?")"
        if let blas = object["blas"] { text += ", \(blas)" }
        if let config = object["blas_config"] as? String, !config.isEmpty { text += " (\(config))" }
        if let core = object["openblas_core"] { text += ", OpenBLAS kernel in use: \(core)" }
        return text
    }

    /// Which GEMM kernels this process runs, and why: "avx512 (6x32 SIMD16; CPU has AVX-512F)".
    static var isaDescription: String {
        let kernel = GEMM.instructionSet == .avx512 ? "6x32 SIMD16, AVX-512F" : "6x16 SIMD8, AVX2+FMA"
        let forced = ProcessInfo.processInfo.environment["ZOO_GEMM_ISA"].map { "ZOO_GEMM_ISA=\($0)" }
        let cpu = CPUFeatures.hasAVX512F ? "CPU has AVX-512F" : "CPU has no AVX-512F"
        return "\(GEMM.instructionSet.rawValue) (\(kernel); \(cpu)\(forced.map { ", " + $0 } ?? ""))"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return String(repeating: " ", count: max(0, width - s.count)) + s
    }
}
