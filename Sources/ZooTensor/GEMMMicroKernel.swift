// The 6x16 register-blocked micro-kernel: the only place where GEMM's floating-point work happens.
//
// Twelve `SIMD8<Float>` accumulators (6 rows x 2 vectors) stay in ymm registers for the whole
// k loop; per k step it loads two B vectors and broadcasts six A scalars, feeding 12 FMAs.
// With `-Xcc -mavx2 -Xcc -mfma` this compiles to `vbroadcastss` + `vfmadd231ps ymm`; without
// those flags it is still correct, only much slower (see docs/performance.md).

import ZooPrefetch

/// Rows of C computed per micro-kernel call (A is packed in panels this many rows high).
let gemmMR = 6
/// Columns of C computed per micro-kernel call (B is packed in panels this many columns wide).
let gemmNR = 16

/// Where the micro-kernel finds its operands: element (r, p) of the 6-row A panel at
/// `a[r*aRowStride + p*aDepthStride]`, and step p's 16 B values at `b + p*bStepBytes`.
/// Packed panels use (1, 6, 64); small products read A and B in place (see `gemmSerialDirect`).
struct GEMMPanels {
    var a: UnsafePointer<Float>
    var aRowStride: Int
    var aDepthStride: Int
    var b: UnsafeRawPointer
    var bStepBytes: Int
}

/// Computes a full 6x16 tile from packed panels: `C = alpha * (A * B) + beta * C` (beta == 0:
/// C not read). Kept out of line, and with the packed strides as constants, so that it compiles
/// to the bare broadcast + FMA loop with all twelve accumulators in registers.
@inline(never)
func gemmKernel6x16(
    kc: Int, a: UnsafePointer<Float>, b: UnsafeRawPointer,
    c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float
) {
    gemmKernelBody(
        rows: gemmMR, wide: true, kc: kc,
        GEMMPanels(a: a, aRowStride: 1, aDepthStride: gemmMR, b: b, bStepBytes: gemmNR &* 4),
        c: c, ldc: ldc, alpha: alpha, beta: beta)
}

/// The same tile with operands read in place (any strides; B rows need not be aligned).
@inline(never)
func gemmKernel6x16Strided(
    kc: Int, _ panels: GEMMPanels, c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float
) {
    gemmKernelBody(rows: 6, wide: true, kc: kc, panels, c: c, ldc: ldc, alpha: alpha, beta: beta)
}

/// A tile of `rows` (1...6) rows and 16 columns (`wide`) or 8, stored straight into C: the
/// narrower variants skip the FMAs a zero-padded 6x16 tile would waste at the edges of C
/// (50x50 attention products are 28% padding in 6x16 tiles, 17% with these).
@inline(never)
func gemmKernelNarrow(
    rows: Int, wide: Bool, kc: Int, _ panels: GEMMPanels, c: UnsafeMutablePointer<Float>, ldc: Int,
    alpha: Float, beta: Float
) {
    // One constant-argument call per variant, so that each is specialised by inlining.
    switch (rows, wide) {
    case (1, true): gemmKernelBody(rows: 1, wide: true, kc: kc, panels, c: c, ldc: ldc, alpha: alpha, beta: beta)
    case (2, true): gemmKernelBody(rows: 2, wide: true, kc: kc, panels, c: c, ldc: ldc, alpha: alpha, beta: beta)
    case (3, true): gemmKernelBody(rows: 3, wide: true, kc: kc, panels, c: c, ldc: ldc, alpha: alpha, beta: beta)
    case (4, true): gemmKernelBody(rows: 4, wide: true, kc: kc, panels, c: c, ldc: ldc, alpha: alpha, beta: beta)
    case (5, true): gemmKernelBody(rows: 5, wide: true, kc: kc, panels, c: c, ldc: ldc, alpha: alpha, beta: beta)
    case (6, true): gemmKernelBody(rows: 6, wide: true, kc: kc, panels, c: c, ldc: ldc, alpha: alpha, beta: beta)
    case (1, false): gemmKernelBody(rows: 1, wide: false, kc: kc, panels, c: c, ldc: ldc, alpha: alpha, beta: beta)
    case (2, false): gemmKernelBody(rows: 2, wide: false, kc: kc, panels, c: c, ldc: ldc, alpha: alpha, beta: beta)
    case (3, false): gemmKernelBody(rows: 3, wide: false, kc: kc, panels, c: c, ldc: ldc, alpha: alpha, beta: beta)
    case (4, false): gemmKernelBody(rows: 4, wide: false, kc: kc, panels, c: c, ldc: ldc, alpha: alpha, beta: beta)
    case (5, false): gemmKernelBody(rows: 5, wide: false, kc: kc, panels, c: c, ldc: ldc, alpha: alpha, beta: beta)
    default: gemmKernelBody(rows: 6, wide: false, kc: kc, panels, c: c, ldc: ldc, alpha: alpha, beta: beta)
    }
}

/// The k loop for a `rows` x (wide ? 16 : 8) tile. Always inlined with constant `rows` and
/// `wide`, so the unused accumulators and loads fold away.
@inline(__always)
private func gemmKernelBody(
    rows: Int, wide: Bool, kc: Int, _ panels: GEMMPanels, c: UnsafeMutablePointer<Float>, ldc: Int,
    alpha: Float, beta: Float
) {
    // C's rows are `ldc` apart, a walk the hardware prefetcher does not follow: ask for the
    // tile's lines now, so that they arrive while the k loop runs (see AVX512MicroKernel.swift).
    zooPrefetchTileForWriting(c, ldc, rows, wide ? 16 : 8)
    var c00 = SIMD8<Float>(), c01 = SIMD8<Float>()
    var c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
    var c20 = SIMD8<Float>(), c21 = SIMD8<Float>()
    var c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
    var c40 = SIMD8<Float>(), c41 = SIMD8<Float>()
    var c50 = SIMD8<Float>(), c51 = SIMD8<Float>()
    let rs = panels.aRowStride
    let (r2, r3, r4, r5) = (2 &* rs, 3 &* rs, 4 &* rs, 5 &* rs)
    var ap = panels.a
    var bp = panels.b
    var p = 0
    while p < kc {
        let b0 = bp.loadUnaligned(as: SIMD8<Float>.self)
        let b1 = wide ? bp.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self) : b0
        var av = SIMD8<Float>(repeating: ap[0])
        c00 = c00.addingProduct(av, b0)
        if wide { c01 = c01.addingProduct(av, b1) }
        if rows > 1 {
            av = SIMD8<Float>(repeating: ap[rs])
            c10 = c10.addingProduct(av, b0)
            if wide { c11 = c11.addingProduct(av, b1) }
        }
        if rows > 2 {
            av = SIMD8<Float>(repeating: ap[r2])
            c20 = c20.addingProduct(av, b0)
            if wide { c21 = c21.addingProduct(av, b1) }
        }
        if rows > 3 {
            av = SIMD8<Float>(repeating: ap[r3])
            c30 = c30.addingProduct(av, b0)
            if wide { c31 = c31.addingProduct(av, b1) }
        }
        if rows > 4 {
            av = SIMD8<Float>(repeating: ap[r4])
            c40 = c40.addingProduct(av, b0)
            if wide { c41 = c41.addingProduct(av, b1) }
        }
        if rows > 5 {
            av = SIMD8<Float>(repeating: ap[r5])
            c50 = c50.addingProduct(av, b0)
            if wide { c51 = c51.addingProduct(av, b1) }
        }
        ap += panels.aDepthStride
        bp += panels.bStepBytes
        p &+= 1
    }
    gemmStoreRow(c, wide, c00, c01, alpha, beta)
    if rows > 1 { gemmStoreRow(c + ldc, wide, c10, c11, alpha, beta) }
    if rows > 2 { gemmStoreRow(c + 2 &* ldc, wide, c20, c21, alpha, beta) }
    if rows > 3 { gemmStoreRow(c + 3 &* ldc, wide, c30, c31, alpha, beta) }
    if rows > 4 { gemmStoreRow(c + 4 &* ldc, wide, c40, c41, alpha, beta) }
    if rows > 5 { gemmStoreRow(c + 5 &* ldc, wide, c50, c51, alpha, beta) }
}

/// Writes 16 (or 8) results to one row of C, unaligned: `alpha * acc + beta * C`, C unread when
/// beta == 0.
@inline(__always)
private func gemmStoreRow(
    _ row: UnsafeMutablePointer<Float>, _ wide: Bool, _ lo: SIMD8<Float>, _ hi: SIMD8<Float>,
    _ alpha: Float, _ beta: Float
) {
    let raw = UnsafeMutableRawPointer(row)
    var rlo = lo * alpha
    if beta != 0 { rlo = rlo.addingProduct(raw.loadUnaligned(as: SIMD8<Float>.self), beta) }
    raw.storeBytes(of: rlo, as: SIMD8<Float>.self)
    if wide {
        var rhi = hi * alpha
        if beta != 0 { rhi = rhi.addingProduct(raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self), beta) }
        raw.storeBytes(of: rhi, toByteOffset: 32, as: SIMD8<Float>.self)
    }
}

/// A partial tile (`mr <= 6` rows, `nr <= 16` columns) at the bottom or right edge of C.
/// Only `mr` rows are computed; 16 or 8 columns go straight to C, other widths through a
/// scratch tile of which only the valid part is merged. The panels must be readable for 16
/// columns (8 when nr <= 8) and `mr` rows (packed panels are zero-padded).
func gemmKernelEdge(
    kc: Int, _ panels: GEMMPanels, c: UnsafeMutablePointer<Float>, ldc: Int, mr: Int, nr: Int,
    alpha: Float, beta: Float, scratch: UnsafeMutablePointer<Float>
) {
    let wide = nr > 8
    if nr == 16 || nr == 8 {
        gemmKernelNarrow(rows: mr, wide: wide, kc: kc, panels, c: c, ldc: ldc, alpha: alpha, beta: beta)
        return
    }
    gemmKernelNarrow(rows: mr, wide: wide, kc: kc, panels, c: scratch, ldc: gemmNR, alpha: alpha, beta: 0)
    for r in 0..<mr {
        let src = scratch + r &* gemmNR
        let dst = c + r &* ldc
        if beta == 0 {
            for j in 0..<nr { dst[j] = src[j] }
        } else {
            for j in 0..<nr { dst[j] = src[j] + beta * dst[j] }
        }
    }
}
