// Small open-addressing hash tables for the tokenizer. Swift's Dictionary would work, but it
// hashes String keys by canonical equivalence (slow for non-ASCII, and the wrong notion of
// equality for byte-level symbols) and SipHash costs more than these lookups need: the BPE inner
// loop does tens of pair lookups per uncached word and the vocabulary load does ~150,000.

import Foundation  // memcmp

/// A hash table from byte strings to two `Int32` payloads. Keys are copied into one flat buffer.
/// Inserting an existing key overwrites its payload ("later wins", like Python's `dict(zip(...))`).
///
/// Each slot also holds the key's first 8 bytes, so keys up to 8 bytes (most BPE symbols) are
/// compared without touching the key buffer: lookups are bound by cache misses, and this saves one.
struct ByteKeyTable {
    private struct Slot {
        var hash: UInt64 = 0
        var head: UInt64 = 0  // the key's first 8 bytes, zero-padded
        var keyStart: Int32 = -1  // -1 marks an empty slot
        var keyCount: Int32 = 0
        var first: Int32 = 0
        var second: Int32 = 0
    }

    private var slots: [Slot]
    private var keyBytes: [UInt8] = []
    private var mask: Int
    private(set) var count = 0

    /// Total bytes of all stored keys (the word cache uses it to bound its memory).
    var keyByteCount: Int { keyBytes.count }

    init(minimumCapacity: Int) {
        var capacity = 16
        while capacity < minimumCapacity * 2 { capacity <<= 1 }
        slots = [Slot](repeating: Slot(), count: capacity)
        mask = capacity - 1
    }

    /// FNV-1a over the bytes, with a final avalanche so linear probing sees well-mixed low bits.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }

    /// The first 8 bytes of `bytes`, zero-padded.
    @inline(__always)
    private static func head(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var head: UInt64 = 0
        if !bytes.isEmpty { withUnsafeMutableBytes(of: &head) { $0.baseAddress!.copyMemory(from: bytes.baseAddress!, byteCount: min(8, bytes.count)) } }
        return head
    }

    /// The slot holding `bytes`, or the empty slot where it would go.
    @inline(__always)
    private func slotIndex(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int {
        let head = Self.head(bytes)
        var index = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[index]
            if slot.keyStart < 0 { return index }
            if slot.hash == hash && slot.head == head && Int(slot.keyCount) == bytes.count {
                if bytes.count <= 8 { return index }
                let start = Int(slot.keyStart)
                let equal = keyBytes.withUnsafeBufferPointer { stored in
                    memcmp(stored.baseAddress! + start + 8, bytes.baseAddress! + 8, bytes.count - 8) == 0
                }
                if equal { return index }
            }
            index = (index + 1) & mask
        }
    }

    /// The payloads stored for `bytes`, if any.
    @inline(__always)
    func find(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (Int32, Int32)? {
        let slot = slots[slotIndex(bytes, hash: hash)]
        return slot.keyStart < 0 ? nil : (slot.first, slot.second)
    }

    func find(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int32, Int32)? { find(bytes, hash: Self.hash(bytes)) }

    /// Stores the payloads for `bytes`, replacing any earlier ones.
    mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64, first: Int32, second: Int32) {
        if (count + 1) * 2 > slots.count { grow() }
        let index = slotIndex(bytes, hash: hash)
        if slots[index].keyStart < 0 {
            slots[index] = Slot(hash: hash, head: Self.head(bytes), keyStart: Int32(keyBytes.count), keyCount: Int32(bytes.count),
                                first: first, second: second)
            keyBytes.append(contentsOf: bytes)
            count += 1
        } else {
            slots[index].first = first
            slots[index].second = second
        }
    }

    mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>, first: Int32, second: Int32) {
        insert(bytes, hash: Self.hash(bytes), first: first, second: second)
    }

    /// Forgets every key, keeping the allocated capacity.
    mutating func removeAll() {
        for index in slots.indices { slots[index].keyStart = -1 }
        keyBytes.removeAll(keepingCapacity: true)
        count = 0
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        mask = slots.count - 1
        for slot in old where slot.keyStart >= 0 {
            var index = Int(truncatingIfNeeded: slot.hash) & mask
            while slots[index].keyStart >= 0 { index = (index + 1) & mask }
            slots[index] = slot
        }
    }
}

/// A fixed hash table from a pair of symbol ids to a merge: its rank and the merged symbol's id.
struct MergeTable: Sendable {
    private var keys: [UInt64]  // left << 32 | right; `empty` marks a free slot
    private var values: [UInt64]  // rank << 32 | merged id
    private let mask: Int
    private static let empty = UInt64.max

    init(minimumCapacity: Int) {
        var capacity = 16
        while capacity < minimumCapacity * 2 { capacity <<= 1 }
        keys = [UInt64](repeating: Self.empty, count: capacity)
        values = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
    }

    @inline(__always)
    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always)
    private func start(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask }

    /// Records a merge; a pair listed twice keeps its later rank, as Python's dict would.
    mutating func insert(left: Int32, right: Int32, rank: Int32, merged: Int32) {
        let key = Self.key(left, right)
        var index = start(key)
        while keys[index] != Self.empty && keys[index] != key { index = (index + 1) & mask }
        keys[index] = key
        values[index] = UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(UInt32(bitPattern: merged))
    }

    /// The merge for `(left, right)`, or nil when the pair is not in the merge list.
    @inline(__always)
    func find(left: Int32, right: Int32) -> (rank: Int32, merged: Int32)? {
        let key = Self.key(left, right)
        var index = start(key)
        while true {
            let stored = keys[index]
            if stored == key {
                let value = values[index]
                return (Int32(truncatingIfNeeded: value >> 32), Int32(truncatingIfNeeded: value))
            }
            if stored == Self.empty { return nil }
            index = (index + 1) & mask
        }
    }
}
