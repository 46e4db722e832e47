// The AVX-512 variants of the block sweep in `gemmComputeBlock` and of the unpacked small-product
// loop in `gemmSerialDirect`: the same operands (6-row A panels, 16-column B panels, packed or in
// place), multiplied by the 6x32 zmm kernels of ZooTensorAVX512 two B panels at a time. Only
// reached when `pr.isa == .avx512`, which `GEMM.currentInstructionSet` sets only on CPUs with
// AVX-512F (see GEMMInstructionSet.swift).
//
// This file itself is compiled with AVX2 flags like the rest of ZooTensor: it only loops and
// calls; every AVX-512 instruction lives behind the `avx512*` calls.

#if arch(x86_64)
import ZooTensorAVX512

/// C[rows, jc + panels*16 ...] for B panels `panelStart ..< panelEnd` of the packed B block,
/// with op(A) rows `row0 ..< row0+rows` already packed in `aBuf`. Pairs of full B panels go
/// through the 6x32 kernel; a last odd full panel through the 6x16 zmm kernel; a partial panel
/// (the right edge of C, fewer than 16 columns) through the AVX2 edge kernel and its scratch tile.
@inline(never)
func gemmComputePackedAVX512(
    _ pr: GEMMProblem, row0: Int, rows: Int, jc: Int, cols: Int, panelStart: Int, panelEnd: Int,
    kc: Int, beta: Float, packedB: UnsafeMutablePointer<Float>,
    aBuf: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>
) {
    let ldc = pr.ldc
    let alpha = pr.alpha
    let panelFloats = gemmNR &* kc
    var panel = panelStart
    while panel < panelEnd {
        let jp = panel &* gemmNR
        let width = min(cols &- jp, panel &+ 1 < panelEnd ? 2 &* gemmNR : gemmNR)
        let b0 = UnsafeRawPointer(packedB + jp &* kc)
        let b1 = b0 + panelFloats &* 4
        // Full pairs take two panels at once; anything else takes one.
        let pair = width == 2 &* gemmNR
        let full = width >= gemmNR
        var ir = 0
        while ir < rows {
            let mr = min(gemmMR, rows &- ir)
            let cTile = pr.c + ((row0 &+ ir) &* ldc &+ jc &+ jp)
            let aPanel = UnsafePointer(aBuf + ir &* kc)
            if pair && mr == gemmMR {
                avx512Kernel6x32(kc: kc, a: aPanel, b0: b0, b1: b1, c: cTile, ldc: ldc, alpha: alpha, beta: beta)
            } else if full {
                avx512KernelNarrow(
                    rows: mr, wide: pair, kc: kc, a: aPanel, b0: b0, b1: b1, c: cTile, ldc: ldc,
                    alpha: alpha, beta: beta)
            } else {
                let panels = GEMMPanels(a: aPanel, aRowStride: 1, aDepthStride: gemmMR, b: b0, bStepBytes: 64)
                gemmKernelEdge(
                    kc: kc, panels, c: cTile, ldc: ldc, mr: mr, nr: width, alpha: alpha, beta: beta, scratch: scratch)
            }
            ir &+= gemmMR
        }
        panel &+= pair ? 2 : 1
    }
}

/// The AVX-512 part of `gemmSerialDirect`: every full 16-column panel of C, two at a time through
/// the 6x32 kernels (a last odd one through the 6x16 zmm kernel), with A read in place (NN rows or
/// TN columns; the bottom edge rows from `aEdge`, packed) and B in place or, when transposed, from
/// its packed panels in `bBuf`. Returns the number of panels done; the caller does the partial
/// panel at the right edge, if any.
func gemmDirectFullPanelsAVX512(
    _ pr: GEMMProblem, bBuf: UnsafeMutablePointer<Float>, aEdge: UnsafeMutablePointer<Float>, mFull: Int
) -> Int {
    let (m, n, k, ldc) = (pr.m, pr.n, pr.k, pr.ldc)
    let fullPanels = n / gemmNR
    let (rowStride, depthStride) = pr.transposeA ? (1, pr.lda) : (pr.lda, 1)
    var panel = 0
    while panel < fullPanels {
        let wide = panel &+ 1 < fullPanels
        let jp = panel &* gemmNR
        let b0: UnsafeRawPointer
        let b1: UnsafeRawPointer
        let bStep: Int
        if pr.transposeB {
            // Packed panels lie 16*k floats apart.
            b0 = UnsafeRawPointer(bBuf + jp &* k)
            b1 = b0 + gemmNR &* k &* 4
            bStep = gemmNR &* 4
        } else {
            // In place: the next 16 columns of the same rows.
            b0 = UnsafeRawPointer(pr.b + jp)
            b1 = b0 + gemmNR &* 4
            bStep = pr.ldb &* 4
        }
        var ir = 0
        while ir < mFull {
            avx512KernelStrided(
                rows: gemmMR, wide: wide, kc: k, a: pr.a + (pr.transposeA ? ir : ir &* pr.lda),
                aRowStride: rowStride, aDepthStride: depthStride, b0: b0, b1: b1, bStepBytes: bStep,
                c: pr.c + (ir &* ldc &+ jp), ldc: ldc, alpha: pr.alpha, beta: pr.beta)
            ir &+= gemmMR
        }
        if mFull < m {
            avx512KernelStrided(
                rows: m &- mFull, wide: wide, kc: k, a: UnsafePointer(aEdge), aRowStride: 1, aDepthStride: gemmMR,
                b0: b0, b1: b1, bStepBytes: bStep, c: pr.c + (mFull &* ldc &+ jp), ldc: ldc,
                alpha: pr.alpha, beta: pr.beta)
        }
        panel &+= wide ? 2 : 1
    }
    return fullPanels
}
#endif
