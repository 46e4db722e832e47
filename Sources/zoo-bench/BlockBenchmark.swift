// `zoo-bench block`: one forward+backward of CLIP's pre-LN transformer block, against PyTorch's
// time for the same block measured in the same run when `import torch` works.
import Foundation
import ZooNN
import ZooTensor

enum BlockBenchmark {
    struct Shape { var batch = 32, tokens = 50, width = 256, heads = 4 }

    static func run(_ arguments: [String]) -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") {
            print("""
            usage: zoo-bench block [--json] [--repeats N] [--threads 1,2]
            Times forward+backward of a pre-LN transformer block (batch 32, 50 tokens, width 256,
            4 heads, QuickGELU MLP), median of N repeats, and PyTorch's time for the same block
            when python3 can import torch (otherwise the reference column is empty). On one
            thread both run pinned to the same CPU (Linux).
            """)
            return 0
        }
        let json = arguments.contains("--json")
        var repeats = 20, threadCounts = [1, 2]
        if let i = arguments.firstIndex(of: "--repeats"), i + 1 < arguments.count, let n = Int(arguments[i + 1]), n > 0 { repeats = n }
        if let i = arguments.firstIndex(of: "--threads"), i + 1 < arguments.count {
            threadCounts = arguments[i + 1].split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
        }
        let shape = Shape()
        var rows: [(threads: Int, milliseconds: Double, reference: Double?)] = []
        // One-thread timings, ours and PyTorch's, run on the same CPU (see CPUPinning.swift).
        let oneThreadCPU = CPUPinning.currentCPU()
        for threads in threadCounts {
            Threading.maxThreads = threads
            let cpu = threads == 1 ? oneThreadCPU : nil
            log("block: timing the zoo on \(threads) thread(s)…")
            let ours = CPUPinning.whilePinned(to: cpu) { timeZoo(shape, repeats: repeats) }
            log("block: timing PyTorch on \(threads) thread(s)…")
            let reference = timeTorch(shape, repeats: repeats, threads: threads, cpu: cpu)
            rows.append((threads, ours, reference))
        }
        if json {
            let items = rows.map { row in
                "{\"batch\":\(shape.batch),\"tokens\":\(shape.tokens),\"width\":\(shape.width),\"heads\":\(shape.heads),"
                    + "\"threads\":\(row.threads),\"milliseconds\":\(String(format: "%.3f", row.milliseconds)),"
                    + "\"reference_milliseconds\":\(row.reference.map { String(format: "%.3f", $0) } ?? "null")}"
            }
            print("[" + items.joined(separator: ",") + "]")
        } else {
            print("pre-LN block forward+backward, batch \(shape.batch) × \(shape.tokens) tokens × width \(shape.width), \(shape.heads) heads (median of \(repeats))")
            print("threads   zoo ms   torch ms   speed-up vs torch")
            for row in rows {
                let reference = row.reference.map { String(format: "%8.2f", $0) } ?? "       —"
                let ratio = row.reference.map { String(format: "%.2f×", $0 / row.milliseconds) } ?? "—"
                print(String(format: "%7d  %7.2f  ", row.threads, row.milliseconds) + reference + "   " + ratio)
            }
        }
        return 0
    }

    /// Median milliseconds of forward + backward through the zoo's block.
    static func timeZoo(_ shape: Shape, repeats: Int) -> Double {
        GlobalRandom.withSeed(0) {
            let block = ResidualAttentionBlock(width: shape.width, heads: shape.heads)
            let x = Tensor.randomNormal([shape.batch, shape.tokens, shape.width], seed: 1)
            x.requiresGrad = true
            var times: [Double] = []
            for iteration in 0..<(repeats + 3) {
                let start = DispatchTime.now().uptimeNanoseconds
                block(x).sum().backward()
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
                block.zeroGrad(); x.zeroGrad()
                if iteration >= 3 { times.append(elapsed) }   // the first runs warm caches and buffers
            }
            return times.sorted()[times.count / 2]
        }
    }

    /// PyTorch's median milliseconds for the same block, or nil when torch is unavailable.
    static func timeTorch(_ shape: Shape, repeats: Int, threads: Int, cpu: Int?) -> Double? {
        let pin = cpu.map { "os.sched_setaffinity(0, {\($0)})" } ?? "pass"
        let script = """
        import os, sys, time
        \(pin)
        try:
            import torch
        except Exception:
            print("unavailable"); sys.exit(0)
        torch.manual_seed(0); torch.set_num_threads(\(threads))
        D, H = \(shape.width), \(shape.heads)
        class Block(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.ln_1 = torch.nn.LayerNorm(D); self.ln_2 = torch.nn.LayerNorm(D)
                self.attn = torch.nn.MultiheadAttention(D, H, batch_first=True)
                self.c_fc = torch.nn.Linear(D, 4 * D); self.c_proj = torch.nn.Linear(4 * D, D)
            def forward(self, x):
                h = self.ln_1(x); x = x + self.attn(h, h, h, need_weights=False)[0]
                h = self.c_fc(self.ln_2(x)); return x + self.c_proj(h * torch.sigmoid(1.702 * h))
        block = Block(); x = torch.randn(\(shape.batch), \(shape.tokens), D, requires_grad=True)
        times = []
        for i in range(\(repeats) + 3):
            t = time.perf_counter(); block(x).sum().backward(); e = (time.perf_counter() - t) * 1000
            block.zero_grad(); x.grad = None
            if i >= 3: times.append(e)
        times.sort(); print(times[len(times) // 2])
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text == "unavailable" { log("block: python3 cannot import torch; the reference column stays empty") }
        return Double(text)
    }
}
