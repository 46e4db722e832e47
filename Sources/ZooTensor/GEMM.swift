// Single-precision matrix multiply on row-major buffers: the one kernel every layer leans on.
//
// The implementation is split over GEMM*.swift: packing (GEMMPacking), the 6x16 SIMD
// micro-kernel (GEMMMicroKernel), the blocked loops (GEMMDriver), threading with a shared packed
// B block (GEMMParallel) and pooled aligned packing buffers (GEMMWorkspace).

import Foundation

/// Row-major single-precision GEMM: `C = alpha * op(A) * op(B) + beta * C`.
///
/// - `op(A)` is `[m, k]`: A is stored `[m, k]` with row stride `lda`, or `[k, m]` when `transposeA`.
/// - `op(B)` is `[k, n]`: B is stored `[k, n]` with row stride `ldb`, or `[n, k]` when `transposeB`.
/// - `C` is `[m, n]` with row stride `ldc`. With `beta == 0`, C's old contents are ignored (NaN too).
///   C must not overlap A or B: threads read A and B while others write C.
///
/// All entry points are thread-safe: several threads may multiply at once.
public enum GEMM {
    /// Products below this many floating-point operations per thread run on fewer threads:
    /// waking a second thread costs more than it saves below ~16 MFLOP (PERF.md).
    static let minFlopsPerThread = 8_000_000

    /// `C = alpha * op(A) * op(B) + beta * C` (see the type's documentation for the layouts).
    ///
    /// - `threads`: the most threads to use; `nil` means `Threading.currentThreads`. Small products
    ///   use fewer threads than allowed. `k == 0` (or `alpha == 0`) yields `C = beta * C`.
    public static func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int,
        threads: Int? = nil
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "GEMM: negative dimension")
        if m == 0 || n == 0 { return }
        if k == 0 || alpha == 0 {
            gemmScaleC(m: m, n: n, beta: beta, c: c, ldc: ldc)
            return
        }
        FLOPCounter.record(2 * Double(m) * Double(n) * Double(k))
        let pr = GEMMProblem(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, beta: beta,
            a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
        run(pr, threads: max(1, threads ?? Threading.currentThreads), minFlopsPerThread: minFlopsPerThread)
    }

    /// Runs one non-degenerate product on up to `threads` threads, fewer when it is small.
    static func run(_ pr: GEMMProblem, threads: Int, minFlopsPerThread: Int) {
        let flops = 2.0 * Double(pr.m) * Double(pr.n) * Double(pr.k)
        let byWork = Int(min(flops / Double(max(1, minFlopsPerThread)), 1024))
        let count = min(threads, max(1, byWork))
        if count <= 1 {
            gemmSerial(pr)
        } else {
            GEMMParallelJob(pr, threads: count).run(threads: count)
        }
    }

    /// `batch` independent GEMMs of the same shape; matrix `i` starts at `a + i*strideA`, etc.
    /// Work is spread over threads across the batch when each product is small.
    ///
    /// Small products (below the threading threshold) run on single-threaded GEMMs, several at
    /// once, each worker reusing one packing buffer; large ones run in sequence, each threaded.
    public static func batchedMultiply(
        batch: Int, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, strideA: Int,
        b: UnsafePointer<Float>, ldb: Int, strideB: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, strideC: Int,
        threads: Int? = nil
    ) {
        precondition(batch >= 0 && m >= 0 && n >= 0 && k >= 0, "GEMM: negative dimension")
        if batch == 0 || m == 0 || n == 0 { return }
        if k == 0 || alpha == 0 {
            for i in 0..<batch { gemmScaleC(m: m, n: n, beta: beta, c: c + i &* strideC, ldc: ldc) }
            return
        }
        FLOPCounter.record(2 * Double(batch) * Double(m) * Double(n) * Double(k))
        let pr = GEMMProblem(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, beta: beta,
            a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
        runBatched(
            pr, batch: batch, strideA: strideA, strideB: strideB, strideC: strideC,
            threads: max(1, threads ?? Threading.currentThreads), minFlopsPerThread: minFlopsPerThread)
    }

    /// `batch` non-degenerate products: across the batch when each is small, else one by one.
    static func runBatched(
        _ pr: GEMMProblem, batch: Int, strideA: Int, strideB: Int, strideC: Int,
        threads: Int, minFlopsPerThread: Int
    ) {
        let (a, b, c) = (pr.a, pr.b, pr.c)
        let flops = 2.0 * Double(pr.m) * Double(pr.n) * Double(pr.k)
        let minFlops = Double(max(1, minFlopsPerThread))
        // Enough total work for several workers? Tiny batches stay on one thread.
        let workers = min(threads, batch, max(1, Int(min(flops * Double(batch) / minFlops, 1024))))
        if workers <= 1 || flops >= 2 * minFlops {
            for i in 0..<batch {
                var item = pr
                item.a = a + i &* strideA
                item.b = b + i &* strideB
                item.c = c + i &* strideC
                run(item, threads: threads, minFlopsPerThread: minFlopsPerThread)
            }
            return
        }
        let need = gemmSerialWorkspaceFloats(m: pr.m, n: pr.n, k: pr.k, transposeB: pr.transposeB)
        let queue = GEMMBatchQueue(batch: batch, workers: workers)
        Threading.parallelFor(workers, threads: workers) { _ in
            let ws = GEMMWorkspacePool.shared.acquire(floats: need)
            defer { GEMMWorkspacePool.shared.release(ws) }
            while let range = queue.next() {
                for i in range {
                    var item = pr
                    item.a = a + i &* strideA
                    item.b = b + i &* strideB
                    item.c = c + i &* strideC
                    gemmSerial(item, workspace: ws)
                }
            }
        }
    }
}

/// Hands out batch indices in small chunks, so a worker slowed by a busy core takes fewer.
final class GEMMBatchQueue: @unchecked Sendable {
    private let lock = SpinLock()
    private var cursor = 0
    private let batch: Int
    private let chunk: Int

    init(batch: Int, workers: Int) {
        self.batch = batch
        chunk = max(1, batch / (workers &* 8))
    }

    func next() -> Range<Int>? {
        lock.lock()
        defer { lock.unlock() }
        if cursor >= batch { return nil }
        let start = cursor
        cursor = min(batch, cursor &+ chunk)
        return start..<cursor
    }
}
