import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Multi-threaded GEMM with one packed B block shared by all threads.
//
// Packing B once per (column block, depth slice) instead of once per thread matters at
// 256..1024 (PERF.md: per-thread B packing capped two threads at 60-75% of OpenBLAS). The work
// is a list of tasks in phases — "pack these B panels", then "pack these A rows and multiply
// them by the packed B block" — that workers claim in order from an atomic counter. A task waits
// only for the earlier phases, whose remaining tasks were all claimed by threads that are
// running, so nothing deadlocks even when a worker starts late or never (a busy machine):
// whoever runs does all the work. Claims and completions are atomics rather than a lock: a
// contended lock sleeps in the kernel, and the wake-up costs as much as a small product.

final class GEMMParallelJob: @unchecked Sendable {
    private struct Task {
        var isPack: Bool
        var jc: Int, cols: Int, pc: Int, kc: Int
        var row0: Int, rows: Int
        var panelStart: Int, panelEnd: Int
        /// Index of the first task of this task's phase: all tasks before it must be complete.
        var phaseStart: Int
    }

    private let pr: GEMMProblem
    private let plan: GEMMPlan
    private var tasks: [Task] = []
    private let nextTask = Atomic<Int>(0)
    /// Tasks finished; a phase's tasks read what earlier phases wrote after seeing this count.
    private let completed = Atomic<Int>(0)

    /// Plans the task list for `threads` workers. Requires m, n, k > 0 and threads >= 2.
    init(_ pr: GEMMProblem, threads: Int) {
        self.pr = pr
        // Row blocks: at most MC rows each, and a multiple of the thread count, so that the last
        // round of blocks keeps every thread busy. Every depth slice is a phase that waits for the
        // previous one, so an odd block out costs once per slice (2048^3: 15 blocks of 138 rows
        // left one thread idle for 1/16 of each of 6 phases; 16 blocks of 128 do not).
        var rowBlocks = gemmRoundUp(gemmCeilDiv(pr.m, GEMMBlocking.mc), threads)
        let rowsPerTask = gemmRoundUp(gemmCeilDiv(pr.m, rowBlocks), gemmMR)
        rowBlocks = gemmCeilDiv(pr.m, rowsPerTask)
        plan = GEMMPlan(m: pr.m, n: pr.n, k: pr.k, rowsPerTask: rowsPerTask)

        var jc = 0
        while jc < pr.n {
            let cols = min(plan.nc, pr.n &- jc)
            let panels = gemmCeilDiv(cols, gemmNR)
            // Too few row blocks to go round: split the columns as well (A is then packed twice).
            let colBlocks = rowBlocks >= threads ? 1 : min(panels, gemmCeilDiv(2 &* threads, rowBlocks))
            let packTasks = min(panels, 2 &* threads)
            var pc = 0
            while pc < pr.k {
                let kc = min(plan.kc, pr.k &- pc)
                var phaseStart = tasks.count
                for t in 0..<packTasks {
                    tasks.append(Task(
                        isPack: true, jc: jc, cols: cols, pc: pc, kc: kc, row0: 0, rows: 0,
                        panelStart: panels &* t / packTasks, panelEnd: panels &* (t &+ 1) / packTasks,
                        phaseStart: phaseStart))
                }
                phaseStart = tasks.count
                for rb in 0..<rowBlocks {
                    let row0 = rb &* rowsPerTask
                    for cb in 0..<colBlocks {
                        tasks.append(Task(
                            isPack: false, jc: jc, cols: cols, pc: pc, kc: kc,
                            row0: row0, rows: min(rowsPerTask, pr.m &- row0),
                            panelStart: panels &* cb / colBlocks, panelEnd: panels &* (cb &+ 1) / colBlocks,
                            phaseStart: phaseStart))
                    }
                }
                pc &+= kc
            }
            jc &+= cols
        }
    }

    /// Runs the job on the caller and up to `threads - 1` pool helpers; returns when every task is done.
    func run(threads: Int) {
        let workspace = GEMMWorkspacePool.shared.acquire(floats: plan.bFloats &+ threads &* plan.workerFloats)
        defer { GEMMWorkspacePool.shared.release(workspace) }
        let base = workspace.base
        Threading.parallelFor(threads, threads: threads) { worker in
            self.work(workspace: base + (self.plan.bFloats &+ worker &* self.plan.workerFloats), packedB: base)
        }
    }

    private func work(workspace: UnsafeMutablePointer<Float>, packedB: UnsafeMutablePointer<Float>) {
        let aBuf = workspace
        let scratch = workspace + (plan.workerFloats &- gemmMR &* gemmNR)
        let count = tasks.count
        while true {
            let index = nextTask.wrappingAdd(1, ordering: .relaxed).oldValue
            if index >= count { return }
            let task = tasks.withUnsafeBufferPointer { $0[index] }
            if task.isPack {
                waitUntilCompleted(task.phaseStart)
                gemmPackB(
                    transposed: pr.transposeB, b: pr.b, ldb: pr.ldb, j0: task.jc, cols: task.cols,
                    p0: task.pc, kc: task.kc, panelStart: task.panelStart, panelEnd: task.panelEnd,
                    dst: packedB + task.panelStart &* gemmNR &* task.kc)
            } else {
                // op(A) does not depend on the packed B block: pack it while the B panels of
                // this phase may still be in flight on the other threads, then wait for them.
                gemmPackA(
                    transposed: pr.transposeA, a: pr.a, lda: pr.lda, i0: task.row0, rows: task.rows,
                    p0: task.pc, kc: task.kc, dst: aBuf)
                waitUntilCompleted(task.phaseStart)
                gemmMultiplyPackedBlock(
                    pr, row0: task.row0, rows: task.rows, jc: task.jc, cols: task.cols,
                    panelStart: task.panelStart, panelEnd: task.panelEnd, kc: task.kc,
                    beta: task.pc == 0 ? pr.beta : 1, packedB: packedB, aBuf: aBuf, scratch: scratch)
            }
            completed.wrappingAdd(1, ordering: .releasing)
        }
    }

    /// Waits (spinning, yielding the core) until `count` tasks are complete, where `count` is a
    /// phase's first index. A task starts only after every earlier phase is complete, so no
    /// later task can be among the completed ones yet: this means "all earlier phases are done".
    private func waitUntilCompleted(_ count: Int) {
        while completed.load(ordering: .acquiring) < count { sched_yield() }
    }
}
