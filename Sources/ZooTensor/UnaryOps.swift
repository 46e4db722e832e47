// Element-wise functions and their derivatives. The transcendental ones run on SIMD8 lanes
// through FastMath.exp; log, sqrt and erf use the C library.
import Foundation

/// A lane-wise function on eight floats, specialised into `mapLanes`.
protocol LaneKernel {
    static func apply(_ x: SIMD8<Float>) -> SIMD8<Float>
}

/// A lane-wise derivative: ∂L/∂x from x, y = f(x) and ∂L/∂y.
protocol LaneGradientKernel {
    static func apply(x: SIMD8<Float>, y: SIMD8<Float>, g: SIMD8<Float>) -> SIMD8<Float>
}

extension Tensor {
    /// f over all elements, eight at a time; the tail is padded with zeros. Large tensors are
    /// split across threads in chunks of whole 16-element groups (same bits at any thread count).
    func mapLanes<Kernel: LaneKernel>(_: Kernel.Type) -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        let source = storage.pointer, destination = result.storage.pointer
        Tensor.parallelElements(count) { range in
            let input = UnsafeRawPointer(source + range.lowerBound)
            let output = UnsafeMutableRawPointer(destination + range.lowerBound)
            let n = range.count
            var i = 0
            while i &+ 8 <= n {
                let v = input.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
                output.storeBytes(of: Kernel.apply(v), toByteOffset: i &* 4, as: SIMD8<Float>.self)
                i &+= 8
            }
            if i < n {
                var tail = SIMD8<Float>(repeating: 0)
                for j in 0..<(n &- i) { tail[j] = input.load(fromByteOffset: (i &+ j) &* 4, as: Float.self) }
                let mapped = Kernel.apply(tail)
                for j in 0..<(n &- i) { output.storeBytes(of: mapped[j], toByteOffset: (i &+ j) &* 4, as: Float.self) }
            }
        }
        return result
    }

    /// ∂L/∂x for a lane-wise function, given the saved input x (self), output y and ∂L/∂y.
    func gradientLanes<Kernel: LaneGradientKernel>(_: Kernel.Type, output: Tensor, outputGradient: Tensor) -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        let px = storage.pointer, py = output.storage.pointer, pg = outputGradient.storage.pointer
        let out = result.storage.pointer
        func load(_ p: UnsafeMutablePointer<Float>, _ at: Int) -> SIMD8<Float> {
            UnsafeRawPointer(p).loadUnaligned(fromByteOffset: at &* 4, as: SIMD8<Float>.self)
        }
        Tensor.parallelElements(count) { range in
            var i = range.lowerBound
            let end = range.upperBound
            while i &+ 8 <= end {
                let value = Kernel.apply(x: load(px, i), y: load(py, i), g: load(pg, i))
                UnsafeMutableRawPointer(out).storeBytes(of: value, toByteOffset: i &* 4, as: SIMD8<Float>.self)
                i &+= 8
            }
            if i < end {
                var x = SIMD8<Float>(repeating: 0), y = x, g = x
                for j in 0..<(end &- i) { x[j] = px[i &+ j]; y[j] = py[i &+ j]; g[j] = pg[i &+ j] }
                let value = Kernel.apply(x: x, y: y, g: g)
                for j in 0..<(end &- i) { out[i &+ j] = value[j] }
            }
        }
        return result
    }

    /// Records a lane-wise op whose derivative is a `LaneGradientKernel`.
    func unary<Forward: LaneKernel, Backward: LaneGradientKernel>(
        _ name: String, _ forward: Forward.Type, _ backward: Backward.Type
    ) -> Tensor {
        let output = mapLanes(forward)
        return output.recorded(name, [self]) { [unowned output] g in
            [self.gradientLanes(backward, output: output, outputGradient: g)]
        }
    }

    public func exp() -> Tensor { unary("exp", ExpKernel.self, ExpGradient.self) }
    public func sigmoid() -> Tensor { unary("sigmoid", SigmoidKernel.self, SigmoidGradient.self) }
    public func tanh() -> Tensor { unary("tanh", TanhKernel.self, TanhGradient.self) }
    public func relu() -> Tensor { unary("relu", ReLUKernel.self, ReLUGradient.self) }
    /// CLIP's activation: x·σ(1.702x).
    public func quickGELU() -> Tensor { unary("quickGELU", QuickGELUKernel.self, QuickGELUGradient.self) }
    /// GELU with the tanh approximation (`approximate="tanh"` in PyTorch).
    public func geluTanh() -> Tensor { unary("geluTanh", GELUTanhKernel.self, GELUTanhGradient.self) }
    public func log() -> Tensor { unary("log", LogKernel.self, LogGradient.self) }
    public func sqrt() -> Tensor { unary("sqrt", SqrtKernel.self, SqrtGradient.self) }
    public func abs() -> Tensor { unary("abs", AbsKernel.self, AbsGradient.self) }
    public func square() -> Tensor { self * self }

    /// Exact GELU, x·Φ(x) with the error function (PyTorch's default `nn.GELU()`).
    public func gelu() -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        let x = storage.pointer, y = result.storage.pointer
        for i in 0..<count { y[i] = 0.5 * x[i] * (1 + Foundation.erf(x[i] * 0.707_106_781)) }
        return result.recorded("gelu", [self]) { g in
            let dx = Tensor(uninitializedShape: self.shape)
            let d = dx.storage.pointer, pg = g.storage.pointer
            for i in 0..<self.count {
                let v = x[i]
                let cdf = 0.5 * (1 + Foundation.erf(v * 0.707_106_781))
                let pdf = 0.398_942_28 * Foundation.exp(-0.5 * v * v)
                d[i] = pg[i] * (cdf + v * pdf)
            }
            return [dx]
        }
    }

    /// x^exponent for a constant exponent.
    public func pow(_ exponent: Float) -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        let x = storage.pointer, y = result.storage.pointer
        for i in 0..<count { y[i] = Foundation.pow(x[i], exponent) }
        return result.recorded("pow", [self]) { g in
            [g * (self.detached().pow(exponent - 1) * exponent)]
        }
    }

    /// Values limited to [low, high]; the gradient is zero where the limit applied.
    public func clamped(min low: Float = -.infinity, max high: Float = .infinity) -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        let x = storage.pointer, y = result.storage.pointer
        for i in 0..<count { y[i] = Swift.min(Swift.max(x[i], low), high) }
        return result.recorded("clamp", [self]) { g in
            let dx = Tensor(uninitializedShape: self.shape)
            let d = dx.storage.pointer, pg = g.storage.pointer
            for i in 0..<self.count { d[i] = (x[i] >= low && x[i] <= high) ? pg[i] : 0 }
            return [dx]
        }
    }
}

enum ExpKernel: LaneKernel { @inline(__always) static func apply(_ x: SIMD8<Float>) -> SIMD8<Float> { FastMath.exp(x) } }
enum ExpGradient: LaneGradientKernel { @inline(__always) static func apply(x: SIMD8<Float>, y: SIMD8<Float>, g: SIMD8<Float>) -> SIMD8<Float> { g * y } }

enum SigmoidKernel: LaneKernel {
    /// Below x = −87.34 the true value is under FLT_MIN: 0, never a subnormal (see `FastMath.exp`).
    @inline(__always) static func apply(_ x: SIMD8<Float>) -> SIMD8<Float> {
        (1 / (1 + FastMath.exp(-x))).replacing(with: 0, where: x .< -87.33654)
    }
}
enum SigmoidGradient: LaneGradientKernel {
    @inline(__always) static func apply(x: SIMD8<Float>, y: SIMD8<Float>, g: SIMD8<Float>) -> SIMD8<Float> { g * y * (1 - y) }
}

enum TanhKernel: LaneKernel {
    /// tanh(x) = 1 − 2/(e^{2x}+1): exact at both tails, accurate to ~2e-7 absolute.
    @inline(__always) static func apply(_ x: SIMD8<Float>) -> SIMD8<Float> { 1 - 2 / (FastMath.exp(2 * x) + 1) }
}
enum TanhGradient: LaneGradientKernel {
    @inline(__always) static func apply(x: SIMD8<Float>, y: SIMD8<Float>, g: SIMD8<Float>) -> SIMD8<Float> { g * (1 - y * y) }
}

enum ReLUKernel: LaneKernel {
    @inline(__always) static func apply(_ x: SIMD8<Float>) -> SIMD8<Float> {
        var y = x
        y.replace(with: 0, where: x .< 0)
        return y
    }
}
enum ReLUGradient: LaneGradientKernel {
    @inline(__always) static func apply(x: SIMD8<Float>, y: SIMD8<Float>, g: SIMD8<Float>) -> SIMD8<Float> {
        var d = g
        d.replace(with: 0, where: x .<= 0)
        return d
    }
}

enum QuickGELUKernel: LaneKernel {
    @inline(__always) static func apply(_ x: SIMD8<Float>) -> SIMD8<Float> { x / (1 + FastMath.exp(-1.702 * x)) }
}
enum QuickGELUGradient: LaneGradientKernel {
    /// d/dx x·σ(ax) = σ(ax) + a·x·σ(ax)(1−σ(ax)).
    @inline(__always) static func apply(x: SIMD8<Float>, y: SIMD8<Float>, g: SIMD8<Float>) -> SIMD8<Float> {
        let s = SigmoidKernel.apply(1.702 * x)
        return g * (s + 1.702 * x * s * (1 - s))
    }
}

enum GELUTanhKernel: LaneKernel {
    @inline(__always) static func apply(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let inner = 0.797_884_56 * (x + 0.044_715 * x * x * x)
        return 0.5 * x * (1 + TanhKernel.apply(inner))
    }
}
enum GELUTanhGradient: LaneGradientKernel {
    @inline(__always) static func apply(x: SIMD8<Float>, y: SIMD8<Float>, g: SIMD8<Float>) -> SIMD8<Float> {
        let inner = 0.797_884_56 * (x + 0.044_715 * x * x * x)
        let t = TanhKernel.apply(inner)
        let dInner = 0.797_884_56 * (1 + 3 * 0.044_715 * x * x)
        return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * dInner)
    }
}

enum LogKernel: LaneKernel {
    @inline(__always) static func apply(_ x: SIMD8<Float>) -> SIMD8<Float> {
        var y = x
        for i in 0..<8 { y[i] = Foundation.log(x[i]) }
        return y
    }
}
enum LogGradient: LaneGradientKernel {
    @inline(__always) static func apply(x: SIMD8<Float>, y: SIMD8<Float>, g: SIMD8<Float>) -> SIMD8<Float> { g / x }
}

enum SqrtKernel: LaneKernel {
    @inline(__always) static func apply(_ x: SIMD8<Float>) -> SIMD8<Float> { x.squareRoot() }
}
enum SqrtGradient: LaneGradientKernel {
    @inline(__always) static func apply(x: SIMD8<Float>, y: SIMD8<Float>, g: SIMD8<Float>) -> SIMD8<Float> { g / (2 * y) }
}

enum AbsKernel: LaneKernel {
    @inline(__always) static func apply(_ x: SIMD8<Float>) -> SIMD8<Float> {
        var y = x
        y.replace(with: -x, where: x .< 0)
        return y
    }
}
enum AbsGradient: LaneGradientKernel {
    @inline(__always) static func apply(x: SIMD8<Float>, y: SIMD8<Float>, g: SIMD8<Float>) -> SIMD8<Float> {
        var d = g
        d.replace(with: -g, where: x .< 0)
        d.replace(with: 0, where: x .== 0)
        return d
    }
}
