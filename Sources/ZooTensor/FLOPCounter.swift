// Counting the arithmetic a block of code does: every matrix product and convolution goes
// through GEMM, which reports 2·m·n·k floating-point operations to the counter of the calling
// task. Element-wise work (softmax, layer norm, activations) is not counted, as fvcore and
// ptflops leave it out too; for transformers it is a few percent.
import Foundation

/// Floating-point operations of matrix products and convolutions done inside `count { }`.
public enum FLOPCounter {
    /// The running total of the innermost `count` (nil outside one).
    final class Total: @unchecked Sendable {
        var flops: Double = 0
        let lock = NSLock()
        func add(_ value: Double) { lock.lock(); flops += value; lock.unlock() }
    }

    @TaskLocal static var current: Total?

    /// Runs `body` and returns its result with the FLOPs its matrix products and convolutions did
    /// on this task (products it starts on worker threads are counted by the caller, once).
    public static func count<R>(_ body: () throws -> R) rethrows -> (result: R, flops: Double) {
        let total = Total()
        let result = try $current.withValue(total) { try body() }
        return (result, total.flops)
    }

    @inline(__always)
    static func record(_ flops: Double) {
        if let total = current { total.add(flops) }
    }
}
