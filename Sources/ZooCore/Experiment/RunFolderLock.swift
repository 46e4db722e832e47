// One writer per run folder: two `zoo train` (or `zoo compare`) processes pointed at the same
// folder would interleave their checkpoints and logs. A run holds `run.lock` (its process id)
// while it writes; a second run is refused with the first's pid; a lock left by a process that
// died is taken over.
import Foundation

/// The lock of a run folder, released when the value is released or `release()` is called.
final class RunFolderLock {
    let url: URL
    private var held = true

    /// Takes the lock of `directory` (which must exist), or throws naming the process holding it.
    init(directory: URL) throws {
        url = directory.appendingPathComponent("run.lock")
        let pid = ProcessInfo.processInfo.processIdentifier
        for _ in 0..<2 {
            let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            if descriptor >= 0 {
                let text = "\(pid)\n"
                _ = text.withCString { write(descriptor, $0, strlen($0)) }
                close(descriptor)
                return
            }
            guard errno == EEXIST else {
                throw ExperimentError.unreadable(path: url.path, reason: "cannot create the run lock (\(String(cString: strerror(errno))))")
            }
            // Someone holds it: refuse while that process lives, take over a dead one's lock.
            let owner = (try? String(contentsOf: url, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if let owner, owner != pid, kill(owner, 0) == 0 || errno == EPERM {
                throw ExperimentError.locked(directory: directory.path, pid: Int(owner))
            }
            try? FileManager.default.removeItem(at: url)   // a stale lock; if another process won the race, the next open fails again
        }
        throw ExperimentError.locked(directory: directory.path, pid: nil)
    }

    /// Gives the folder back.
    func release() {
        guard held else { return }
        held = false
        try? FileManager.default.removeItem(at: url)   // best effort: a leftover lock of a dead process is taken over next time
    }

    deinit { release() }
}
