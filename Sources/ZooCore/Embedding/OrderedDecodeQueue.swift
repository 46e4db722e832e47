// Decoding runs ahead of encoding: several threads, each running its own ffmpeg, decode the next
// videos while the encoder works, and hand them over in input order through a bounded window, so
// memory holds at most `window` decoded videos whatever the collection's size.
import Foundation
import ZooData

/// Decodes `count` items on `workers` threads, at most `window` ahead of the consumer, and gives
/// the results back in index order.
final class OrderedDecodeQueue<Value>: @unchecked Sendable {
    private let condition = NSCondition()
    private let count: Int
    private let window: Int
    private var nextToStart: Int
    private var nextToTake: Int
    private var results: [Int: Result<Value, any Error>] = [:]
    private var stopped = false
    private var running = 0

    /// Starts the workers on `indices` (ascending), decoding each with `decode`.
    init(indices: [Int], workers: Int, window: Int, decode: @escaping @Sendable (Int) throws -> Value) {
        self.count = indices.count
        self.window = Swift.max(window, 1)
        self.nextToStart = 0
        self.nextToTake = 0
        running = Swift.max(workers, 1)
        for _ in 0..<Swift.max(workers, 1) {
            let thread = Thread { [self] in
                while let position = claim() {
                    let result = Result { try decode(indices[position]) }
                    condition.lock()
                    results[position] = result
                    condition.broadcast()
                    condition.unlock()
                }
                condition.lock()
                running -= 1
                condition.broadcast()
                condition.unlock()
            }
            thread.stackSize = 1 << 22
            thread.start()
        }
    }

    /// The next position to decode, waiting while the window is full; nil when done or stopped.
    private func claim() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while !stopped, nextToStart < count, nextToStart - nextToTake >= window { condition.wait() }
        guard !stopped, nextToStart < count else { return nil }
        defer { nextToStart += 1 }
        return nextToStart
    }

    /// The next result in index order, waiting for it; nil after the last.
    func next() -> Result<Value, any Error>? {
        condition.lock()
        defer { condition.unlock() }
        guard nextToTake < count else { return nil }
        while results[nextToTake] == nil { condition.wait() }
        let result = results.removeValue(forKey: nextToTake)
        nextToTake += 1
        condition.broadcast()
        return result
    }

    /// Stops handing out work and waits for the workers to finish the videos in flight.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        condition.unlock()
    }

    deinit { stop() }
}
