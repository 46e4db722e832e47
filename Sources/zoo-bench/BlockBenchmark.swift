// `zoo-bench block`: one forward+backward of CLIP's pre-LN transformer block, against PyTorch's
// time for the same block measured in the same run when `import torch` works. Samples alternate
// (zoo, PyTorch, zoo, ...) like `zoo-bench gemm`'s: this VM has slow spells seconds long, and a
// ratio of two separately timed runs mixed one side's quiet spell with the other's busy one
// (2-thread ratios 0.75-1.36 in six runs of the earlier one-shot design).
import Foundation
import ZooNN
import ZooTensor

enum BlockBenchmark {
    struct Shape { var batch = 32, tokens = 50, width = 256, heads = 4 }

    static let usage = """
        usage: zoo-bench block [--json] [--rounds N] [--repeats N] [--threads 1,2]
        Times forward+backward of a pre-LN transformer block (batch 32, 50 tokens, width 256,
        4 heads, QuickGELU MLP) and, when python3 can import torch, PyTorch's time for the same
        block in a helper process, samples alternating: each of --rounds (default 5) takes the
        median of --repeats (default 10) passes on each side. Reported: the median sample of
        each side and the median over rounds of each pair's speed-up. On one thread both run
        pinned to the same CPU (Linux).
        """

    static func run(_ arguments: [String]) -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") {
            print(usage)
            return 0
        }
        let json = arguments.contains("--json")
        var repeats = 10, rounds = 5, threadCounts = [1, 2]
        func number(after flag: String) -> Int? {
            guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count, let n = Int(arguments[i + 1]), n > 0
            else { return nil }
            return n
        }
        repeats = number(after: "--repeats") ?? repeats
        rounds = number(after: "--rounds") ?? rounds
        if let i = arguments.firstIndex(of: "--threads"), i + 1 < arguments.count {
            threadCounts = arguments[i + 1].split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
        }
        let shape = Shape()
        var rows: [Row] = []
        // One-thread timings, ours and PyTorch's, run on the same CPU (see CPUPinning.swift).
        let oneThreadCPU = CPUPinning.currentCPU()
        for threads in threadCounts {
            Threading.maxThreads = threads
            let cpu = threads == 1 ? oneThreadCPU : nil
            let reference = TorchBlock(shape, threads: threads, cpu: cpu)
            log("block: \(threads) thread(s), \(rounds) rounds of \(repeats) passes each side…")
            let row = CPUPinning.whilePinned(to: cpu) {
                measure(ZooBlock(shape), reference: reference, threads: threads, rounds: rounds, repeats: repeats)
            }
            rows.append(row)
        }
        if json {
            let items = rows.map { row in
                "{\"batch\":\(shape.batch),\"tokens\":\(shape.tokens),\"width\":\(shape.width),\"heads\":\(shape.heads),"
                    + "\"threads\":\(row.threads),\"milliseconds\":\(String(format: "%.3f", row.milliseconds)),"
                    + "\"reference_milliseconds\":\(row.reference.map { String(format: "%.3f", $0) } ?? "null"),"
                    + "\"speedup\":\(row.speedup.map { String(format: "%.3f", $0) } ?? "null")}"
            }
            print("[" + items.joined(separator: ",") + "]")
        } else {
            print("pre-LN block forward+backward, batch \(shape.batch) × \(shape.tokens) tokens × width \(shape.width), "
                + "\(shape.heads) heads; median of \(rounds) alternating samples, each the median of \(repeats) passes")
            print("speed-up = median over rounds of torch/zoo within each pair of samples")
            print("threads   zoo ms   torch ms   speed-up vs torch")
            for row in rows {
                let reference = row.reference.map { String(format: "%8.2f", $0) } ?? "       —"
                let speedup = row.speedup.map { String(format: "%.2f×", $0) } ?? "—"
                print(String(format: "%7d  %7.2f  ", row.threads, row.milliseconds) + reference + "   " + speedup)
            }
        }
        return 0
    }

    struct Row { var threads: Int, milliseconds: Double, reference: Double?, speedup: Double? }

    /// Alternating samples of both sides; the first pass of each side warms caches and buffers.
    static func measure(_ zoo: ZooBlock, reference: TorchBlock?, threads: Int, rounds: Int, repeats: Int) -> Row {
        _ = zoo.sample(passes: 3)
        var ours: [Double] = [], theirs: [Double] = [], ratios: [Double] = []
        for _ in 0..<rounds {
            let mine = zoo.sample(passes: repeats)
            ours.append(mine)
            if let reference, let other = reference.sample(passes: repeats) {
                theirs.append(other)
                ratios.append(other / mine)
                // PyTorch's OpenMP workers spin for a while after their last parallel region;
                // the next zoo sample waits for them to stop, as zoo-bench gemm does for numpy.
                if threads > 1 { Thread.sleep(forTimeInterval: 0.2) }
            }
        }
        return Row(
            threads: threads, milliseconds: median(ours), reference: theirs.isEmpty ? nil : median(theirs),
            speedup: ratios.isEmpty ? nil : median(ratios))
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// The zoo's block and its input, built once (seeded).
    final class ZooBlock {
        let block: ResidualAttentionBlock
        let input: Tensor

        init(_ shape: Shape) {
            (block, input) = GlobalRandom.withSeed(0) {
                let block = ResidualAttentionBlock(width: shape.width, heads: shape.heads)
                let x = Tensor.randomNormal([shape.batch, shape.tokens, shape.width], seed: 1)
                x.requiresGrad = true
                return (block, x)
            }
        }

        /// Median milliseconds of `passes` forward + backward passes.
        func sample(passes: Int) -> Double {
            var times: [Double] = []
            for _ in 0..<passes {
                let start = DispatchTime.now().uptimeNanoseconds
                block(input).sum().backward()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                block.zeroGrad(); input.zeroGrad()
            }
            return BlockBenchmark.median(times)
        }
    }

    /// PyTorch's block in a long-lived helper (`torch.set_num_threads(threads)`), or nil when
    /// python3 cannot import torch.
    final class TorchBlock {
        private let helper: PythonHelper

        init?(_ shape: Shape, threads: Int, cpu: Int?) {
            // A failed pin leaves PyTorch unpinned rather than ending the helper.
            let pin = cpu.map { "try: os.sched_setaffinity(0, {\($0)})\nexcept OSError: pass" } ?? "pass"
            let script = """
            import os, sys, time
            \(pin)
            try:
                import torch
            except Exception:
                print("unavailable", flush=True); sys.exit(0)
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
            def sample(passes):
                times = []
                for _ in range(passes):
                    t = time.perf_counter(); block(x).sum().backward(); times.append((time.perf_counter() - t) * 1000)
                    block.zero_grad(); x.grad = None
                times.sort(); n = len(times)
                return times[n // 2] if n % 2 else (times[n // 2 - 1] + times[n // 2]) / 2
            sample(3)
            print("ready", flush=True)
            for line in sys.stdin:
                parts = line.split()
                if not parts or parts[0] == "quit": break
                print("ok", sample(int(parts[1])), flush=True)
            """
            guard let helper = PythonHelper(arguments: ["-c", script], environment: [:], discardErrors: true) else {
                log("block: cannot start python3; the reference column stays empty")
                return nil
            }
            guard helper.readLine() == "ready" else {
                log("block: python3 cannot import torch; the reference column stays empty")
                helper.terminate()
                return nil
            }
            self.helper = helper
        }

        /// PyTorch's median milliseconds over `passes` passes, or nil if the helper failed.
        func sample(passes: Int) -> Double? {
            guard let line = helper.request("time \(passes)"), line.hasPrefix("ok ") else { return nil }
            return Double(line.dropFirst(3))
        }
    }
}
