// Small products without packing. Packing costs about one cycle per element of op(A) and op(B)
// against mnk/16 cycles of FMAs: at 50x50x64 (attention) that would be ~40% overhead. When the
// operands are small enough to stay in L1/L2 anyway, the micro-kernel reads A in place (NN rows
// or TN columns, through its strides) and B in place when its rows are contiguous (NN, TN).
// Only edge panels (fewer than 6 rows or 16 columns) and transposed B are still packed.

/// Whether `gemmSerial` should take the unpacked path for this shape.
@inline(__always)
func gemmUsesDirect(m: Int, n: Int, k: Int) -> Bool {
    k <= GEMMBlocking.kc && m &* k &+ k &* n <= GEMMBlocking.directMaxFloats
}

/// Workspace floats for `gemmSerialDirect`: B panels (all of them when B is transposed, else
/// one edge panel), one 6-row edge panel of A and a scratch tile.
func gemmDirectWorkspaceFloats(n: Int, k: Int, transposeB: Bool) -> Int {
    let bPanels = transposeB ? gemmCeilDiv(n, gemmNR) : 1
    return gemmRoundUp(bPanels &* gemmNR &* k, 16) &+ gemmRoundUp(gemmMR &* k, 16) &+ gemmMR &* gemmNR
}

/// The whole product on the calling thread, reading operands in place where possible.
/// Requires m, n, k > 0 and `gemmUsesDirect(m:n:k:)` (a single depth slice).
func gemmSerialDirect(_ pr: GEMMProblem, workspace: GEMMWorkspace?) {
    let (m, n, k) = (pr.m, pr.n, pr.k)
    let need = gemmDirectWorkspaceFloats(n: n, k: k, transposeB: pr.transposeB)
    let ws = workspace.flatMap { $0.capacity >= need ? $0 : nil }
    let w = ws ?? GEMMWorkspacePool.shared.acquire(floats: need)
    defer { if ws == nil { GEMMWorkspacePool.shared.release(w) } }
    let panelsN = gemmCeilDiv(n, gemmNR)
    let bBuf = w.base
    let aEdge = bBuf + gemmRoundUp((pr.transposeB ? panelsN : 1) &* gemmNR &* k, 16)
    let scratch = aEdge + gemmRoundUp(gemmMR &* k, 16)

    if pr.transposeB {
        gemmPackB(
            transposed: true, b: pr.b, ldb: pr.ldb, j0: 0, cols: n, p0: 0, kc: k,
            panelStart: 0, panelEnd: panelsN, dst: bBuf)
    }
    let mFull = m / gemmMR &* gemmMR
    if mFull < m {
        gemmPackA(transposed: pr.transposeA, a: pr.a, lda: pr.lda, i0: mFull, rows: m &- mFull, p0: 0, kc: k, dst: aEdge)
    }
    // A panel of rows i..i+5 in place: NN steps along a row, TN down a column.
    let (rowStride, depthStride) = pr.transposeA ? (1, pr.lda) : (pr.lda, 1)
    let ldc = pr.ldc
    var panel = 0
    #if arch(x86_64)
    if pr.isa == .avx512 {
        // Every full 16-column panel through the zmm kernels; a partial one goes on below.
        panel = gemmDirectFullPanelsAVX512(pr, bBuf: bBuf, aEdge: aEdge, mFull: mFull)
    }
    #endif
    while panel < panelsN {
        defer { panel &+= 1 }
        let jp = panel &* gemmNR
        let nr = min(gemmNR, n &- jp)
        var bPanel: UnsafeRawPointer
        var bStep: Int
        if pr.transposeB {
            bPanel = UnsafeRawPointer(bBuf + jp &* k)
            bStep = gemmNR &* 4
        } else if nr == gemmNR {
            bPanel = UnsafeRawPointer(pr.b + jp)
            bStep = pr.ldb &* 4
        } else {
            // The right edge: reading 16 columns in place would run past the row.
            gemmPackB(
                transposed: false, b: pr.b, ldb: pr.ldb, j0: 0, cols: n, p0: 0, kc: k,
                panelStart: panel, panelEnd: panel &+ 1, dst: bBuf)
            bPanel = UnsafeRawPointer(bBuf)
            bStep = gemmNR &* 4
        }
        var ir = 0
        while ir < m {
            let cTile = pr.c + (ir &* ldc &+ jp)
            if ir < mFull {
                let aPanel = pr.a + (pr.transposeA ? ir : ir &* pr.lda)
                let panels = GEMMPanels(
                    a: aPanel, aRowStride: rowStride, aDepthStride: depthStride, b: bPanel, bStepBytes: bStep)
                if nr == gemmNR {
                    gemmKernel6x16Strided(kc: k, panels, c: cTile, ldc: ldc, alpha: pr.alpha, beta: pr.beta)
                } else {
                    gemmKernelEdge(
                        kc: k, panels, c: cTile, ldc: ldc, mr: gemmMR, nr: nr, alpha: pr.alpha, beta: pr.beta,
                        scratch: scratch)
                }
            } else {
                let panels = GEMMPanels(
                    a: UnsafePointer(aEdge), aRowStride: 1, aDepthStride: gemmMR, b: bPanel, bStepBytes: bStep)
                gemmKernelEdge(
                    kc: k, panels, c: cTile, ldc: ldc, mr: m &- ir, nr: nr, alpha: pr.alpha, beta: pr.beta,
                    scratch: scratch)
            }
            ir &+= gemmMR
        }
    }
}
