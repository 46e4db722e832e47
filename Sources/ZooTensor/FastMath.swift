// Vectorised exp, the cost centre of softmax, sigmoid, tanh and GELU.
// Foundation's exp runs at ~0.25 Gelem/s here; this Cephes-style SIMD8 version at ~2 Gelem/s
// with ≤ 2 ulp error over the float range (measured, PERF.md).

enum FastMath {
    /// e^x for eight lanes: x = n ln2 + r with |r| ≤ ln2/2, e^r by a degree-6 polynomial,
    /// 2^n by building the exponent bits. Inputs above 88.376 are clamped so the result stays
    /// finite; below −87.337 (where e^x would be subnormal) the result is exactly 0. That matters
    /// for speed as much as for -inf: a masked softmax entry of FLT_MIN divided by its row sum is
    /// subnormal, and every product that later reads subnormals runs ~100× slower on x86 (the
    /// causal text mask made CLIP's backward GEMMs run at 1–2 GFLOP/s).
    @inline(__always)
    static func exp(_ input: SIMD8<Float>) -> SIMD8<Float> {
        var x = input
        let underflows = x .< -87.33654
        x.replace(with: SIMD8(repeating: 88.37626), where: x .> 88.37626)
        x.replace(with: SIMD8(repeating: -87.33654), where: underflows)
        // n = round(x / ln2) through the 1.5·2^23 trick (pointwise rounding calls are slow).
        let magic = SIMD8<Float>(repeating: 12_582_912)
        let shifted = x * SIMD8(repeating: 1.442_695_04) + magic
        let n = shifted - magic
        // The low mantissa bits of `shifted` hold n as an integer: no float-to-int conversion.
        let nInt = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        // r = x - n·ln2 in two steps to keep precision.
        var r = x - n * SIMD8(repeating: 0.693_359_375)
        r = r - n * SIMD8(repeating: -2.121_944_4e-4)
        var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
        p = p * r + SIMD8(repeating: 1.398_199_95e-3)
        p = p * r + SIMD8(repeating: 8.333_451_9e-3)
        p = p * r + SIMD8(repeating: 4.166_579_6e-2)
        p = p * r + SIMD8(repeating: 1.666_666_55e-1)
        p = p * r + SIMD8(repeating: 5e-1)
        let r2 = r * r
        let expR = p * r2 + r + SIMD8(repeating: 1)
        // 2^n: (n + 127) << 23 as float bits. n is in [-126, 128]: handle 128 by splitting.
        let half = nInt &>> 1
        let scaleA = unsafeBitCast((half &+ 127) &<< 23, to: SIMD8<Float>.self)
        let scaleB = unsafeBitCast((nInt &- half &+ 127) &<< 23, to: SIMD8<Float>.self)
        return (expR * scaleA * scaleB).replacing(with: 0, where: underflows)
    }

    /// e^x over a buffer, SIMD8 body and scalar tail through the same polynomial.
    static func exp(_ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        let raw = UnsafeRawPointer(source), out = UnsafeMutableRawPointer(destination)
        while i &+ 8 <= count {
            let v = raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
            out.storeBytes(of: exp(v), toByteOffset: i &* 4, as: SIMD8<Float>.self)
            i &+= 8
        }
        if i < count {
            var tail = SIMD8<Float>(repeating: 0)
            for j in 0..<(count - i) { tail[j] = source[i + j] }
            let result = exp(tail)
            for j in 0..<(count - i) { destination[i + j] = result[j] }
        }
    }

    /// Scalar e^x with the same accuracy as the vector path.
    @inline(__always)
    static func exp(_ x: Float) -> Float { exp(SIMD8<Float>(repeating: x))[0] }
}
