// Kernel selection and both kernel families. On an AVX-512 machine the other GEMM tests run the
// AVX-512 kernels (the default there), so the AVX2 fallback is checked here explicitly, and the
// AVX-512 checks are skipped, visibly, where the CPU lacks AVX-512F.

import Foundation
import Testing

@testable import ZooTensor

/// Shapes around the 6x32 AVX-512 tile: panel pairs, a last odd full panel, partial panels
/// after a pair or a single, fewer than 6 rows.
private let wideShapes: [(Int, Int, Int)] = [
    (6, 32, 8), (7, 33, 9), (13, 48, 17), (12, 47, 5), (5, 64, 3), (19, 80, 31), (6, 95, 10), (25, 112, 40),
]

/// The reference checks of GEMMTests.swift, run through whichever kernels the caller selected.
private func conformanceChecks() {
    for path in serialPaths {
        for (tA, tB) in modes {
            for (m, n, k) in shapes + wideShapes {
                check(Case(m: m, n: n, k: k, transposeA: tA, transposeB: tB), run: path)
            }
            check(Case(m: 11, n: 37, k: 13, transposeA: tA, transposeB: tB, padA: 3, padB: 5, padC: 7), run: path)
            for (alpha, beta) in [(Float(2.5), Float(0)), (-0.5, 0.75), (1, -2)] {
                check(Case(m: 9, n: 53, k: 10, transposeA: tA, transposeB: tB, padC: 2, alpha: alpha, beta: beta), run: path)
            }
            check(Case(m: 8, n: 40, k: 5, transposeA: tA, transposeB: tB, alpha: 1.5), cFill: .nan, run: path)
            check(Case(m: 7, n: 36, k: 2 * GEMMBlocking.kc + 9, transposeA: tA, transposeB: tB, beta: 0.5), run: path)
            check(Case(m: 3, n: GEMMBlocking.nc + 37, k: 3, transposeA: tA, transposeB: tB, beta: 2), run: path)
        }
    }
    for (tA, tB) in modes {
        for threads in [2, 3] {
            // Row tasks, column tasks (odd first panels), several depth phases.
            for (m, n, k) in [(40, 67, 20), (5, 150, 9), (25, 50, GEMMBlocking.kc + 50)] {
                let t = Case(m: m, n: n, k: k, transposeA: tA, transposeB: tB, padC: 1, alpha: 0.5, beta: 1.5)
                check(t, run: forcedParallel(threads))
            }
        }
    }
    for threads in [1, 2] {
        check(Case(m: 120, n: 96, k: 700, transposeB: true, beta: 0.25), run: multiply(threads: threads))
    }
}

/// The instruction set a problem built now would carry.
private func problemInstructionSet() -> GEMMInstructionSet {
    let a: [Float] = [1], b: [Float] = [1]
    var c: [Float] = [0]
    var isa = GEMMInstructionSet.avx2
    withProblem(Case(m: 1, n: 1, k: 1), a, b, &c) { isa = $0.isa }
    return isa
}

@Suite struct GEMMKernelSelectionTests {
    @Test func avx2FallbackMatchesReference() {
        GEMM.withInstructionSet(.avx2) {
            #expect(problemInstructionSet() == .avx2)
            conformanceChecks()
        }
    }

    @Test(.enabled(if: GEMM.avx512Available, "this CPU has no AVX-512F: AVX-512 GEMM kernels not tested"))
    func avx512KernelsMatchReference() {
        GEMM.withInstructionSet(.avx512) {
            #expect(problemInstructionSet() == .avx512)
            conformanceChecks()
        }
    }

    @Test(.enabled(if: GEMM.avx512Available, "this CPU has no AVX-512F: AVX-512 GEMM kernels not compared"))
    func avx512AndAVX2GiveIdenticalResults() {
        // Both accumulate each C element with one FMA per depth step in the same order, so the
        // results must agree bit for bit, threaded or not, at sizes with many tiles and edges.
        // The last two are small enough for the unpacked path (A, and B unless transposed, read
        // in place), in every transpose mode.
        var rng = TestRandom(state: 5)
        let cases = [(70, 181, 397, 1, false, true), (97, 130, 64, 2, false, true)]
            + modes.map { (50, 64 + 18, 50, 1, $0.0, $0.1) }
        for (m, n, k, threads, tA, tB) in cases {
            let t = Case(m: m, n: n, k: k, transposeA: tA, transposeB: tB, padA: 1, beta: 0.5)
            let a = rng.fill(t.aCount), b = rng.fill(t.bCount), c0 = rng.fill(t.cCount)
            var results: [[Float]] = []
            for isa in [GEMMInstructionSet.avx2, .avx512] {
                var c = c0
                GEMM.withInstructionSet(isa) { multiply(threads: threads)(t, a, b, &c) }
                results.append(c)
            }
            let firstDifference = results[0].indices.first { results[0][$0].bitPattern != results[1][$0].bitPattern }
            #expect(firstDifference == nil, "first differing element \(firstDifference ?? -1): \(t) threads=\(threads)")
        }
    }

    @Test func environmentRequestIsResolvedSafely() {
        // ZOO_GEMM_ISA=avx2 forces the fallback even on an AVX-512 machine.
        #expect(GEMM.resolveInstructionSet(requested: "avx2", avx512Available: true).0 == .avx2)
        #expect(GEMM.resolveInstructionSet(requested: "AVX2", avx512Available: true).0 == .avx2)
        // Automatic: the best available.
        let automatic = GEMM.resolveInstructionSet(requested: nil, avx512Available: true)
        #expect(automatic.0 == .avx512 && automatic.warning == nil)
        let fallback = GEMM.resolveInstructionSet(requested: "", avx512Available: false)
        #expect(fallback.0 == .avx2 && fallback.warning == nil)
        // AVX-512 is never chosen where it cannot run, whatever is asked; odd values warn.
        let refused = GEMM.resolveInstructionSet(requested: "avx512", avx512Available: false)
        #expect(refused.0 == .avx2 && refused.warning != nil)
        #expect(GEMM.resolveInstructionSet(requested: "avx512", avx512Available: true).0 == .avx512)
        let odd = GEMM.resolveInstructionSet(requested: "sse", avx512Available: true)
        #expect(odd.0 == .avx512 && odd.warning != nil)
        // The overrides obey the same rule.
        GEMM.withInstructionSet(.avx512) {
            #expect(GEMM.currentInstructionSet == (GEMM.avx512Available ? .avx512 : .avx2))
        }
    }

    @Test func processSelectionFollowsTheCPUAndTheEnvironment() {
        // Run with ZOO_GEMM_ISA=avx2 (or avx512) to check the whole chain, environment included.
        let requested = ProcessInfo.processInfo.environment["ZOO_GEMM_ISA"]?.lowercased()
        let expected: GEMMInstructionSet = requested == "avx2" || !GEMM.avx512Available ? .avx2 : .avx512
        #expect(GEMM.instructionSet == expected, "ZOO_GEMM_ISA=\(requested ?? "unset")")
        #expect(problemInstructionSet() == expected)
        #if !arch(x86_64)
        #expect(!CPUFeatures.hasAVX512F)
        #endif
    }

    @Test func cpuinfoFlagsAreParsedFromTheFirstFlagsLine() {
        let text = "processor\t: 0\nflags\t\t: fpu sse avx2 avx512f\tavx512vl\nbugs\t\t: spectre\n"
            + "processor\t: 1\nflags\t\t: fpu\n"
        let flags = CPUFeatures.cpuinfoFlags(text)
        #expect(flags.contains("avx512f") && flags.contains("avx512vl") && flags.contains("avx2"))
        #expect(!flags.contains("spectre"))
        #expect(CPUFeatures.cpuinfoFlags("processor : 0\n").isEmpty)
        // Zen 3 style: AVX2 but no AVX-512.
        #expect(!CPUFeatures.cpuinfoFlags("flags : fpu avx avx2 fma\n").contains("avx512f"))
    }
}
