import Foundation

// Packing buffers for GEMM. A fresh multi-megabyte allocation per call would be mmap'd and
// page-faulted every time (about 5% of a 512^3 product), so calls borrow 64-byte-aligned
// buffers from a small process-wide pool and give them back. The pool is locked, so any number
// of threads may run GEMMs at once; each call owns its buffer exclusively while it runs.

/// A 64-byte-aligned float buffer borrowed from `GEMMWorkspacePool`.
struct GEMMWorkspace {
    let base: UnsafeMutablePointer<Float>
    let capacity: Int  // in floats
}

final class GEMMWorkspacePool: @unchecked Sendable {
    static let shared = GEMMWorkspacePool()

    /// Buffers kept for reuse; more than this many idle buffers are freed instead.
    private let maxIdle = 8
    private let lock = SpinLock()
    private var idle: [GEMMWorkspace] = []

    private init() { idle.reserveCapacity(maxIdle) }

    /// A buffer of at least `floats` floats: the smallest idle one that fits, else a new one.
    func acquire(floats: Int) -> GEMMWorkspace {
        lock.lock()
        var best = -1
        for i in idle.indices where idle[i].capacity >= floats {
            if best < 0 || idle[i].capacity < idle[best].capacity { best = i }
        }
        if best >= 0 {
            let w = idle.remove(at: best)
            lock.unlock()
            return w
        }
        lock.unlock()
        // Round up so that slightly different shapes reuse the same buffer.
        let capacity = max(4096, (floats + 4095) & ~4095)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: capacity * 4, alignment: 64)
        return GEMMWorkspace(base: raw.bindMemory(to: Float.self, capacity: capacity), capacity: capacity)
    }

    /// Returns a buffer; when the pool is full the smallest buffer is freed.
    func release(_ w: GEMMWorkspace) {
        lock.lock()
        var victim: GEMMWorkspace? = w
        if idle.count < maxIdle {
            idle.append(w)
            victim = nil
        } else if let i = idle.indices.min(by: { idle[$0].capacity < idle[$1].capacity }),
            idle[i].capacity < w.capacity
        {
            victim = idle[i]
            idle[i] = w
        }
        lock.unlock()
        victim?.base.deallocate()
    }
}

/// Rounds `x` up to a multiple of `m` (m > 0).
@inline(__always)
func gemmRoundUp(_ x: Int, _ m: Int) -> Int { (x &+ m &- 1) / m &* m }

/// Ceiling division for non-negative `x` and positive `d`.
@inline(__always)
func gemmCeilDiv(_ x: Int, _ d: Int) -> Int { (x &+ d &- 1) / d }
