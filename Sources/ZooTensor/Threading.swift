import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How many threads the kernels may use. Defaults to the number of active processors;
/// `ZOO_NUM_THREADS` in the environment overrides it, and benchmarks set it explicitly.
public enum Threading {
    nonisolated(unsafe) public static var maxThreads: Int = {
        if let value = ProcessInfo.processInfo.environment["ZOO_NUM_THREADS"], let n = Int(value), n > 0 {
            return n
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Runs `body(i)` for `i in 0..<count`, each exactly once, on the calling thread plus up to
    /// `min(count, maxThreads) - 1` Dispatch workers; inline when count is 1.
    ///
    /// Iterations are claimed one at a time from a shared counter, and the caller claims too, so
    /// a worker that starts late (a busy machine) just finds less to do, and the call returns as
    /// soon as every iteration is done, without waiting for helpers that never got a core.
    /// (`DispatchQueue.concurrentPerform` was measured to start its second thread ~50 us late on
    /// an idle 2-vCPU VM, and often not at all while the other vCPU was busy.)
    public static func parallelFor(_ count: Int, _ body: (Int) -> Void) {
        if count <= 1 {
            if count == 1 { body(0) }
            return
        }
        let helpers = min(count, max(1, maxThreads)) - 1
        if helpers == 0 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            let job = ParallelJob(count: count, body: escapable)
            let queue = DispatchQueue.global(qos: .userInitiated)
            for _ in 0..<helpers {
                queue.async { job.participate() }
            }
            job.participate()
            job.waitAndRelease()
        }
    }
}

/// The shared state of one `parallelFor` call. Helpers hold this object, never the body
/// directly: the body is only reachable while an iteration is claimed, and the caller clears it
/// once every iteration is done and no helper is inside one, so a late helper touches only the
/// counters (and `withoutActuallyEscaping` sees the body released in time).
private final class ParallelJob: @unchecked Sendable {
    private let lock = NSLock()
    private let count: Int
    private var next = 0
    private var completed = 0
    private var body: ((Int) -> Void)?

    init(count: Int, body: @escaping (Int) -> Void) {
        self.count = count
        self.body = body
    }

    /// Claims and runs iterations until none are left.
    func participate() {
        while runOne() {
            lock.lock()
            completed &+= 1
            lock.unlock()
        }
    }

    /// Claims one iteration and runs it; false when none is left. A separate function so that
    /// its reference to the body is released before the iteration is counted as completed.
    @inline(never)
    private func runOne() -> Bool {
        lock.lock()
        guard next < count, let work = body else {
            lock.unlock()
            return false
        }
        let index = next
        next &+= 1
        lock.unlock()
        work(index)
        return true
    }

    /// Waits until every claimed iteration is complete (spinning, yielding the core: what is
    /// left is running on another thread), then drops the body.
    func waitAndRelease() {
        while true {
            lock.lock()
            if completed == count {
                body = nil
                lock.unlock()
                return
            }
            lock.unlock()
            sched_yield()
        }
    }
}

/// Carries a non-Sendable value (a pointer, a closure) into a concurrent region whose
/// iterations touch disjoint memory. The caller guarantees the absence of races.
public struct UncheckedSendable<Value>: @unchecked Sendable {
    public let value: Value
    public init(_ value: Value) { self.value = value }
}
