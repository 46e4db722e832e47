// Byte-pair encoding of one word, and the per-tokenizer cache of words already encoded.

import Foundation

extension BPEVocabulary {
    /// Appends the ids of one word (its UTF-8 bytes) to `ids`.
    ///
    /// Each byte starts as its own symbol, the last one carrying `</w>`; then, as open_clip does,
    /// the adjacent pair with the lowest merge rank is found and every occurrence of it is merged,
    /// left to right without overlaps, until no adjacent pair is a merge rule. `symbols` is scratch
    /// space, passed in so that encoding many words allocates nothing.
    func encodeWord(_ word: UnsafeBufferPointer<UInt8>, into ids: inout [Int32], symbols: inout [Int32]) {
        guard !word.isEmpty else { return }
        symbols.removeAll(keepingCapacity: true)
        for byte in word.dropLast() { symbols.append(wordInner[Int(byte)]) }
        symbols.append(wordFinal[Int(word[word.count - 1])])
        while symbols.count > 1 {
            var bestRank = Int32.max, bestLeft: Int32 = 0, bestRight: Int32 = 0, bestMerged: Int32 = 0
            for index in 0..<(symbols.count - 1) {
                if let merge = merges.find(left: symbols[index], right: symbols[index + 1]), merge.rank < bestRank {
                    (bestRank, bestLeft, bestRight, bestMerged) = (merge.rank, symbols[index], symbols[index + 1], merge.merged)
                }
            }
            if bestRank == .max { break }
            var read = 0, write = 0
            while read < symbols.count {
                if read + 1 < symbols.count && symbols[read] == bestLeft && symbols[read + 1] == bestRight {
                    symbols[write] = bestMerged
                    read += 2
                } else {
                    symbols[write] = symbols[read]
                    read += 1
                }
                write += 1
            }
            symbols.removeLast(symbols.count - write)
        }
        ids.append(contentsOf: symbols)
    }
}

/// Words already encoded, keyed by their UTF-8 bytes; one per tokenizer, shared by every thread
/// that uses it (a lock guards it; lookups are short, so threads rarely wait).
///
/// Captions repeat a small vocabulary of words, so after a few thousand captions nearly every
/// word is a hit. Unlike open_clip's unbounded dict the cache is bounded: past `maximumWords`
/// words it starts again empty, so a long-running process over unusual text cannot grow without
/// limit.
final class WordCache: @unchecked Sendable {  // all mutable state is behind `lock`
    private let lock = NSLock()
    private var table = ByteKeyTable(minimumCapacity: 8192)
    private var storedIDs: [Int32] = []
    let maximumWords: Int

    init(maximumWords: Int = 500_000) {
        self.maximumWords = maximumWords
    }

    /// Appends the cached ids of `word` to `ids` and returns true, or returns false on a miss.
    func lookup(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, into ids: inout [Int32]) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard let (start, count) = table.find(word, hash: hash) else { return false }
        ids.append(contentsOf: storedIDs[Int(start)..<Int(start + count)])
        return true
    }

    /// Remembers the ids of `word`.
    func store(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, ids: ArraySlice<Int32>) {
        lock.lock()
        defer { lock.unlock() }
        if table.count >= maximumWords {
            table.removeAll()
            storedIDs.removeAll(keepingCapacity: true)
        }
        table.insert(word, hash: hash, first: Int32(storedIDs.count), second: Int32(ids.count))
        storedIDs.append(contentsOf: ids)
    }

    /// Number of words cached.
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return table.count
    }

    /// Empties the cache (benchmarks use it to time first passes).
    func removeAll() {
        lock.lock()
        defer { lock.unlock() }
        table.removeAll()
        storedIDs.removeAll(keepingCapacity: true)
    }
}
