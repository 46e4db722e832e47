// GEMM against a naive double-precision reference. Shapes stay small: these run in debug builds,
// where the SIMD kernel is far slower than in release. These tests use the process's default
// kernels (`GEMM.instructionSet`); GEMMAVX512Tests.swift reuses the helpers below (hence internal)
// to run the same checks through each kernel family explicitly.

import Dispatch
import Foundation
import Synchronization
import Testing

@testable import ZooTensor

/// Deterministic values in [-1, 1) (an LCG), so failures reproduce.
struct TestRandom {
    var state: UInt64
    mutating func next() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int64(bitPattern: state) >> 40) / Float(1 << 23)
    }
    mutating func fill(_ count: Int) -> [Float] { (0..<count).map { _ in next() } }
}

/// One GEMM case: shapes, layout strides (padding beyond the minimum), scalars.
struct Case: CustomStringConvertible {
    var m: Int, n: Int, k: Int
    var transposeA = false, transposeB = false
    var padA = 0, padB = 0, padC = 0
    var alpha: Float = 1, beta: Float = 0
    var description: String {
        "m=\(m) n=\(n) k=\(k) tA=\(transposeA) tB=\(transposeB) pad=\(padA),\(padB),\(padC) alpha=\(alpha) beta=\(beta)"
    }
    var lda: Int { (transposeA ? m : k) + padA }
    var ldb: Int { (transposeB ? k : n) + padB }
    var ldc: Int { n + padC }
    var aCount: Int { max(1, (transposeA ? k : m) * lda) }
    var bCount: Int { max(1, (transposeB ? n : k) * ldb) }
    var cCount: Int { max(1, m * ldc) }
}

/// Runs `run` on fresh random operands and checks C (including padding, which must be
/// untouched) against a double-precision reference, with a tolerance relative to sum |a||b|.
func check(_ t: Case, seed: UInt64 = 1, cFill: Float? = nil, run: (Case, [Float], [Float], inout [Float]) -> Void) {
    var rng = TestRandom(state: seed)
    let a = rng.fill(t.aCount), b = rng.fill(t.bCount)
    var c = cFill.map { [Float](repeating: $0, count: t.cCount) } ?? rng.fill(t.cCount)
    let original = c
    run(t, a, b, &c)
    for i in 0..<t.m {
        for j in 0..<t.ldc {
            let got = c[i * t.ldc + j]
            if j >= t.n {
                #expect(got.bitPattern == original[i * t.ldc + j].bitPattern, "padding written: \(t)")
                continue
            }
            var sum = 0.0, magnitude = 0.0
            for p in 0..<t.k {
                let av = Double(t.transposeA ? a[p * t.lda + i] : a[i * t.lda + p])
                let bv = Double(t.transposeB ? b[j * t.ldb + p] : b[p * t.ldb + j])
                sum += av * bv
                magnitude += abs(av * bv)
            }
            // beta == 0 must ignore C, so a NaN there must not enter the expectation either.
            let old = t.beta == 0 ? 0 : Double(t.beta) * Double(original[i * t.ldc + j])
            let want = Double(t.alpha) * sum + old
            let scale = abs(Double(t.alpha)) * magnitude + abs(old)
            let err = abs(Double(got) - want)
            guard err <= 1e-5 * scale + 1e-6 else {
                Issue.record("C[\(i),\(j)] = \(got), want \(want) (\(t))")
                return
            }
        }
    }
}

/// The public single-product entry point.
func multiply(threads: Int?) -> (Case, [Float], [Float], inout [Float]) -> Void {
    { t, a, b, c in
        GEMM.multiply(
            transposeA: t.transposeA, transposeB: t.transposeB, m: t.m, n: t.n, k: t.k, alpha: t.alpha,
            a: a, lda: t.lda, b: b, ldb: t.ldb, beta: t.beta, c: &c, ldc: t.ldc, threads: threads)
    }
}

/// Runs `body` with the operands as pointers, packaged as the internal problem description.
func withProblem(_ t: Case, _ a: [Float], _ b: [Float], _ c: inout [Float], _ body: (GEMMProblem) -> Void) {
    a.withUnsafeBufferPointer { ap in
        b.withUnsafeBufferPointer { bp in
            c.withUnsafeMutableBufferPointer { cp in
                body(GEMMProblem(
                    transposeA: t.transposeA, transposeB: t.transposeB, m: t.m, n: t.n, k: t.k,
                    alpha: t.alpha, beta: t.beta, a: ap.baseAddress!, lda: t.lda,
                    b: bp.baseAddress!, ldb: t.ldb, c: cp.baseAddress!, ldc: t.ldc))
            }
        }
    }
}

/// The packed (large-product) and in-place (small-product) single-thread paths, whatever the size.
func packedPath(_ t: Case, _ a: [Float], _ b: [Float], _ c: inout [Float]) {
    withProblem(t, a, b, &c) { gemmSerialPacked($0, workspace: nil) }
}
func directPath(_ t: Case, _ a: [Float], _ b: [Float], _ c: inout [Float]) {
    withProblem(t, a, b, &c) { gemmSerialDirect($0, workspace: nil) }
}

/// Same problem forced onto the shared-B multi-threaded driver, whatever its size.
func forcedParallel(_ threads: Int) -> (Case, [Float], [Float], inout [Float]) -> Void {
    { t, a, b, c in
        withProblem(t, a, b, &c) { GEMMParallelJob($0, threads: threads).run(threads: threads) }
    }
}

let modes: [(Bool, Bool)] = [(false, false), (false, true), (true, false), (true, true)]

/// Sizes around the 6x16 tile and its edges, plus degenerate ones.
let shapes: [(Int, Int, Int)] = [
    (1, 1, 1), (1, 17, 3), (5, 1, 7), (6, 16, 8), (7, 17, 9), (13, 33, 29), (12, 32, 1),
    (23, 5, 40), (4, 45, 11), (31, 47, 64), (13, 24, 7), (3, 8, 5), (10, 40, 12),
]

/// The single-thread paths every shape-level test runs through: public entry, packed, in place.
var serialPaths: [(Case, [Float], [Float], inout [Float]) -> Void] {
    [multiply(threads: 1), packedPath, directPath]
}

@Test func matchesReferenceForEdgeShapesInAllTransposeModes() {
    for path in serialPaths {
        for (tA, tB) in modes {
            for (m, n, k) in shapes {
                check(Case(m: m, n: n, k: k, transposeA: tA, transposeB: tB), run: path)
            }
        }
    }
}

@Test func honoursLeadingDimensionsLargerThanTheRow() {
    for path in serialPaths {
        for (tA, tB) in modes {
            let t = Case(m: 11, n: 19, k: 13, transposeA: tA, transposeB: tB, padA: 3, padB: 5, padC: 7)
            check(t, run: path)
        }
    }
}

@Test func appliesAlphaAndBeta() {
    for path in serialPaths {
        for (alpha, beta) in [(Float(2.5), Float(0)), (1, 1), (-0.5, 0.75), (1, -2)] {
            for (tA, tB) in modes {
                let t = Case(m: 9, n: 21, k: 10, transposeA: tA, transposeB: tB, padC: 2, alpha: alpha, beta: beta)
                check(t, run: path)
            }
        }
    }
}

@Test func betaZeroIgnoresNaNInC() {
    for path in serialPaths {
        for (tA, tB) in modes {
            let t = Case(m: 8, n: 18, k: 5, transposeA: tA, transposeB: tB, alpha: 1.5)
            check(t, cFill: .nan, run: path)
        }
    }
}

@Test func zeroDepthScalesCByBeta() {
    check(Case(m: 4, n: 5, k: 0, beta: 0.5), run: multiply(threads: 1))
    check(Case(m: 4, n: 5, k: 0, beta: 0), cFill: .nan, run: multiply(threads: 1))
}

@Test func emptyRowsOrColumnsLeaveCUntouched() {
    var c: [Float] = [7]
    let a: [Float] = [1], b: [Float] = [1]
    GEMM.multiply(transposeA: false, transposeB: false, m: 0, n: 1, k: 1, a: a, lda: 1, b: b, ldb: 1, c: &c, ldc: 1)
    GEMM.multiply(transposeA: false, transposeB: false, m: 1, n: 0, k: 1, a: a, lda: 1, b: b, ldb: 1, c: &c, ldc: 1)
    #expect(c == [7])
}

@Test func splitsDepthAndColumnsIntoSeveralBlocks() {
    // k beyond KC (several depth slices, beta applied once) and n beyond NC (several column blocks).
    for path in serialPaths {
        for (tA, tB) in modes {
            let deep = Case(m: 7, n: 20, k: 2 * GEMMBlocking.kc + 9, transposeA: tA, transposeB: tB, beta: 0.5)
            check(deep, run: path)
            let wide = Case(m: 3, n: GEMMBlocking.nc + 37, k: 3, transposeA: tA, transposeB: tB, beta: 2)
            check(wide, run: path)
        }
    }
}

@Test func sharedPackingThreadedDriverMatchesReference() {
    for (tA, tB) in modes {
        for threads in [2, 3] {
            // Tall (row tasks), short and wide (column tasks), deep (several phases).
            for (m, n, k) in [(40, 35, 20), (5, 70, 9), (25, 30, GEMMBlocking.kc + 50)] {
                let t = Case(m: m, n: n, k: k, transposeA: tA, transposeB: tB, padC: 1, alpha: 0.5, beta: 1.5)
                check(t, run: forcedParallel(threads))
            }
        }
    }
}

@Test func concurrentCallersGetCorrectResults() {
    // Pooled packing buffers and job state must not be shared between simultaneous calls. The
    // products run at once on Dispatch threads; the checks then run on the test's own thread.
    let t = Case(m: 30, n: 37, k: 21, transposeB: true, beta: 0.5)
    final class Output: @unchecked Sendable { var c: [Float] = [] }
    let outputs = (0..<4).map { _ in Output() }  // one box per thread: no shared mutation
    DispatchQueue.concurrentPerform(iterations: 4) { i in
        var rng = TestRandom(state: UInt64(40 + i))
        let a = rng.fill(t.aCount), b = rng.fill(t.bCount)
        var c = rng.fill(t.cCount)
        (i % 2 == 0 ? forcedParallel(2) : multiply(threads: 1))(t, a, b, &c)
        outputs[i].c = c
    }
    for i in 0..<4 {
        check(t, seed: UInt64(40 + i)) { _, _, _, c in c = outputs[i].c }
    }
}

@Test func publicEntryPointMatchesOnOneAndTwoThreads() {
    // 2*m*n*k above the threading threshold, so threads: 2 really runs two workers.
    for threads in [1, 2] {
        let t = Case(m: 120, n: 96, k: 700, transposeB: true, beta: 0.25)
        check(t, run: multiply(threads: threads))
    }
}

@Test func batchedMultiplyMatchesPerItemProducts() {
    for (tA, tB) in modes {
        for threads in [1, 2] {
            let t = Case(m: 9, n: 17, k: 6, transposeA: tA, transposeB: tB, padC: 1, alpha: 1.25, beta: 0.5)
            let batch = 5
            // Each operand padded by a few floats between matrices, to test the strides.
            let strideA = t.aCount + 3, strideB = t.bCount + 1, strideC = t.cCount + 2
            var rng = TestRandom(state: 99)
            let a = rng.fill(strideA * batch), b = rng.fill(strideB * batch)
            var c = rng.fill(strideC * batch)
            var expected = c
            for i in 0..<batch {
                var ci = Array(expected[(i * strideC)..<(i * strideC + t.cCount)])
                GEMM.multiply(
                    transposeA: tA, transposeB: tB, m: t.m, n: t.n, k: t.k, alpha: t.alpha,
                    a: Array(a[(i * strideA)...]), lda: t.lda, b: Array(b[(i * strideB)...]), ldb: t.ldb,
                    beta: t.beta, c: &ci, ldc: t.ldc, threads: 1)
                expected.replaceSubrange((i * strideC)..<(i * strideC + t.cCount), with: ci)
            }
            GEMM.batchedMultiply(
                batch: batch, transposeA: tA, transposeB: tB, m: t.m, n: t.n, k: t.k, alpha: t.alpha,
                a: a, lda: t.lda, strideA: strideA, b: b, ldb: t.ldb, strideB: strideB,
                beta: t.beta, c: &c, ldc: t.ldc, strideC: strideC, threads: threads)
            #expect(c == expected, "batched \(t) threads=\(threads)")
        }
    }
}

@Test func smallBatchesRunAcrossWorkersAndMatchTheReference() {
    // Threshold 0 forces the across-the-batch path; each item is checked against the reference.
    for (tA, tB) in modes {
        for threads in [1, 2] {
            let t = Case(m: 10, n: 12, k: 9, transposeA: tA, transposeB: tB, alpha: 0.5, beta: 1)
            let batch = 7
            for item in [0, 3, 6] {
                check(t, seed: UInt64(7 + item)) { t, a, b, c in
                    // Every item gets the same operands; the checked one is C of item `item`.
                    let strideA = t.aCount, strideB = t.bCount, strideC = t.cCount
                    let aa = (0..<batch).flatMap { _ in a }, bb = (0..<batch).flatMap { _ in b }
                    var cc = (0..<batch).flatMap { i in i == item ? c : [Float](repeating: .nan, count: c.count) }
                    aa.withUnsafeBufferPointer { ap in
                        bb.withUnsafeBufferPointer { bp in
                            cc.withUnsafeMutableBufferPointer { cp in
                                let pr = GEMMProblem(
                                    transposeA: t.transposeA, transposeB: t.transposeB, m: t.m, n: t.n, k: t.k,
                                    alpha: t.alpha, beta: t.beta, a: ap.baseAddress!, lda: t.lda,
                                    b: bp.baseAddress!, ldb: t.ldb, c: cp.baseAddress!, ldc: t.ldc)
                                GEMM.runBatched(
                                    pr, batch: batch, strideA: strideA, strideB: strideB, strideC: strideC,
                                    threads: threads, minFlopsPerThread: 0)
                            }
                        }
                    }
                    c = Array(cc[(item * strideC)..<((item + 1) * strideC)])
                }
            }
        }
    }
}

@Test func parallelForRunsEveryIterationExactlyOnceEvenNestedAndConcurrently() {
    // GEMM's threading rests on this: each index once, nested calls and several callers at once.
    final class Counts: @unchecked Sendable {
        var values: [Int]
        init(_ n: Int) { values = [Int](repeating: 0, count: n) }
    }
    let outer = 6, inner = 5
    let counts = Counts(outer * inner)
    counts.values.withUnsafeMutableBufferPointer { buffer in
        let p = UncheckedSendable(buffer.baseAddress!)
        Threading.parallelFor(outer) { i in
            Threading.parallelFor(inner) { j in p.value[i * inner + j] += 1 }
        }
    }
    #expect(counts.values == [Int](repeating: 1, count: outer * inner))
    // Several callers at once (as when batched work or other threads call GEMM concurrently).
    let callers = 4
    let shared = Counts(callers * 9)
    shared.values.withUnsafeMutableBufferPointer { buffer in
        let p = UncheckedSendable(buffer.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: callers) { caller in
            Threading.parallelFor(9, threads: 2) { p.value[caller * 9 + $0] += 1 }
        }
    }
    #expect(shared.values == [Int](repeating: 1, count: callers * 9))
    for count in [0, 1, 2, 3, 17] {
        let seen = Counts(count)
        seen.values.withUnsafeMutableBufferPointer { buffer in
            let p = UncheckedSendable(buffer.baseAddress!)
            Threading.parallelFor(count) { p.value[$0] += 1 }
        }
        #expect(seen.values == [Int](repeating: 1, count: count))
    }
}

@Test func helperThreadsNeverOutnumberWhatCallersAskFor() {
    // Thousands of jobs so short that the caller finishes each before its helper looks: an
    // approximate count of idle helpers used to drift upward here, starting a new polling helper
    // per lost race (three pollers for one-helper jobs were seen on 2 vCPUs).
    for _ in 0..<2000 {
        Threading.parallelFor(2, threads: 2) { _ in }
    }
    // Other tests may run at the same time and ask for more helpers; the pool never starts more
    // threads than the largest request.
    let helpers = HelperPool.shared.helperThreads
    #expect(helpers.started >= 1)
    #expect(helpers.started <= helpers.largestRequest)
}

@Test func parkedHelperWakesForTheNextJob() {
    // After a pause longer than the helpers' polling time they sleep; the next job must still get
    // one. Each iteration waits (at most 2 s) for the other to start, so the two can only both
    // start in time on two threads. (On a one-core machine the pool still keeps one helper.)
    final class Rendezvous: @unchecked Sendable {
        let arrived = Atomic<Int>(0)
        let firstThread = Atomic<UInt>(0), secondThread = Atomic<UInt>(0)
    }
    Threading.parallelFor(2, threads: 2) { _ in }
    // Wait (at most 2 s) for a helper to park; other tests running at the same time may keep
    // the helpers busy, in which case this checks the busy path instead.
    let parkDeadline = DispatchTime.now().uptimeNanoseconds + 2_000_000_000
    while HelperPool.shared.parkedHelpers == 0 && DispatchTime.now().uptimeNanoseconds < parkDeadline {
        usleep(1000)
    }
    let meeting = Rendezvous()
    Threading.parallelFor(2, threads: 2) { i in
        if i == 0 {
            meeting.firstThread.store(UInt(pthread_self()), ordering: .relaxed)
        } else {
            meeting.secondThread.store(UInt(pthread_self()), ordering: .relaxed)
        }
        meeting.arrived.wrappingAdd(1, ordering: .relaxed)
        let deadline = DispatchTime.now().uptimeNanoseconds + 2_000_000_000
        while meeting.arrived.load(ordering: .relaxed) < 2 && DispatchTime.now().uptimeNanoseconds < deadline {
            sched_yield()
        }
    }
    #expect(meeting.firstThread.load(ordering: .relaxed) != meeting.secondThread.load(ordering: .relaxed))
}
