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
    /// Iterations are claimed one at a time, and the caller claims too: a worker that starts late
    /// (a busy machine) just finds less to do, and the call returns as soon as every iteration is
    /// done, without waiting for workers that never got a core. Workers stay awake for a moment
    /// after a call (`ZOO_SPIN_US`, default 1000 us) so that the next call finds them running.
    /// Measured on a 2-vCPU VM: `DispatchQueue.concurrentPerform` started its second thread
    /// ~50 us late when idle and often not at all when the other vCPU was busy; waking a parked
    /// thread costs ~30 us; a spinning one joins in about a microsecond.
    public static func parallelFor(_ count: Int, _ body: (Int) -> Void) {
        parallelFor(count, threads: maxThreads, body)
    }

    /// `parallelFor` on up to `threads` threads, whatever `maxThreads` says (GEMM's `threads:`).
    static func parallelFor(_ count: Int, threads: Int, _ body: (Int) -> Void) {
        if count <= 1 {
            if count == 1 { body(0) }
            return
        }
        let helpers = min(count, max(1, threads)) - 1
        if helpers == 0 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            let job = ParallelJob(count: count, body: escapable)
            HelperPool.shared.post(job, helpers: helpers)
            job.participate()
            job.waitAndRelease()
            HelperPool.shared.retire(job)
        }
    }
}

/// The shared state of one `parallelFor` call. Helpers hold this object, never the body
/// directly: the body is only reachable while an iteration is claimed, and the caller clears it
/// once every iteration is done, so a late helper touches only the counters (and
/// `withoutActuallyEscaping` sees the body released in time).
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

    /// Whether iterations are left to claim (a hint: it may change right after).
    var hasWork: Bool {
        lock.lock()
        defer { lock.unlock() }
        return next < count && body != nil
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

/// Helper blocks on the global Dispatch queue. After helping, a block keeps polling for new
/// jobs for a short while before it returns its thread to Dispatch; `post` starts new blocks
/// only for the helpers that no polling block can provide. Polling yields the core on every
/// round, so a busy machine's other processes are not starved.
private final class HelperPool: @unchecked Sendable {
    static let shared = HelperPool()

    private let lock = NSLock()
    private var pending: [ParallelJob] = []
    /// Blocks currently polling for work, not yet counted on by a `post`.
    private var idle = 0
    private let spinNanoseconds: UInt64 = {
        let us = ProcessInfo.processInfo.environment["ZOO_SPIN_US"].flatMap { UInt64($0) } ?? 1000
        return us * 1000
    }()
    private let queue = DispatchQueue.global(qos: .userInitiated)

    func post(_ job: ParallelJob, helpers: Int) {
        lock.lock()
        pending.append(job)
        let reused = min(idle, helpers)
        idle -= reused
        lock.unlock()
        for _ in 0..<(helpers - reused) {
            queue.async { self.helperLoop() }
        }
    }

    /// Called by the job's owner once it is complete.
    func retire(_ job: ParallelJob) {
        lock.lock()
        pending.removeAll { $0 === job }
        lock.unlock()
    }

    private func helperLoop() {
        while true {
            while let job = nextJob() { job.participate() }
            // Poll for the next job; a `post` that counts on this block decrements `idle`.
            lock.lock()
            idle += 1
            lock.unlock()
            let start = DispatchTime.now().uptimeNanoseconds
            var found = false
            while !found {
                lock.lock()
                if pending.contains(where: { $0.hasWork }) {
                    // Work arrived: this block takes part, whether or not the poster counted on it.
                    if idle > 0 { idle -= 1 }
                    found = true
                } else if DispatchTime.now().uptimeNanoseconds &- start > spinNanoseconds {
                    // Time is up: give the thread back. (If a `post` counted on this block and
                    // its job is already done, `idle` is 0 here; the count only steers how many
                    // blocks `post` starts, never correctness: callers always finish their jobs.)
                    if idle > 0 { idle -= 1 }
                    lock.unlock()
                    return
                }
                lock.unlock()
                if !found { sched_yield() }
            }
        }
    }

    private func nextJob() -> ParallelJob? {
        lock.lock()
        defer { lock.unlock() }
        return pending.first { $0.hasWork }
    }
}

/// Carries a non-Sendable value (a pointer, a closure) into a concurrent region whose
/// iterations touch disjoint memory. The caller guarantees the absence of races.
public struct UncheckedSendable<Value>: @unchecked Sendable {
    public let value: Value
    public init(_ value: Value) { self.value = value }
}
