import Foundation

// The blocked GEMM loops (Goto/BLIS order): for each NC-column block of C and each KC-deep slice,
// pack that slice of op(B) once, then for each MC-row block pack op(A) and sweep the micro-kernel
// over it — the A block in L2, the packed B block in L2/L3, and each B micro-panel reused from
// L1/L2 by every A panel of the block (at the full depth of 768, a 6x32 tile's two B panels,
// 96 KB, no longer fit L1: fewer passes over C measured faster nonetheless, see GEMMBlocking).

/// One GEMM call's operands, passed by value to the loops below.
struct GEMMProblem {
    var transposeA: Bool, transposeB: Bool
    var m: Int, n: Int, k: Int
    var alpha: Float, beta: Float
    var a: UnsafePointer<Float>, lda: Int
    var b: UnsafePointer<Float>, ldb: Int
    var c: UnsafeMutablePointer<Float>, ldc: Int
    /// The kernels to run, fixed when the call starts (see `GEMM.currentInstructionSet`).
    var isa: GEMMInstructionSet = GEMM.currentInstructionSet
}

/// Cache blocking sizes. KC fixes where partial sums meet C, so it fixes the rounding: one value
/// for every instruction set keeps AVX-512 and AVX2 machines bit-identical. On the Xeon VM of the
/// Performance notes (docs/performance.md), KC 768 (2048 deep = 3 slices of 683) beat 384 (6 of 342) by 2-4%
/// with the AVX-512 kernels on two threads from 1024^3 up, fewer passes over C being what
/// counts; with AVX2 the two were equal there. On Zen 3 (PERF.md) 384 beat 256 by ~10%; 768 was
/// not measured on Zen. MC 72..144 and NC 2048..4096 were within noise of each other.
/// `ZOO_GEMM_KC`, `ZOO_GEMM_MC`, `ZOO_GEMM_NC` override them, for tuning experiments only.
enum GEMMBlocking {
    static let kc: Int = env("ZOO_GEMM_KC", 768)
    static let mc: Int = gemmRoundUp(env("ZOO_GEMM_MC", 144), gemmMR)
    static let nc: Int = gemmRoundUp(env("ZOO_GEMM_NC", 2048), gemmNR)
    /// Products whose op(A) and op(B) together hold at most this many floats (and k <= kc)
    /// skip packing: see `gemmSerialDirect`.
    static let directMaxFloats: Int = env("ZOO_GEMM_DIRECT", 65536)

    private static func env(_ name: String, _ fallback: Int) -> Int {
        if let s = ProcessInfo.processInfo.environment[name], let v = Int(s), v > 0 { return v }
        return fallback
    }
}

/// Block sizes for one problem: the cache limits, evened out so that no block is a sliver
/// (k = 800 becomes 2 x 400, not 768 + 32).
struct GEMMPlan {
    let kc: Int, nc: Int, mc: Int
    /// Floats of workspace for the packed B block.
    let bFloats: Int
    /// Floats of workspace per worker: its packed A block plus a 6x16 scratch tile.
    let workerFloats: Int

    init(m: Int, n: Int, k: Int, rowsPerTask: Int? = nil) {
        kc = gemmCeilDiv(k, gemmCeilDiv(k, GEMMBlocking.kc))
        nc = gemmRoundUp(gemmCeilDiv(n, gemmCeilDiv(n, GEMMBlocking.nc)), gemmNR)
        mc = rowsPerTask ?? gemmRoundUp(gemmCeilDiv(m, gemmCeilDiv(m, GEMMBlocking.mc)), gemmMR)
        bFloats = gemmRoundUp(kc &* nc, 16)
        workerFloats = gemmRoundUp(mc &* kc, 16) &+ gemmMR &* gemmNR
    }
}

/// Packs op(A) rows `row0 ..< row0+rows` (depth slice `pc`, `kc`) into `aBuf`, then computes
/// C[rows, jc + panels*16 ...] for B panels `panelStart ..< panelEnd` of the packed B block.
/// `beta` is the caller's beta for the first depth slice and 1 for the later ones.
@inline(__always)
func gemmComputeBlock(
    _ pr: GEMMProblem, row0: Int, rows: Int, jc: Int, cols: Int, panelStart: Int, panelEnd: Int,
    pc: Int, kc: Int, beta: Float, packedB: UnsafeMutablePointer<Float>,
    aBuf: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>
) {
    gemmPackA(transposed: pr.transposeA, a: pr.a, lda: pr.lda, i0: row0, rows: rows, p0: pc, kc: kc, dst: aBuf)
    gemmMultiplyPackedBlock(
        pr, row0: row0, rows: rows, jc: jc, cols: cols, panelStart: panelStart, panelEnd: panelEnd,
        kc: kc, beta: beta, packedB: packedB, aBuf: aBuf, scratch: scratch)
}

/// The sweep of `gemmComputeBlock` once op(A) rows `row0 ..< row0+rows` are packed in `aBuf`.
@inline(__always)
func gemmMultiplyPackedBlock(
    _ pr: GEMMProblem, row0: Int, rows: Int, jc: Int, cols: Int, panelStart: Int, panelEnd: Int,
    kc: Int, beta: Float, packedB: UnsafeMutablePointer<Float>,
    aBuf: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>
) {
    #if arch(x86_64)
    if pr.isa == .avx512 {
        gemmComputePackedAVX512(
            pr, row0: row0, rows: rows, jc: jc, cols: cols, panelStart: panelStart, panelEnd: panelEnd,
            kc: kc, beta: beta, packedB: packedB, aBuf: aBuf, scratch: scratch)
        return
    }
    #endif
    let ldc = pr.ldc
    for panel in panelStart..<panelEnd {
        let jp = panel &* gemmNR
        let nr = min(gemmNR, cols &- jp)
        let bPanel = UnsafeRawPointer(packedB + jp &* kc)
        var ir = 0
        while ir < rows {
            let mr = min(gemmMR, rows &- ir)
            let cTile = pr.c + ((row0 &+ ir) &* ldc &+ jc &+ jp)
            let aPanel = UnsafePointer(aBuf + ir &* kc)
            if mr == gemmMR && nr == gemmNR {
                gemmKernel6x16(kc: kc, a: aPanel, b: bPanel, c: cTile, ldc: ldc, alpha: pr.alpha, beta: beta)
            } else {
                let panels = GEMMPanels(a: aPanel, aRowStride: 1, aDepthStride: gemmMR, b: bPanel, bStepBytes: 64)
                gemmKernelEdge(
                    kc: kc, panels, c: cTile, ldc: ldc, mr: mr, nr: nr, alpha: pr.alpha, beta: beta, scratch: scratch)
            }
            ir &+= gemmMR
        }
    }
}

/// Floats of workspace `gemmSerial` needs for this shape.
func gemmSerialWorkspaceFloats(m: Int, n: Int, k: Int, transposeB: Bool) -> Int {
    if gemmUsesDirect(m: m, n: n, k: k) { return gemmDirectWorkspaceFloats(n: n, k: k, transposeB: transposeB) }
    let plan = GEMMPlan(m: m, n: n, k: k)
    return plan.bFloats &+ plan.workerFloats
}

/// The whole product on the calling thread. Requires m, n, k > 0.
/// `workspace` is used when large enough (see `gemmSerialWorkspaceFloats`), else one is borrowed.
func gemmSerial(_ pr: GEMMProblem, workspace: GEMMWorkspace? = nil) {
    if gemmUsesDirect(m: pr.m, n: pr.n, k: pr.k) {
        gemmSerialDirect(pr, workspace: workspace)
    } else {
        gemmSerialPacked(pr, workspace: workspace)
    }
}

/// The blocked, packed algorithm on the calling thread (any shape with m, n, k > 0).
func gemmSerialPacked(_ pr: GEMMProblem, workspace: GEMMWorkspace?) {
    let plan = GEMMPlan(m: pr.m, n: pr.n, k: pr.k)
    let need = plan.bFloats &+ plan.workerFloats
    let ws = workspace.flatMap { $0.capacity >= need ? $0 : nil }
    let w = ws ?? GEMMWorkspacePool.shared.acquire(floats: need)
    defer { if ws == nil { GEMMWorkspacePool.shared.release(w) } }
    let packedB = w.base
    let aBuf = w.base + plan.bFloats
    let scratch = aBuf + (plan.workerFloats &- gemmMR &* gemmNR)

    var jc = 0
    while jc < pr.n {
        let cols = min(plan.nc, pr.n &- jc)
        let panels = gemmCeilDiv(cols, gemmNR)
        var pc = 0
        while pc < pr.k {
            let kc = min(plan.kc, pr.k &- pc)
            gemmPackB(
                transposed: pr.transposeB, b: pr.b, ldb: pr.ldb, j0: jc, cols: cols, p0: pc, kc: kc,
                panelStart: 0, panelEnd: panels, dst: packedB)
            let beta: Float = pc == 0 ? pr.beta : 1
            var ic = 0
            while ic < pr.m {
                let rows = min(plan.mc, pr.m &- ic)
                gemmComputeBlock(
                    pr, row0: ic, rows: rows, jc: jc, cols: cols, panelStart: 0, panelEnd: panels,
                    pc: pc, kc: kc, beta: beta, packedB: packedB, aBuf: aBuf, scratch: scratch)
                ic &+= rows
            }
            pc &+= kc
        }
        jc &+= cols
    }
}

/// Scales C by beta (zeros it when beta == 0, ignoring NaN): the result when k == 0 or alpha == 0.
func gemmScaleC(m: Int, n: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    if beta == 1 { return }
    for i in 0..<m {
        let row = c + i &* ldc
        if beta == 0 {
            row.update(repeating: 0, count: n)
        } else {
            for j in 0..<n { row[j] *= beta }
        }
    }
}
