// Element-wise arithmetic with NumPy broadcasting, and the scalar forms.

/// A binary float function, specialised into each loop so the compiler can vectorise it.
protocol BinaryKernel {
    static func apply(_ a: Float, _ b: Float) -> Float
}

enum AddKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a + b } }
enum SubtractKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a - b } }
enum MultiplyKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a * b } }
enum DivideKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a / b } }
enum MaximumKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a >= b ? a : b } }
enum MinimumKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a <= b ? a : b } }

extension Tensor {
    /// Applies `Kernel` element-wise with broadcasting; no gradient recording.
    static func broadcastApply<Kernel: BinaryKernel>(_ a: Tensor, _ b: Tensor, _: Kernel.Type, op: String) -> Tensor {
        let outputShape = a.shape == b.shape ? a.shape : Broadcasting.shape(a.shape, b.shape, op: op)
        let result = Tensor(uninitializedShape: outputShape)
        let pa = a.storage.pointer, pb = b.storage.pointer, out = result.storage.pointer
        let n = result.count
        // Each output element is written once from its inputs: large outputs are split across
        // threads with the same bits as one pass.
        if a.count == n && b.count == n {
            Tensor.parallelElements(n) { range in
                for i in range { out[i] = Kernel.apply(pa[i], pb[i]) }
            }
        } else if b.count == 1 && a.count == n {
            let scalar = pb[0]
            Tensor.parallelElements(n) { range in
                for i in range { out[i] = Kernel.apply(pa[i], scalar) }
            }
        } else if a.count == 1 && b.count == n {
            let scalar = pa[0]
            Tensor.parallelElements(n) { range in
                for i in range { out[i] = Kernel.apply(scalar, pb[i]) }
            }
        } else {
            let strides = [Broadcasting.strides(of: outputShape, in: outputShape),
                           Broadcasting.strides(of: a.shape, in: outputShape),
                           Broadcasting.strides(of: b.shape, in: outputShape)]
            Broadcasting.forEachRowInParallel(outputShape: outputShape, operandStrides: strides) { offsets, length, inner in
                let o = out + offsets[0], x = pa + offsets[1], y = pb + offsets[2]
                switch (inner[1], inner[2]) {
                case (1, 1): for i in 0..<length { o[i] = Kernel.apply(x[i], y[i]) }
                case (1, 0): let s = y[0]; for i in 0..<length { o[i] = Kernel.apply(x[i], s) }
                case (0, 1): let s = x[0]; for i in 0..<length { o[i] = Kernel.apply(s, y[i]) }
                default:
                    let sx = inner[1], sy = inner[2]
                    for i in 0..<length { o[i] = Kernel.apply(x[i &* sx], y[i &* sy]) }
                }
            }
        }
        return result
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor {
        broadcastApply(a, b, AddKernel.self, op: "add").recorded("add", [a, b]) { g in
            [a.requiresGrad ? g.sum(toShape: a.shape) : nil, b.requiresGrad ? g.sum(toShape: b.shape) : nil]
        }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        broadcastApply(a, b, SubtractKernel.self, op: "subtract").recorded("subtract", [a, b]) { g in
            [a.requiresGrad ? g.sum(toShape: a.shape) : nil, b.requiresGrad ? (-g).sum(toShape: b.shape) : nil]
        }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        broadcastApply(a, b, MultiplyKernel.self, op: "multiply").recorded("multiply", [a, b]) { g in
            [a.requiresGrad ? (g * b).sum(toShape: a.shape) : nil, b.requiresGrad ? (g * a).sum(toShape: b.shape) : nil]
        }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        broadcastApply(a, b, DivideKernel.self, op: "divide").recorded("divide", [a, b]) { g in
            [a.requiresGrad ? (g / b).sum(toShape: a.shape) : nil,
             b.requiresGrad ? (-(g * a) / (b * b)).sum(toShape: b.shape) : nil]
        }
    }

    /// Element-wise maximum; the gradient goes to `a` where a ≥ b, else to `b`.
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
        broadcastApply(a, b, MaximumKernel.self, op: "maximum").recorded("maximum", [a, b]) { g in
            let takeA = broadcastApply(a, b, GreaterOrEqualKernel.self, op: "maximum")
            return [a.requiresGrad ? (g * takeA).sum(toShape: a.shape) : nil,
                    b.requiresGrad ? (g * (1 - takeA)).sum(toShape: b.shape) : nil]
        }
    }

    /// Element-wise minimum; the gradient goes to `a` where a ≤ b, else to `b`.
    public static func minimum(_ a: Tensor, _ b: Tensor) -> Tensor {
        broadcastApply(a, b, MinimumKernel.self, op: "minimum").recorded("minimum", [a, b]) { g in
            let takeA = broadcastApply(b, a, GreaterOrEqualKernel.self, op: "minimum")
            return [a.requiresGrad ? (g * takeA).sum(toShape: a.shape) : nil,
                    b.requiresGrad ? (g * (1 - takeA)).sum(toShape: b.shape) : nil]
        }
    }

    public static prefix func - (x: Tensor) -> Tensor { x * -1 }

    // Scalar forms: one fused loop each, no broadcast machinery.

    public static func * (x: Tensor, scalar: Float) -> Tensor {
        x.affine(scale: scalar, shift: 0).recorded("scale", [x]) { g in [g * scalar] }
    }
    public static func * (scalar: Float, x: Tensor) -> Tensor { x * scalar }
    public static func / (x: Tensor, scalar: Float) -> Tensor { x * (1 / scalar) }
    public static func + (x: Tensor, scalar: Float) -> Tensor {
        x.affine(scale: 1, shift: scalar).recorded("shift", [x]) { g in [g] }
    }
    public static func + (scalar: Float, x: Tensor) -> Tensor { x + scalar }
    public static func - (x: Tensor, scalar: Float) -> Tensor { x + (-scalar) }
    public static func - (scalar: Float, x: Tensor) -> Tensor {
        x.affine(scale: -1, shift: scalar).recorded("reverseSubtract", [x]) { g in [g * -1] }
    }
    public static func / (scalar: Float, x: Tensor) -> Tensor { Tensor(scalar: scalar) / x }

    /// `scale * x + shift`, untracked.
    func affine(scale: Float, shift: Float) -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        let source = storage.pointer, destination = result.storage.pointer
        Tensor.parallelElements(count) { range in
            for i in range { destination[i] = source[i] * scale + shift }
        }
        return result
    }
}

enum GreaterOrEqualKernel: BinaryKernel {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a >= b ? 1 : 0 }
}
