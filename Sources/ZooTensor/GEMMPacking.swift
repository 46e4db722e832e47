// Packing: copies blocks of op(A) and op(B) into the contiguous, zero-padded panel layout the
// micro-kernel streams through. Transposes are resolved here, so NN, NT, TN and TT all run the
// same kernel at the same speed; the packed data is k-major so the kernel reads it linearly.

import ZooPrefetch

/// Packs rows `i0 ..< i0+rows` and depth `p0 ..< p0+kc` of op(A) into 6-row panels.
///
/// Panel `q` starts at `dst + q*6*kc`; inside it, step p holds the 6 row values at
/// `[p*6 + r]`. Rows past `rows` are zero so that edge tiles can use the full kernel.
func gemmPackA(
    transposed: Bool, a: UnsafePointer<Float>, lda: Int,
    i0: Int, rows: Int, p0: Int, kc: Int, dst: UnsafeMutablePointer<Float>
) {
    var panel = 0
    if transposed {
        // op(A)[i][p] = A[p][i]: depth step p of every full panel is one contiguous run of A's
        // row p. Walking A row by row (not panel by panel) reads each row once, in order; panel by
        // panel revisited all kc rows once per panel, from L2 once kc rows outgrew L1.
        // Rows lie `lda` apart, too far for the hardware prefetcher: the row `ahead` steps on is
        // asked for while this one is copied.
        let fullPanels = rows / gemmMR
        let runFloats = fullPanels &* gemmMR
        let ahead = 4
        var src = a + (p0 &* lda &+ i0)
        for p in 0..<kc {
            if p &+ ahead < kc { zooPrefetchForReading(src + ahead &* lda, runFloats) }
            var o = dst + p &* gemmMR
            var s = src
            for _ in 0..<fullPanels {
                o[0] = s[0]; o[1] = s[1]; o[2] = s[2]
                o[3] = s[3]; o[4] = s[4]; o[5] = s[5]
                o += gemmMR &* kc
                s += gemmMR
            }
            src += lda
        }
        panel = fullPanels &* gemmMR
    }
    while panel < rows {
        let mr = min(gemmMR, rows &- panel)
        let out = dst + panel &* kc
        if transposed {
            // The last, partial panel (rows past `rows` are zero).
            var src = a + (p0 &* lda &+ i0 &+ panel)
            for p in 0..<kc {
                let o = out + p &* gemmMR
                for r in 0..<gemmMR { o[r] = r < mr ? src[r] : 0 }
                src += lda
            }
        } else {
            // op(A)[i][p] = A[i][p]: six rows read in step, interleaved into the panel.
            let base = a + ((i0 &+ panel) &* lda &+ p0)
            if mr == gemmMR {
                let r0 = base, r1 = base + lda, r2 = base + 2 &* lda
                let r3 = base + 3 &* lda, r4 = base + 4 &* lda, r5 = base + 5 &* lda
                for p in 0..<kc {
                    let o = out + p &* gemmMR
                    o[0] = r0[p]; o[1] = r1[p]; o[2] = r2[p]
                    o[3] = r3[p]; o[4] = r4[p]; o[5] = r5[p]
                }
            } else {
                for p in 0..<kc {
                    let o = out + p &* gemmMR
                    for r in 0..<gemmMR { o[r] = r < mr ? base[r &* lda &+ p] : 0 }
                }
            }
        }
        panel &+= gemmMR
    }
}

/// Packs 16-column panels `panelStart ..< panelEnd` of the block of op(B) with columns
/// `j0 ..< j0+cols` and depth `p0 ..< p0+kc`.
///
/// Panel `q` goes to `dst + (q - panelStart)*16*kc` (64-byte aligned when `dst` is, whatever kc,
/// since a panel is 64 bytes per step); step p holds 16 column values at `[p*16 + j]`.
/// Columns past `cols` are zero.
func gemmPackB(
    transposed: Bool, b: UnsafePointer<Float>, ldb: Int,
    j0: Int, cols: Int, p0: Int, kc: Int,
    panelStart: Int, panelEnd: Int, dst: UnsafeMutablePointer<Float>
) {
    var firstPanel = panelStart
    if !transposed {
        // op(B)[p][j] = B[p][j]: step p of every full panel is 16 floats of B's row p. Walking B
        // row by row reads each row once, in order (a stream the hardware prefetcher follows);
        // panel by panel walked down kc rows `ldb` apart for every 16 columns.
        let fullEnd = max(panelStart, min(panelEnd, cols / gemmNR))
        var src = b + (p0 &* ldb &+ j0 &+ panelStart &* gemmNR)
        for p in 0..<kc {
            var o = UnsafeMutableRawPointer(dst + p &* gemmNR)
            var s = UnsafeRawPointer(src)
            for _ in panelStart..<fullEnd {
                o.storeBytes(of: s.loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
                o.storeBytes(
                    of: s.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self),
                    toByteOffset: 32, as: SIMD8<Float>.self)
                o += gemmNR &* kc &* 4
                s += gemmNR &* 4
            }
            src += ldb
        }
        firstPanel = fullEnd
    }
    for panel in firstPanel..<panelEnd {
        let jp = panel &* gemmNR
        let nr = min(gemmNR, cols &- jp)
        let out = dst + (panel &- panelStart) &* gemmNR &* kc
        if transposed {
            // op(B)[p][j] = B[j][p]: transpose 8 columns x 8 depth steps at a time.
            gemmPackBTransposed(b: b + ((j0 &+ jp) &* ldb &+ p0), ldb: ldb, nr: nr, kc: kc, out: out)
        } else {
            // The last, partial panel (columns past `cols` are zero).
            var src = b + (p0 &* ldb &+ j0 &+ jp)
            for p in 0..<kc {
                let o = out + p &* gemmNR
                for j in 0..<gemmNR { o[j] = j < nr ? src[j] : 0 }
                src += ldb
            }
        }
    }
}

/// One transposed B panel: `nr` source rows (stride `ldb`), each contributing `kc` values,
/// become `kc` steps of 16 values. Full groups of 8 source rows go through 8x8 register
/// transposes (about twice as fast as element copies); the rest is copied or zeroed one by one.
@inline(__always)
private func gemmPackBTransposed(
    b: UnsafePointer<Float>, ldb: Int, nr: Int, kc: Int, out: UnsafeMutablePointer<Float>
) {
    let kc8 = kc & ~7
    var j = 0
    while j &+ 8 <= nr {
        let src = b + j &* ldb
        var p = 0
        while p < kc8 {
            gemmTranspose8x8(src + p, ld: ldb, out + (p &* gemmNR &+ j), ld: gemmNR)
            p &+= 8
        }
        j &+= 8
    }
    // Leftover depth steps of the transposed groups, then the leftover and padding columns.
    for jj in 0..<gemmNR {
        let first = jj < j ? kc8 : 0
        var o = out + (first &* gemmNR &+ jj)
        if jj < nr {
            let src = b + jj &* ldb
            for p in first..<kc {
                o[0] = src[p]
                o += gemmNR
            }
        } else {
            for _ in first..<kc {
                o[0] = 0
                o += gemmNR
            }
        }
    }
}

/// dst[c][r] = src[r][c] for an 8x8 block. Each line builds a vector from lanes of two others,
/// which LLVM turns into unpack/shuffle/lane-permute instructions (Swift has no shuffle API).
@inline(__always)
func gemmTranspose8x8(_ src: UnsafePointer<Float>, ld: Int, _ dst: UnsafeMutablePointer<Float>, ld ldd: Int) {
    typealias V = SIMD8<Float>
    let s = UnsafeRawPointer(src)
    let r0 = s.loadUnaligned(as: V.self), r1 = s.loadUnaligned(fromByteOffset: ld &* 4, as: V.self)
    let r2 = s.loadUnaligned(fromByteOffset: ld &* 8, as: V.self)
    let r3 = s.loadUnaligned(fromByteOffset: ld &* 12, as: V.self)
    let r4 = s.loadUnaligned(fromByteOffset: ld &* 16, as: V.self)
    let r5 = s.loadUnaligned(fromByteOffset: ld &* 20, as: V.self)
    let r6 = s.loadUnaligned(fromByteOffset: ld &* 24, as: V.self)
    let r7 = s.loadUnaligned(fromByteOffset: ld &* 28, as: V.self)
    // Interleave row pairs, then pairs of pairs, within each 128-bit half.
    @inline(__always) func unpackLo(_ a: V, _ b: V) -> V { V(a[0], b[0], a[1], b[1], a[4], b[4], a[5], b[5]) }
    @inline(__always) func unpackHi(_ a: V, _ b: V) -> V { V(a[2], b[2], a[3], b[3], a[6], b[6], a[7], b[7]) }
    @inline(__always) func pairLo(_ a: V, _ b: V) -> V { V(a[0], a[1], b[0], b[1], a[4], a[5], b[4], b[5]) }
    @inline(__always) func pairHi(_ a: V, _ b: V) -> V { V(a[2], a[3], b[2], b[3], a[6], a[7], b[6], b[7]) }
    @inline(__always) func halvesLo(_ a: V, _ b: V) -> V { V(a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]) }
    @inline(__always) func halvesHi(_ a: V, _ b: V) -> V { V(a[4], a[5], a[6], a[7], b[4], b[5], b[6], b[7]) }
    let t0 = unpackLo(r0, r1), t1 = unpackHi(r0, r1), t2 = unpackLo(r2, r3), t3 = unpackHi(r2, r3)
    let t4 = unpackLo(r4, r5), t5 = unpackHi(r4, r5), t6 = unpackLo(r6, r7), t7 = unpackHi(r6, r7)
    let u0 = pairLo(t0, t2), u1 = pairHi(t0, t2), u2 = pairLo(t1, t3), u3 = pairHi(t1, t3)
    let u4 = pairLo(t4, t6), u5 = pairHi(t4, t6), u6 = pairLo(t5, t7), u7 = pairHi(t5, t7)
    let d = UnsafeMutableRawPointer(dst)
    let step = ldd &* 4
    d.storeBytes(of: halvesLo(u0, u4), as: V.self)
    d.storeBytes(of: halvesLo(u1, u5), toByteOffset: step, as: V.self)
    d.storeBytes(of: halvesLo(u2, u6), toByteOffset: 2 &* step, as: V.self)
    d.storeBytes(of: halvesLo(u3, u7), toByteOffset: 3 &* step, as: V.self)
    d.storeBytes(of: halvesHi(u0, u4), toByteOffset: 4 &* step, as: V.self)
    d.storeBytes(of: halvesHi(u1, u5), toByteOffset: 5 &* step, as: V.self)
    d.storeBytes(of: halvesHi(u2, u6), toByteOffset: 6 &* step, as: V.self)
    d.storeBytes(of: halvesHi(u3, u7), toByteOffset: 7 &* step, as: V.self)
}
