// CLIP's BPE vocabulary file (`bpe_simple_vocab_16e6.txt`): the byte-to-unicode table, the symbol
// ids and the merge ranks, read straight from the file's bytes.

import Foundation

/// The byte-level BPE vocabulary as open_clip builds it from the merges file.
///
/// Symbol ids follow open_clip's list: the 256 byte symbols (in `bytes_to_unicode` order), the
/// same 256 carrying `</w>`, one symbol per merge (merge `r` of the file makes symbol `512 + r`),
/// then `<start_of_text>` and `<end_of_text>`. Symbols are compared as byte strings, which is what
/// Python's string comparison amounts to for this alphabet.
struct BPEVocabulary: Sendable {
    /// Merges open_clip reads: lines `[1, 49152 - 256 - 2 + 1)` of the file, i.e. 48,894.
    static let mergeLimit = 49152 - 256 - 2

    /// open_clip's special tokens. OpenAI's original `<|startoftext|>`/`<|endoftext|>` are not
    /// special here: open_clip renamed them, and tokenizes the old spellings as plain text.
    static let specialTokens = ["<start_of_text>", "<end_of_text>"]

    /// `bytes_to_unicode`: the code point standing for each byte. The 188 bytes that print
    /// (`!`...`~`, `¡`...`¬`, `®`...`ÿ`) stand for themselves; the other 68, in byte order, for
    /// U+0100 onwards, so that no symbol contains whitespace or control characters.
    static let byteToScalar: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            if isPrintableByte(byte) { table[byte] = UInt32(byte) } else { table[byte] = next; next += 1 }
        }
        return table
    }()

    /// The inverse of `byteToScalar` over code points below 512 (-1 where no byte maps there).
    static let scalarToByte: [Int16] = {
        var table = [Int16](repeating: -1, count: 512)
        for byte in 0..<256 { table[Int(byteToScalar[byte])] = Int16(byte) }
        return table
    }()

    /// Bytes in vocabulary order: the printable ones first, then the rest (both ascending).
    static let byteVocabularyOrder: [Int] = (0..<256).filter(isPrintableByte) + (0..<256).filter { !isPrintableByte($0) }

    private static func isPrintableByte(_ byte: Int) -> Bool { (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte) }

    /// UTF-8 of one byte's symbol, e.g. `a` for 0x61 and `Ġ` (U+0120) for the space.
    static func symbolUTF8(forByte byte: Int) -> [UInt8] { Array(String(Unicode.Scalar(byteToScalar[byte])!).utf8) }

    /// All symbols' UTF-8 text (in the file's byte-encoded form) back to back, indexed by id.
    let symbolText: [UInt8]
    let symbolOffsets: [Int32]
    /// Id of each byte's symbol inside a word, and of the same symbol ending the word (`</w>`).
    let wordInner: [Int32]
    let wordFinal: [Int32]
    let merges: MergeTable
    let startOfText: Int32
    let endOfText: Int32
    /// Distinct symbols (open_clip's `len(encoder)`): 49,408 for CLIP's file.
    let size: Int
    /// Merge rules read (48,894 for CLIP's file).
    let mergeCount: Int

    /// Parses the vocabulary file's contents (the decompressed `.txt`; line 0 is a header).
    /// Works on the raw bytes without per-line allocations: CLIP's file loads in a few milliseconds.
    init(fileContents data: Data) throws {
        let endOfWord = Array("</w>".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(600_000)
        var offsets: [Int32] = [0]
        offsets.reserveCapacity(49_500)
        for byte in Self.byteVocabularyOrder {
            text.append(contentsOf: Self.symbolUTF8(forByte: byte))
            offsets.append(Int32(text.count))
        }
        for byte in Self.byteVocabularyOrder {
            text.append(contentsOf: Self.symbolUTF8(forByte: byte) + endOfWord)
            offsets.append(Int32(text.count))
        }

        // Merge lines "left right" (Python's `str.split()`): each adds the concatenation of its
        // parts as a symbol; where there are exactly two parts, remember them for the rule.
        var ruleParts: [(left: Range<Int32>, right: Range<Int32>)?] = []
        ruleParts.reserveCapacity(Self.mergeLimit)
        data.withUnsafeBytes { raw in
            let file = raw.bindMemory(to: UInt8.self)
            var lineStart = 0, lineNumber = 0
            while lineStart <= file.count && lineNumber <= Self.mergeLimit {
                var lineEnd = lineStart
                while lineEnd < file.count && file[lineEnd] != 0x0A { lineEnd += 1 }
                if lineNumber >= 1 {
                    var fields: (Range<Int32>, Range<Int32>)? = nil
                    var fieldCount = 0
                    var index = lineStart
                    while index < lineEnd {
                        while index < lineEnd && Self.isFieldSeparator(file[index]) { index += 1 }
                        let start = index
                        while index < lineEnd && !Self.isFieldSeparator(file[index]) { index += 1 }
                        guard index > start else { continue }
                        // Part ranges point into `text`, where the concatenation is being written.
                        let part = Int32(text.count)..<Int32(text.count + index - start)
                        text.append(contentsOf: UnsafeBufferPointer(rebasing: file[start..<index]))
                        fieldCount += 1
                        if fieldCount == 1 { fields = (part, part) } else if fieldCount == 2 { fields = (fields!.0, part) }
                    }
                    offsets.append(Int32(text.count))
                    ruleParts.append(fieldCount == 2 ? fields : nil)
                }
                lineNumber += 1
                lineStart = lineEnd + 1
            }
        }
        for special in Self.specialTokens {
            text.append(contentsOf: special.utf8)
            offsets.append(Int32(text.count))
        }

        // Symbol text -> id; a repeated text keeps its last id, as `dict(zip(vocab, range(...)))`.
        var ids = ByteKeyTable(minimumCapacity: offsets.count)
        var merges = MergeTable(minimumCapacity: ruleParts.count)
        text.withUnsafeBufferPointer { all in
            func slice(_ range: Range<Int32>) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(rebasing: all[Int(range.lowerBound)..<Int(range.upperBound)])
            }
            for id in 0..<(offsets.count - 1) {
                ids.insert(slice(offsets[id]..<offsets[id + 1]), first: Int32(id), second: 0)
            }
            for (rank, parts) in ruleParts.enumerated() {
                guard let (left, right) = parts else { continue }
                // A part that is no symbol can never occur in a word, so its rule never fires.
                guard let leftID = ids.find(slice(left))?.0, let rightID = ids.find(slice(right))?.0,
                      let mergedID = ids.find(slice(left.lowerBound..<right.upperBound))?.0 else { continue }
                merges.insert(left: leftID, right: rightID, rank: Int32(rank), merged: mergedID)
            }
        }
        func id(of symbol: [UInt8]) -> Int32? { symbol.withUnsafeBufferPointer { ids.find($0)?.0 } }

        guard let start = id(of: Array(Self.specialTokens[0].utf8)), let end = id(of: Array(Self.specialTokens[1].utf8)) else {
            throw TokenizerError.malformedVocabulary("the special tokens are missing")
        }
        var inner = [Int32](repeating: 0, count: 256), final = [Int32](repeating: 0, count: 256)
        for byte in 0..<256 {
            let symbol = Self.symbolUTF8(forByte: byte)
            inner[byte] = id(of: symbol)!
            final[byte] = id(of: symbol + endOfWord)!
        }
        self.symbolText = text
        self.symbolOffsets = offsets
        self.wordInner = inner
        self.wordFinal = final
        self.merges = merges
        self.startOfText = start
        self.endOfText = end
        self.size = ids.count
        self.mergeCount = ruleParts.count
    }

    /// ASCII whitespace; the file's symbols never contain other whitespace (`bytes_to_unicode`
    /// maps every whitespace byte elsewhere), so this splits lines as Python's `str.split()` does.
    @inline(__always)
    private static func isFieldSeparator(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }

    /// The symbol of `id` as written in the vocabulary (e.g. `dog</w>`), or nil when out of range.
    func symbol(_ id: Int) -> String? {
        guard id >= 0, id < symbolOffsets.count - 1 else { return nil }
        return String(decoding: symbolText[Int(symbolOffsets[id])..<Int(symbolOffsets[id + 1])], as: UTF8.self)
    }

    /// The bytes a symbol stands for: each character mapped back through `bytes_to_unicode`
    /// (characters outside the table, as in the special tokens' names, keep their UTF-8).
    func decodedBytes(_ id: Int, into output: inout [UInt8]) {
        guard let symbol = symbol(id) else {
            output.append(contentsOf: [0xEF, 0xBF, 0xBD])  // U+FFFD for an id outside the vocabulary
            return
        }
        for scalar in symbol.unicodeScalars {
            if scalar.value < 512, Self.scalarToByte[Int(scalar.value)] >= 0 {
                output.append(UInt8(Self.scalarToByte[Int(scalar.value)]))
            } else {
                output.append(contentsOf: String(scalar).utf8)
            }
        }
    }
}
