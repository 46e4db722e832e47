// The AVX-512 variant of the block sweep in `gemmComputeBlock`: the same packed A block and
// packed B block (6-row A panels, 16-column B panels), multiplied by the 6x32 zmm kernels of
// ZooTensorAVX512 two B panels at a time. Only reached when `pr.isa == .avx512`, which
// `GEMM.currentInstructionSet` sets only on CPUs with AVX-512F (see GEMMInstructionSet.swift).
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
#endif
