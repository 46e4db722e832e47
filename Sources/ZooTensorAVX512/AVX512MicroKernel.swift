// AVX-512 GEMM micro-kernels. This target is compiled with `-mavx512f` (Package.swift), so
// `SIMD16<Float>` arithmetic here becomes single zmm instructions (`vfmadd231ps zmm` with an
// embedded `{1to16}` broadcast of A). Everything in this file may therefore contain AVX-512
// instructions: ZooTensor calls these functions only after `GEMM.instructionSet` reported
// `.avx512` (the CPU has AVX-512F and the OS saves zmm state), never on other machines.
//
// Why a separate target holding nothing but kernels: Swift has no per-function target
// attributes, so the flags apply to the whole module. Any ordinary code put here (loops the
// optimiser might auto-vectorise, shared generic specialisations) could end up reachable from the
// AVX2 path. Every helper below is `@inline(__always)` and the entry points are `@inline(never)`
// and non-generic, so the module exports only these symbols and the bodies are compiled here.
//
// Layout contract (set by ZooTensor's packing, see GEMMPacking.swift): A is packed in 6-row
// panels, step p holding the 6 row values at `a[p*6 + r]`; B is packed in 16-column panels,
// step p holding 16 values at byte offset `p*64` (64-byte aligned). A 32-column tile reads two
// adjacent B panels, `b0` and `b1`, so the packing is shared with the AVX2 kernels unchanged.

#if arch(x86_64)
import ZooPrefetch

/// A full 6x32 tile from packed panels: `C = alpha * (A * B) + beta * C`, C not read when
/// beta == 0. `b0` and `b1` are the two 16-column packed B panels of columns 0..<16, 16..<32.
@inline(never)
package func avx512Kernel6x32(
    kc: Int, a: UnsafePointer<Float>, b0: UnsafeRawPointer, b1: UnsafeRawPointer,
    c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float
) {
    avx512KernelBody(rows: 6, wide: true, kc: kc, a: a, b0: b0, b1: b1, c: c, ldc: ldc, alpha: alpha, beta: beta)
}

/// A tile of `rows` (1...6) rows and 32 columns (`wide`) or 16, from packed panels (A padded to
/// 6 rows), stored straight into C. `b1` is ignored when not `wide`.
@inline(never)
package func avx512KernelNarrow(
    rows: Int, wide: Bool, kc: Int, a: UnsafePointer<Float>, b0: UnsafeRawPointer, b1: UnsafeRawPointer,
    c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float
) {
    // The packed layout's strides as constants: folded into every variant.
    avx512KernelVariant(
        rows: rows, wide: wide, kc: kc, a: a, b0: b0, b1: b1, c: c, ldc: ldc, alpha: alpha, beta: beta,
        aRowStride: 1, aDepthStride: 6, bStepBytes: 64)
}

/// A tile of `rows` (1...6) rows and 32 columns (`wide`) or 16 with operands read in place:
/// element (r, p) of A at `a[r*aRowStride + p*aDepthStride]`, step p's 16 B values at
/// `b0 + p*bStepBytes` (and the next 16 at `b1 + p*bStepBytes`). For small products, which
/// skip packing (ZooTensor's `gemmSerialDirect`). `b1` is ignored when not `wide`.
@inline(never)
package func avx512KernelStrided(
    rows: Int, wide: Bool, kc: Int, a: UnsafePointer<Float>, aRowStride: Int, aDepthStride: Int,
    b0: UnsafeRawPointer, b1: UnsafeRawPointer, bStepBytes: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float
) {
    avx512KernelVariant(
        rows: rows, wide: wide, kc: kc, a: a, b0: b0, b1: b1, c: c, ldc: ldc, alpha: alpha, beta: beta,
        aRowStride: aRowStride, aDepthStride: aDepthStride, bStepBytes: bStepBytes)
}

/// Picks the variant of `avx512KernelBody` for `rows` and `wide`: one constant-argument call per
/// variant, so that each is specialised by inlining (and constant strides fold in too).
@inline(__always)
private func avx512KernelVariant(
    rows: Int, wide: Bool, kc: Int, a: UnsafePointer<Float>, b0: UnsafeRawPointer, b1: UnsafeRawPointer,
    c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float,
    aRowStride rs: Int, aDepthStride ds: Int, bStepBytes bs: Int
) {
    switch (rows, wide) {
    case (1, true): avx512KernelBody(rows: 1, wide: true, kc: kc, a: a, b0: b0, b1: b1, c: c, ldc: ldc, alpha: alpha, beta: beta, aRowStride: rs, aDepthStride: ds, bStepBytes: bs)
    case (2, true): avx512KernelBody(rows: 2, wide: true, kc: kc, a: a, b0: b0, b1: b1, c: c, ldc: ldc, alpha: alpha, beta: beta, aRowStride: rs, aDepthStride: ds, bStepBytes: bs)
    case (3, true): avx512KernelBody(rows: 3, wide: true, kc: kc, a: a, b0: b0, b1: b1, c: c, ldc: ldc, alpha: alpha, beta: beta, aRowStride: rs, aDepthStride: ds, bStepBytes: bs)
    case (4, true): avx512KernelBody(rows: 4, wide: true, kc: kc, a: a, b0: b0, b1: b1, c: c, ldc: ldc, alpha: alpha, beta: beta, aRowStride: rs, aDepthStride: ds, bStepBytes: bs)
    case (5, true): avx512KernelBody(rows: 5, wide: true, kc: kc, a: a, b0: b0, b1: b1, c: c, ldc: ldc, alpha: alpha, beta: beta, aRowStride: rs, aDepthStride: ds, bStepBytes: bs)
    case (6, true): avx512KernelBody(rows: 6, wide: true, kc: kc, a: a, b0: b0, b1: b1, c: c, ldc: ldc, alpha: alpha, beta: beta, aRowStride: rs, aDepthStride: ds, bStepBytes: bs)
    case (1, false): avx512KernelBody(rows: 1, wide: false, kc: kc, a: a, b0: b0, b1: b0, c: c, ldc: ldc, alpha: alpha, beta: beta, aRowStride: rs, aDepthStride: ds, bStepBytes: bs)
    case (2, false): avx512KernelBody(rows: 2, wide: false, kc: kc, a: a, b0: b0, b1: b0, c: c, ldc: ldc, alpha: alpha, beta: beta, aRowStride: rs, aDepthStride: ds, bStepBytes: bs)
    case (3, false): avx512KernelBody(rows: 3, wide: false, kc: kc, a: a, b0: b0, b1: b0, c: c, ldc: ldc, alpha: alpha, beta: beta, aRowStride: rs, aDepthStride: ds, bStepBytes: bs)
    case (4, false): avx512KernelBody(rows: 4, wide: false, kc: kc, a: a, b0: b0, b1: b0, c: c, ldc: ldc, alpha: alpha, beta: beta, aRowStride: rs, aDepthStride: ds, bStepBytes: bs)
    case (5, false): avx512KernelBody(rows: 5, wide: false, kc: kc, a: a, b0: b0, b1: b0, c: c, ldc: ldc, alpha: alpha, beta: beta, aRowStride: rs, aDepthStride: ds, bStepBytes: bs)
    default: avx512KernelBody(rows: 6, wide: false, kc: kc, a: a, b0: b0, b1: b0, c: c, ldc: ldc, alpha: alpha, beta: beta, aRowStride: rs, aDepthStride: ds, bStepBytes: bs)
    }
}

/// The k loop for a `rows` x (wide ? 32 : 16) tile: twelve zmm accumulators at most, two B
/// loads and six A broadcasts per step. Always inlined with constant `rows` and `wide`, so the
/// unused accumulators and loads fold away; the default strides are the packed layout's, and
/// with them as constants the packed kernels compile as if the strides were not there.
@inline(__always)
private func avx512KernelBody(
    rows: Int, wide: Bool, kc: Int, a: UnsafePointer<Float>, b0: UnsafeRawPointer, b1: UnsafeRawPointer,
    c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float,
    aRowStride rs: Int = 1, aDepthStride: Int = 6, bStepBytes: Int = 64
) {
    typealias V = SIMD16<Float>
    // The tile's rows of C lie `ldc` floats apart, one or two cache lines each: a walk down C's
    // rows that the hardware prefetcher does not follow, so without these hints every tile waited
    // on its C lines at the end (2048^3, one thread: 128 -> 145 GFLOP/s).
    zooPrefetchTileForWriting(c, ldc, rows, wide ? 32 : 16)
    var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V()
    var c30 = V(), c31 = V(), c40 = V(), c41 = V(), c50 = V(), c51 = V()
    let (r2, r3, r4, r5) = (2 &* rs, 3 &* rs, 4 &* rs, 5 &* rs)
    var ap = a
    var offset = 0
    let end = kc &* bStepBytes
    while offset < end {
        let x0 = b0.loadUnaligned(fromByteOffset: offset, as: V.self)
        let x1 = wide ? b1.loadUnaligned(fromByteOffset: offset, as: V.self) : x0
        var av = V(repeating: ap[0])
        c00 = c00.addingProduct(av, x0)
        if wide { c01 = c01.addingProduct(av, x1) }
        if rows > 1 {
            av = V(repeating: ap[rs])
            c10 = c10.addingProduct(av, x0)
            if wide { c11 = c11.addingProduct(av, x1) }
        }
        if rows > 2 {
            av = V(repeating: ap[r2])
            c20 = c20.addingProduct(av, x0)
            if wide { c21 = c21.addingProduct(av, x1) }
        }
        if rows > 3 {
            av = V(repeating: ap[r3])
            c30 = c30.addingProduct(av, x0)
            if wide { c31 = c31.addingProduct(av, x1) }
        }
        if rows > 4 {
            av = V(repeating: ap[r4])
            c40 = c40.addingProduct(av, x0)
            if wide { c41 = c41.addingProduct(av, x1) }
        }
        if rows > 5 {
            av = V(repeating: ap[r5])
            c50 = c50.addingProduct(av, x0)
            if wide { c51 = c51.addingProduct(av, x1) }
        }
        ap += aDepthStride
        offset &+= bStepBytes
    }
    avx512StoreRow(c, wide, c00, c01, alpha, beta)
    if rows > 1 { avx512StoreRow(c + ldc, wide, c10, c11, alpha, beta) }
    if rows > 2 { avx512StoreRow(c + 2 &* ldc, wide, c20, c21, alpha, beta) }
    if rows > 3 { avx512StoreRow(c + 3 &* ldc, wide, c30, c31, alpha, beta) }
    if rows > 4 { avx512StoreRow(c + 4 &* ldc, wide, c40, c41, alpha, beta) }
    if rows > 5 { avx512StoreRow(c + 5 &* ldc, wide, c50, c51, alpha, beta) }
}

/// Writes 32 (or 16) results to one row of C, unaligned: `alpha * acc + beta * C`, C unread
/// when beta == 0 (so NaN there does not leak into the result).
@inline(__always)
private func avx512StoreRow(
    _ row: UnsafeMutablePointer<Float>, _ wide: Bool, _ lo: SIMD16<Float>, _ hi: SIMD16<Float>,
    _ alpha: Float, _ beta: Float
) {
    let raw = UnsafeMutableRawPointer(row)
    var rlo = lo * alpha
    if beta != 0 { rlo = rlo.addingProduct(raw.loadUnaligned(as: SIMD16<Float>.self), beta) }
    raw.storeBytes(of: rlo, as: SIMD16<Float>.self)
    if wide {
        var rhi = hi * alpha
        if beta != 0 { rhi = rhi.addingProduct(raw.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self), beta) }
        raw.storeBytes(of: rhi, toByteOffset: 64, as: SIMD16<Float>.self)
    }
}

#endif
