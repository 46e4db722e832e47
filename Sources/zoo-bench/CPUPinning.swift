// One-thread comparisons on a shared VM: pin both sides to the same CPU.
//
// On this project's 2-vCPU machine kind, one vCPU can run a single-threaded GEMM at about two
// thirds of the other's speed for seconds at a time (512^3 NN, zoo alone: 97 or 150 GFLOP/s by
// run, pinned to either CPU). The scheduler keeps a thread where it last ran, so in a one-thread
// run the zoo and the numpy helper often sat on different vCPUs and one side was slow for the
// whole run: ratios 0.63-1.39 over twelve runs of 512^3 NN. With both pinned to one CPU they
// take turns on the same core (each waits on a pipe while the other measures): six runs read
// 0.97-1.01 with the whole benchmark under `taskset`, and 0.91-1.01 with this code.

import Foundation
import ZooTensor

#if canImport(Glibc)
import Glibc
#endif

/// Pins the calling thread to one CPU for a while and puts its old CPU set back afterwards.
/// Linux only; elsewhere (or when the calls fail) it does nothing and says so once.
enum CPUPinning {
    /// The CPU the calling thread runs on now, or nil where that cannot be asked.
    static func currentCPU() -> Int? {
        guard let getCPU = functions?.getCPU else { return nil }
        let cpu = getCPU()
        return cpu >= 0 ? Int(cpu) : nil
    }

    /// Runs `body` with the calling thread pinned to `cpu` (unpinned when `cpu` is nil), and
    /// with `Threading.withThreads(1)` when pinned: a helper thread started in here would inherit
    /// the one-CPU set for the rest of the process (the restore below fixes only this thread).
    static func whilePinned<T>(to cpu: Int?, _ body: () -> T) -> T {
        guard let cpu, let functions, cpu >= 0, cpu < 64 * setWords else { return body() }
        var old = [UInt64](repeating: 0, count: setWords)
        let bytes = 8 * setWords
        guard old.withUnsafeMutableBytes({ functions.getAffinity(0, bytes, $0.baseAddress!) }) == 0 else {
            warnOnce("cannot read this thread's CPU set (errno \(errno)); one-thread samples not pinned")
            return body()
        }
        var pinned = [UInt64](repeating: 0, count: setWords)
        pinned[cpu / 64] = 1 << UInt64(cpu % 64)
        guard pinned.withUnsafeMutableBytes({ functions.setAffinity(0, bytes, $0.baseAddress!) }) == 0 else {
            warnOnce("cannot pin to CPU \(cpu) (errno \(errno)); one-thread samples not pinned")
            return body()
        }
        defer { _ = old.withUnsafeMutableBytes { functions.setAffinity(0, bytes, $0.baseAddress!) } }
        return Threading.withThreads(1, body)
    }

    /// A glibc cpu_set_t: 1024 bits.
    private static let setWords = 16

    private typealias GetCPU = @convention(c) () -> Int32
    private typealias Affinity = @convention(c) (Int32, Int, UnsafeMutableRawPointer) -> Int32

    /// glibc's sched_getcpu, sched_getaffinity and sched_setaffinity, looked up at run time: the
    /// Glibc module does not export them (they are GNU extensions, behind _GNU_SOURCE).
    private static let functions: (getCPU: GetCPU, getAffinity: Affinity, setAffinity: Affinity)? = {
        #if os(Linux)
        guard let handle = dlopen(nil, RTLD_NOW),
            let getCPU = dlsym(handle, "sched_getcpu"),
            let getAffinity = dlsym(handle, "sched_getaffinity"),
            let setAffinity = dlsym(handle, "sched_setaffinity")
        else { return nil }
        return (
            unsafeBitCast(getCPU, to: GetCPU.self), unsafeBitCast(getAffinity, to: Affinity.self),
            unsafeBitCast(setAffinity, to: Affinity.self)
        )
        #else
        return nil
        #endif
    }()

    nonisolated(unsafe) private static var warned = false

    private static func warnOnce(_ message: String) {
        if !warned { log("zoo-bench: " + message) }
        warned = true
    }
}
