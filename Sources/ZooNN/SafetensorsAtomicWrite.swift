// Crash-safe file replacement used by `SafetensorsWriter.write(to:)`.
//
// Why not `Data.write(options: .atomic)`: it needs the whole file in one `Data` (a second copy of
// a large checkpoint) and does not fsync before renaming, so a power loss can leave an empty file.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `chunks`, concatenated in order, to `url` via a temporary sibling that is synced and then
/// renamed into place.
///
/// On any failure the temporary file is removed and `url` is untouched.
func safetensorsAtomicWrite(to url: URL, chunks: [[UInt8]]) throws(SafetensorsError) {
    try safetensorsAtomicWrite(to: url, count: chunks.count) { chunks[$0] }
}

/// Writes chunk 0, 1, … `count - 1`, each made by `chunk` only when it is its turn (so a large file
/// streams through a bounded buffer), atomically as above.
func safetensorsAtomicWrite(to url: URL, count: Int, chunk makeChunk: (Int) throws(SafetensorsError) -> [UInt8]) throws(SafetensorsError) {
    guard url.isFileURL else {
        throw .writeFailed(path: url.absoluteString, reason: "only file URLs can be written")
    }
    let path = url.path
    let directory = url.deletingLastPathComponent().path
    // Same directory, so the final rename stays on one file system and is atomic; the leading dot
    // and random suffix keep it out of globs and avoid clashes between concurrent writers.
    let temporary = directory + "/." + url.lastPathComponent + ".tmp-" + UUID().uuidString

    func failure(_ step: String) -> SafetensorsError {
        .writeFailed(path: path, reason: "\(step) failed (\(String(cString: strerror(errno))))")
    }

    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw failure("creating the temporary file \(temporary)") }
    var isOpen = true
    var finished = false
    defer {
        if isOpen { close(descriptor) }
        if !finished { unlink(temporary) }
    }

    for index in 0..<count {
        let chunk = try makeChunk(index)
        // withUnsafeBytes cannot throw a typed error, so report success as a flag.
        let complete = chunk.withUnsafeBytes { raw -> Bool in
            guard var cursor = raw.baseAddress else { return true }
            var remaining = raw.count
            while remaining > 0 {
                // write(2) may write less than asked (or be interrupted); loop until the chunk is out.
                let written = Foundation.write(descriptor, cursor, remaining)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                cursor += written
                remaining -= written
            }
            return true
        }
        guard complete else { throw failure("writing") }
    }
    guard fsync(descriptor) == 0 else { throw failure("syncing") }
    isOpen = false
    guard close(descriptor) == 0 else { throw failure("closing") }
    guard rename(temporary, path) == 0 else { throw failure("renaming the temporary file into place") }
    finished = true

    // Make the rename itself durable; failure here does not undo a completed write, so it is ignored.
    let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if directoryDescriptor >= 0 {
        _ = fsync(directoryDescriptor)
        close(directoryDescriptor)
    }
}
