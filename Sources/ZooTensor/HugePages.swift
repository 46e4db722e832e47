// Large buffers on 2 MiB pages. A scan over a matrix of tens of megabytes or more (a search over an
// index, a GEMM operand) touches a new 4 KiB page every 1,024 floats; with transparent huge pages
// in "madvise" mode (the default of many distributions) only memory that asks for them gets 2 MiB
// pages, which cuts the page walks of such a scan 512-fold. numpy asks for them for every array of
// 4 MiB or more (`numpy/core/src/multiarray/alloc.c`); the zoo does the same. Where the kernel
// has no transparent huge pages, the request is refused and nothing changes. Which pages hold the
// values never changes the values: results are the same bits either way.
#if canImport(Glibc)
import Glibc
#endif

enum HugePages {
    /// Buffers of at least this many bytes ask for huge pages (numpy's threshold).
    static let threshold = 4 << 20

    /// Asks for huge pages for the whole 4 KiB pages of `pointer ..< pointer + byteCount`. Best
    /// done before the memory is first written: pages are then huge from the first touch.
    static func advise(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        #if os(Linux)
        let page = 4096
        let start = (Int(bitPattern: pointer) + page - 1) / page * page
        let end = (Int(bitPattern: pointer) + byteCount) / page * page
        guard end > start, let address = UnsafeMutableRawPointer(bitPattern: start) else { return }
        // A refusal (a kernel without transparent huge pages) only leaves the default pages.
        _ = madvise(address, end - start, MADV_HUGEPAGE)
        #endif
    }
}
