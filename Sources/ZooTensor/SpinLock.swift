import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A lock that never puts a waiting thread to sleep: it spins, yielding the core between tries.
/// For the kernels' thread pool, where critical sections are a few instructions long.
///
/// Why not `NSLock`: a contended pthread mutex sleeps in the kernel, and the thread that releases
/// it wakes the sleeper, often onto its own core (Linux's wake-affine placement), where it waits
/// until the load balancer moves it. In traces of 300 back-to-back 2-thread 256^3 products on a
/// 2-vCPU machine, the helper joined before the caller had finished in 0 to 56% of them (by
/// run); sleeping locks were one of the causes, with the thread pool's own (see `HelperPool`).
final class SpinLock: @unchecked Sendable {
    private let locked = Atomic<Bool>(false)

    func lock() {
        while true {
            if !locked.load(ordering: .relaxed),
                locked.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
            {
                return
            }
            sched_yield()
        }
    }

    func unlock() {
        locked.store(false, ordering: .releasing)
    }
}
