import Dispatch
import Foundation
import Synchronization

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
///
/// The counters are atomics, not a lock: on this 2-vCPU VM a contended `NSLock` put the losing
/// thread to sleep in the kernel, and waking it again took tens of microseconds, the length of a
/// whole 256^3 product (a trace showed the helper joining after the caller had finished).
private final class ParallelJob: @unchecked Sendable {
    private let count: Int
    private let next = Atomic<Int>(0)
    private let completed = Atomic<Int>(0)
    /// Written at creation and once more (to nil) by the caller after every iteration completed;
    /// read only by a thread holding a claimed iteration, which has not completed yet.
    private var body: ((Int) -> Void)?

    init(count: Int, body: @escaping (Int) -> Void) {
        self.count = count
        self.body = body
    }

    /// Whether iterations are left to claim (a hint: it may change right after).
    var hasWork: Bool { next.load(ordering: .relaxed) < count }

    /// Claims and runs iterations until none are left.
    func participate() {
        while runOne() {
            completed.wrappingAdd(1, ordering: .releasing)
        }
    }

    /// Claims one iteration and runs it; false when none is left. A separate function so that
    /// its reference to the body is released before the iteration is counted as completed.
    @inline(never)
    private func runOne() -> Bool {
        let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
        guard index < count, let work = body else { return false }
        work(index)
        return true
    }

    /// Waits until every claimed iteration is complete (spinning, yielding the core: what is
    /// left is running on another thread), then drops the body.
    func waitAndRelease() {
        while completed.load(ordering: .acquiring) != count { sched_yield() }
        body = nil
    }
}

/// Helper blocks on the global Dispatch queue. After helping, a block keeps polling for new
/// jobs for a short while before it returns its thread to Dispatch; `post` starts new blocks
/// only when fewer blocks are alive than the job asks for helpers. Polling reads one atomic
/// counter and yields the core on every round, so a busy machine's other processes are not
/// starved and the lock is taken only when something was posted.
///
/// The number of live blocks is exact (counted under the lock, and a block leaves only after
/// seeing, under the same lock, that no job has work), so a caller asking for one helper never
/// finds three. An earlier version counted idle blocks approximately; the count drifted upward
/// whenever a caller finished a job before the polling helper saw it, and extra pollers piled up
/// (three for one-helper jobs in a 2-vCPU trace), some sharing the caller's core.
final class HelperPool: @unchecked Sendable {
    static let shared = HelperPool()

    private let lock = SpinLock()
    private var pending: [ParallelJob] = []
    /// Blocks started and not yet returned (running a job or polling for one).
    private var live = 0
    /// Bumped by every `post`, so that polling blocks notice new work without the lock.
    private let posts = Atomic<Int>(0)
    private let spinNanoseconds: UInt64 = {
        let us = ProcessInfo.processInfo.environment["ZOO_SPIN_US"].flatMap { UInt64($0) } ?? 1000
        return us * 1000
    }()
    private let queue = DispatchQueue.global(qos: .userInitiated)

    fileprivate func post(_ job: ParallelJob, helpers: Int) {
        lock.lock()
        pending.append(job)
        // Live blocks are polling or busy with another caller's job; either way they look at
        // this one next. Start only the missing ones.
        let missing = max(0, helpers - live)
        live += missing
        posts.wrappingAdd(1, ordering: .releasing)
        lock.unlock()
        for _ in 0..<missing {
            queue.async { self.helperLoop() }
        }
    }

    /// Blocks started and not yet returned, for tests.
    var liveBlocks: Int {
        lock.lock()
        defer { lock.unlock() }
        return live
    }

    /// Called by the job's owner once it is complete.
    fileprivate func retire(_ job: ParallelJob) {
        lock.lock()
        pending.removeAll { $0 === job }
        lock.unlock()
    }

    private func helperLoop() {
        while true {
            // Read the post count before looking: a job posted after the look changes it.
            let seen = posts.load(ordering: .acquiring)
            if let job = nextJob() {
                job.participate()
                continue
            }
            let start = DispatchTime.now().uptimeNanoseconds
            while posts.load(ordering: .acquiring) == seen {
                if DispatchTime.now().uptimeNanoseconds &- start > spinNanoseconds {
                    // Under the lock: a `post` either came before (its work is seen here) or
                    // comes after this decrement (and starts a block of its own).
                    lock.lock()
                    if pending.contains(where: { $0.hasWork }) {
                        lock.unlock()
                        break
                    }
                    live -= 1
                    lock.unlock()
                    return
                }
                sched_yield()
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
