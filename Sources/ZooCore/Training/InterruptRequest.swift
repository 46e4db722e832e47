// Ctrl-C during training: the first SIGINT asks the trainer to stop after the step in flight,
// write its checkpoint and say how to resume; a second one ends the process at once (exit 130),
// as a user pressing it twice expects. Only commands that train install the handler.
import Dispatch
import Foundation
import Synchronization

/// A process-wide "stop after this step" request, set by SIGINT (or by a test).
public enum InterruptRequest {
    private static let requested = Atomic<Bool>(false)
    private static let installed = Mutex<DispatchSourceSignal?>(nil)

    /// Whether a stop was asked for since the last `reset()`.
    public static var isRequested: Bool { requested.load(ordering: .relaxed) }

    /// Asks the trainer to stop after its current step.
    public static func request() { requested.store(true, ordering: .relaxed) }

    /// Forgets a request (a new run starts).
    public static func reset() { requested.store(false, ordering: .relaxed) }

    /// Routes SIGINT here: the first one prints `message` to stderr and requests a stop; a
    /// second one exits with status 130 at once. Idempotent.
    public static func installSignalHandler(message: String) {
        installed.withLock { source in
            guard source == nil else { return }
            signal(SIGINT, SIG_IGN)   // the dispatch source below receives it instead
            let handler = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
            handler.setEventHandler {
                if requested.exchange(true, ordering: .relaxed) {
                    FileHandle.standardError.write(Data("\ninterrupted again: quitting now (the last checkpoint is kept)\n".utf8))
                    exit(130)
                }
                FileHandle.standardError.write(Data("\n\(message)\n".utf8))
            }
            handler.resume()
            source = handler
        }
    }
}
