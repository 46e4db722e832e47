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
    /// `min(count, currentThreads) - 1` helper threads (see `HelperPool`); inline when count is 1.
    ///
    /// Iterations are claimed one at a time, and the caller claims too: a worker that starts late
    /// (a busy machine) just finds less to do, and the call returns as soon as every iteration is
    /// done, without waiting for workers that never got a core. Helpers stay awake for a moment
    /// after a call (`ZOO_SPIN_US`, default 1000 us) so that the next call finds them running.
    /// Measured on a 2-vCPU VM: `DispatchQueue.concurrentPerform` started its second thread
    /// ~50 us late when idle and often not at all when the other vCPU was busy; waking a parked
    /// thread costs ~30 us; a spinning one joins in about a microsecond.
    public static func parallelFor(_ count: Int, _ body: (Int) -> Void) {
        parallelFor(count, threads: currentThreads, body)
    }

    /// Within `withThreads(_:_:)`, the thread count that replaces `maxThreads` for kernels and
    /// element-wise ops on this task (or thread). Helper threads do not see it: an op nested in a
    /// parallel body uses `maxThreads` (a matter of speed only, never of results).
    @TaskLocal static var scopedThreads: Int?

    /// The thread count kernels use now: `maxThreads`, unless a `withThreads` scope says otherwise.
    public static var currentThreads: Int { max(1, scopedThreads ?? maxThreads) }

    /// Runs `body` with kernels and element-wise ops using at most `threads` threads, without
    /// touching the process-wide `maxThreads` (other tasks keep theirs). Every op gives the same
    /// bits at any thread count; this changes only speed.
    public static func withThreads<T>(_ threads: Int, _ body: () throws -> T) rethrows -> T {
        try $scopedThreads.withValue(max(1, threads), operation: body)
    }

    /// Runs `body` over contiguous chunks covering `0..<count`, in parallel on `currentThreads`
    /// when there is enough work: split only when `count` is at least twice `grain`, into at most
    /// `count / grain` chunks of equal size but the last (an element-wise op pays for waking a
    /// helper only above some tens of microseconds of work), at most four per thread so
    /// that a late helper leaves its share to the caller, boundaries at multiples of `alignment`
    /// (SIMD lanes see the same groups of elements as in one pass). Each item belongs to exactly
    /// one chunk, so an op whose items are independent gives the same bits at any thread count.
    static func parallelChunks(_ count: Int, grain: Int, alignment: Int = 16, _ body: (Range<Int>) -> Void) {
        // Small counts (most calls) return before the task-local lookup in `currentThreads`.
        let threads = count < 2 &* grain ? 1 : currentThreads
        let chunks = threads > 1 ? min(4 &* threads, count / Swift.max(grain, 1)) : 1
        if chunks <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        let size = (count + chunks - 1) / chunks
        let aligned = (size + alignment - 1) / alignment * alignment
        let pieces = (count + aligned - 1) / aligned
        parallelFor(pieces, threads: threads) { piece in
            let start = piece &* aligned
            body(start..<Swift.min(count, start &+ aligned))
        }
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

/// The kernels' helper threads: started on first need, never more than the largest number of
/// helpers one call has asked for nor more than the cores less one, and kept for the life of
/// the process. After helping, a
/// helper polls for new jobs for a while (`ZOO_SPIN_US`, default 1000 us), reading one atomic
/// counter and yielding the core on every round, then parks on a condition until the next post.
///
/// Why not Dispatch: helper blocks posted to the global queue each time the helpers had gone
/// idle sometimes started only tens of milliseconds later (a scheduler trace showed a 33 ms
/// sample of 2-thread 256^3 products run by the caller alone, with the other vCPU idle), and
/// counting Dispatch blocks approximately had let extra pollers pile up (three for one-helper
/// jobs). A parked thread here is woken by a condition signal, with no thread-pool policy between.
final class HelperPool: @unchecked Sendable {
    static let shared = HelperPool()

    private let lock = SpinLock()
    private var pending: [ParallelJob] = []
    /// Helper threads started (each runs `helperLoop` forever).
    private var started = 0
    /// The most helpers one `post` has asked for (after the limit).
    private var largestRequest = 0
    /// Bumped by every `post`, so that polling helpers notice new work without the lock.
    private let posts = Atomic<Int>(0)
    /// Helpers parked (or about to park) on `wakeUp`.
    private let parked = Atomic<Int>(0)
    private let wakeUp = NSCondition()
    private let spinNanoseconds: UInt64 = {
        let text = ProcessInfo.processInfo.environment["ZOO_SPIN_US"]
        guard let text else { return 1_000_000 }
        // Polling longer than a second only burns cores; a value that is no number of
        // microseconds up to that is refused aloud and the default kept.
        guard let us = UInt64(text), us <= 1_000_000 else {
            FileHandle.standardError.write(Data("zoo: ZOO_SPIN_US=\(text) is not a number of microseconds from 0 to 1000000; using 1000\n".utf8))
            return 1_000_000
        }
        return us * 1000
    }()

    /// More helpers than cores would only take turns with the threads doing the work (a call
    /// asking for 16 threads on 2 vCPUs would otherwise leave 15 helpers polling after every
    /// job); the caller always takes part, so a job never depends on a helper starting.
    private let helperLimit = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)

    fileprivate func post(_ job: ParallelJob, helpers requested: Int) {
        let helpers = min(requested, helperLimit)
        lock.lock()
        pending.append(job)
        // Started helpers are polling, parked or busy with another caller's job; either way
        // they look at this one next. Start only the missing ones.
        let missing = max(0, helpers - started)
        started += missing
        largestRequest = max(largestRequest, helpers)
        lock.unlock()
        // Sequentially consistent with `parked` in `park()`: either the helper sees this post
        // before it sleeps, or this sees it parked and signals.
        posts.wrappingAdd(1, ordering: .sequentiallyConsistent)
        if parked.load(ordering: .sequentiallyConsistent) > 0 {
            wakeUp.lock()
            wakeUp.broadcast()
            wakeUp.unlock()
        }
        for _ in 0..<missing {
            let thread = Thread { [unowned self] in self.helperLoop() }
            thread.name = "zoo-helper"
            thread.start()
        }
    }

    /// Helper threads started so far, and the most one call has asked for (for tests).
    var helperThreads: (started: Int, largestRequest: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (started, largestRequest)
    }

    /// Helper threads parked on the condition right now (for tests).
    var parkedHelpers: Int { parked.load(ordering: .sequentiallyConsistent) }

    /// Called by the job's owner once it is complete.
    fileprivate func retire(_ job: ParallelJob) {
        lock.lock()
        pending.removeAll { $0 === job }
        lock.unlock()
    }

    private func helperLoop() {
        while true {
            // Read the post count before looking: a job posted after the look changes it.
            let seen = posts.load(ordering: .sequentiallyConsistent)
            if let job = nextJob() {
                job.participate()
                continue
            }
            let start = DispatchTime.now().uptimeNanoseconds
            while posts.load(ordering: .acquiring) == seen {
                if DispatchTime.now().uptimeNanoseconds &- start > spinNanoseconds {
                    park(seen: seen)
                    break
                }
                sched_yield()
            }
        }
    }

    /// Sleeps until a post after `seen`.
    private func park(seen: Int) {
        wakeUp.lock()
        parked.wrappingAdd(1, ordering: .sequentiallyConsistent)
        while posts.load(ordering: .sequentiallyConsistent) == seen {
            wakeUp.wait()
        }
        parked.wrappingSubtract(1, ordering: .sequentiallyConsistent)
        wakeUp.unlock()
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

extension Tensor {
    /// The smallest chunk of elements worth handing to another thread: 32K floats (128 KB) take
    /// some tens of microseconds, against about a microsecond to hand a chunk to a helper that is
    /// polling and ~30 us to wake a parked one. Ops below twice this stay on one thread.
    static let elementwiseGrain = 32_768

    /// `Threading.parallelChunks` over `count` independent elements (chunks of whole 16-element
    /// groups), for ops that write each output element once.
    static func parallelElements(_ count: Int, _ body: (Range<Int>) -> Void) {
        Threading.parallelChunks(count, grain: elementwiseGrain, body)
    }

    /// `Threading.parallelChunks` over `count` independent rows (or lines, or columns) of
    /// `rowLength` elements each, chunk boundaries at multiples of `alignment` rows.
    static func parallelRows(_ count: Int, rowLength: Int, alignment: Int = 1, _ body: (Range<Int>) -> Void) {
        Threading.parallelChunks(
            count, grain: Swift.max(1, elementwiseGrain / Swift.max(rowLength, 1)), alignment: alignment, body)
    }
}
