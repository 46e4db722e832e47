// Large, long-lived buffers that are scanned again and again (a search index's vectors) on 2 MiB
// pages. A scan touches a new 4 KiB page every 1,024 floats; with transparent huge pages in
// "madvise" mode (the default of many distributions) only memory that asks for them gets 2 MiB
// pages, which cuts the page walks of such a scan 512-fold. numpy asks for them for every array of
// 4 MiB or more (`numpy/_core/src/multiarray/alloc.c`). The zoo asks only for buffers it keeps and
// scans: for a short-lived buffer, the cost of a huge page fault (the kernel may compact memory to
// find one) can exceed the savings, as measured with numpy's own (64 × 100,000) score matrices.
// Where the kernel has no transparent huge pages, the request is refused and nothing changes. Which
// pages hold the values never changes the values.
#if canImport(Glibc)
import Glibc
#endif

/// Asks the kernel for transparent huge pages for large buffers.
public enum HugePages {
    /// Buffers of at least this many bytes ask for huge pages (numpy's threshold).
    public static let threshold = 4 << 20

    /// Asks for huge pages for the whole 4 KiB pages of `pointer ..< pointer + byteCount`, when
    /// `byteCount` is at least `threshold`. Call it before the memory is first written: pages are
    /// then huge from the first touch.
    public static func advise(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        #if os(Linux)
        guard byteCount >= threshold else { return }
        let page = 4096
        let start = (Int(bitPattern: pointer) + page - 1) / page * page
        let end = (Int(bitPattern: pointer) + byteCount) / page * page
        guard end > start, let address = UnsafeMutableRawPointer(bitPattern: start) else { return }
        // A refusal (a kernel without transparent huge pages) only leaves the default pages.
        _ = madvise(address, end - start, MADV_HUGEPAGE)
        #endif
    }
}

extension TensorStorage {
    /// Storage for `count` floats that asks for huge pages (`HugePages.advise`), for a large
    /// tensor that is kept and scanned repeatedly, such as an index's vectors.
    public static func onHugePages(count: Int) -> TensorStorage {
        let storage = TensorStorage(count: count)
        HugePages.advise(storage.pointer, byteCount: count * MemoryLayout<Float>.stride)
        return storage
    }
}
