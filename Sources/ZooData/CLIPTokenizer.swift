// CLIP's byte-level BPE tokenizer, id for id what open_clip's `SimpleTokenizer` produces.

import Foundation
import ZooTensor

/// CLIP's tokenizer: caption text to the ids CLIP's text encoder takes, bit-exact with open_clip.
///
/// The pipeline, as open_clip runs it: clean the caption (`CaptionCleaning`: ftfy's text fixes
/// without mojibake repair, HTML entities unescaped twice, whitespace collapsed, lower-cased),
/// split it into words (`PreTokenizer`), byte-pair encode each word, then frame the ids as
/// `[<start_of_text>] + ids + [<end_of_text>]`, zero-padded to the context length (77 for CLIP).
///
/// Where this differs from the method papers' text: open_clip's special tokens are spelled
/// `<start_of_text>` and `<end_of_text>` (ids 49406 and 49407); OpenAI's `<|startoftext|>` and
/// `<|endoftext|>` inside a caption are ordinary text, as in open_clip.
///
/// Not reproduced (so ids can differ from open_clip's): ftfy's mojibake repair (`cafÃ©` stays
/// garbled, see `CaptionCleaning`); named HTML entities outside HTML 4 (`&pr;` stays as written,
/// see `HTMLEntities`); and lower-case mappings of characters newer than the Python that ran
/// open_clip (Swift's Unicode tables are more recent).
///
/// Thread safety: a tokenizer is immutable apart from its word cache, which a lock guards, so
/// one instance may encode from many threads at once. The cache (per instance, bounded) holds
/// each distinct word's ids; it changes speed, never results.
public final class CLIPTokenizer: Sendable {
    /// CLIP's text context: 77 positions.
    public static let defaultContextLength = 77
    /// Ids the bundled vocabulary gives out: 256 byte tokens, their 256 end-of-word forms,
    /// 48,894 merges and the two special tokens. A text encoder fed by this tokenizer needs an
    /// embedding row for each (every OpenAI and Hugging Face CLIP has exactly these 49,408).
    public static let bundledVocabularySize = 49408

    /// Positions in each encoded caption, start and end tokens included.
    public let contextLength: Int
    /// Id of `<start_of_text>` (49406 with CLIP's vocabulary).
    public let startOfTextID: Int
    /// Id of `<end_of_text>` (49407 with CLIP's vocabulary); the text encoder pools at this
    /// position, the largest id of each row.
    public let endOfTextID: Int

    let vocabulary: BPEVocabulary
    let cache = WordCache()

    /// The vocabulary shipped with ZooData (`bpe_simple_vocab_16e6.txt`, MIT, from OpenAI's CLIP).
    public static var bundledVocabularyURL: URL? {
        Bundle.module.url(forResource: "bpe_simple_vocab_16e6", withExtension: "txt", subdirectory: "Resources")
    }

    /// A tokenizer over the bundled vocabulary. Loading takes a few milliseconds; prefer
    /// `shared()` unless you need another context length.
    public convenience init(contextLength: Int = CLIPTokenizer.defaultContextLength) throws {
        guard let url = Self.bundledVocabularyURL else {
            throw TokenizerError.vocabularyUnavailable("bpe_simple_vocab_16e6.txt is missing from ZooData's resources")
        }
        try self.init(vocabularyURL: url, contextLength: contextLength)
    }

    /// A tokenizer over a vocabulary file in CLIP's format: the decompressed merges text, a header
    /// line, then one `left right` merge per line (only the first 48,894 are read, as open_clip does).
    public convenience init(vocabularyURL: URL, contextLength: Int = CLIPTokenizer.defaultContextLength) throws {
        let data: Data
        do {
            data = try Data(contentsOf: vocabularyURL)
        } catch {
            throw TokenizerError.vocabularyUnavailable("cannot read \(vocabularyURL.path): \(error.localizedDescription)")
        }
        try self.init(vocabulary: BPEVocabulary(fileContents: data), contextLength: contextLength)
    }

    init(vocabulary: BPEVocabulary, contextLength: Int) throws {
        guard contextLength >= 2 else { throw TokenizerError.invalidContextLength(contextLength) }
        self.vocabulary = vocabulary
        self.contextLength = contextLength
        self.startOfTextID = Int(vocabulary.startOfText)
        self.endOfTextID = Int(vocabulary.endOfText)
    }

    private static let sharedTokenizer = Result { try CLIPTokenizer() }

    /// One process-wide tokenizer over the bundled vocabulary with context 77, loaded on first use.
    public static func shared() throws -> CLIPTokenizer { try sharedTokenizer.get() }

    /// Distinct symbols in the vocabulary: 49,408 for CLIP (256 bytes, 256 bytes ending a word,
    /// 48,894 merges, 2 special tokens).
    public var vocabularySize: Int { vocabulary.size }

    /// Merge rules read from the vocabulary file (48,894 for CLIP).
    public var mergeCount: Int { vocabulary.mergeCount }

    // MARK: Encoding

    /// The caption after cleaning, as the pre-tokeniser sees it (for debugging).
    public func clean(_ text: String) -> String {
        String(String.UnicodeScalarView(CaptionCleaning.clean(text)))
    }

    /// The words BPE encodes one by one, after cleaning (special tokens spelled out).
    public func words(_ text: String) -> [String] {
        let cleaned = CaptionCleaning.clean(text)
        return PreTokenizer.split(cleaned).map { piece in
            switch piece {
            case let .word(range): String(String.UnicodeScalarView(cleaned[range]))
            case let .special(which): BPEVocabulary.specialTokens[which]
            }
        }
    }

    /// The BPE ids of a caption without start and end tokens, of any length (open_clip's
    /// `encode`).
    public func ids(for text: String) -> [Int] {
        var ids: [Int32] = []
        var scratch = Scratch()
        appendIDs(of: text, to: &ids, scratch: &scratch)
        return ids.map(Int.init)
    }

    /// One caption ready for the text encoder: `[<start_of_text>] + ids + [<end_of_text>]`
    /// zero-padded to `contextLength` (the tokenizer's unless given) ids.
    ///
    /// - Parameter truncate: when the caption needs more than `contextLength` ids, keep the first
    ///   `contextLength` and make the last one `<end_of_text>` (open_clip's truncation) instead of
    ///   throwing `TokenizerError.textTooLong`.
    public func encode(_ text: String, truncate: Bool = false, contextLength: Int? = nil) throws -> [Int] {
        let tensor = try encode([text], truncate: truncate, contextLength: contextLength)
        return tensor.scalars
    }

    /// Captions ready for the text encoder: an `IntTensor` of shape [texts.count, contextLength],
    /// each row as `encode(_:truncate:contextLength:)` makes it.
    public func encode(_ texts: [String], truncate: Bool = false, contextLength: Int? = nil) throws -> IntTensor {
        let context = contextLength ?? self.contextLength
        guard context >= 2 else { throw TokenizerError.invalidContextLength(context) }
        var rows = [Int](repeating: 0, count: texts.count * context)
        var ids: [Int32] = []
        var scratch = Scratch()
        for (row, text) in texts.enumerated() {
            ids.removeAll(keepingCapacity: true)
            ids.append(vocabulary.startOfText)
            appendIDs(of: text, to: &ids, scratch: &scratch)
            ids.append(vocabulary.endOfText)
            if ids.count > context {
                guard truncate else {
                    throw TokenizerError.textTooLong(text: text, tokenCount: ids.count, contextLength: context, index: row)
                }
                ids.removeLast(ids.count - context)
                ids[context - 1] = vocabulary.endOfText
            }
            for (column, id) in ids.enumerated() { rows[row * context + column] = Int(id) }
        }
        return IntTensor(rows, shape: [texts.count, context])
    }

    /// Buffers reused across the words of a batch.
    struct Scratch {
        var utf8: [UInt8] = []
        var symbols: [Int32] = []
    }

    /// Cleans, splits and encodes `text`, appending its BPE ids.
    func appendIDs(of text: String, to ids: inout [Int32], scratch: inout Scratch) {
        let cleaned = CaptionCleaning.clean(text)
        for piece in PreTokenizer.split(cleaned) {
            switch piece {
            case let .special(which):
                ids.append(which == 0 ? vocabulary.startOfText : vocabulary.endOfText)
            case let .word(range):
                scratch.utf8.removeAll(keepingCapacity: true)
                for scalar in cleaned[range] { appendUTF8(scalar.value, to: &scratch.utf8) }
                scratch.utf8.withUnsafeBufferPointer { word in
                    let hash = ByteKeyTable.hash(word)
                    if cache.lookup(word, hash: hash, into: &ids) { return }
                    let start = ids.count
                    vocabulary.encodeWord(word, into: &ids, symbols: &scratch.symbols)
                    cache.store(word, hash: hash, ids: ids[start...])
                }
            }
        }
    }

    @inline(__always)
    private func appendUTF8(_ value: UInt32, to bytes: inout [UInt8]) {
        switch value {
        case ..<0x80:
            bytes.append(UInt8(value))
        case ..<0x800:
            bytes.append(UInt8(0xC0 | value >> 6))
            bytes.append(UInt8(0x80 | value & 0x3F))
        case ..<0x10000:
            bytes.append(UInt8(0xE0 | value >> 12))
            bytes.append(UInt8(0x80 | value >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | value & 0x3F))
        default:
            bytes.append(UInt8(0xF0 | value >> 18))
            bytes.append(UInt8(0x80 | value >> 12 & 0x3F))
            bytes.append(UInt8(0x80 | value >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | value & 0x3F))
        }
    }

    // MARK: Decoding and inspection

    /// Text for ids, for debugging: each id's bytes, `</w>` read as a space.
    ///
    /// - Parameter skipSpecialTokens: drop `<start_of_text>` and stop at the first
    ///   `<end_of_text>` (so the zero padding after it is ignored), and trim the final space.
    ///   When false, every id is rendered as open_clip's `decode` does, padding included (id 0 is `!`).
    public func decode(_ ids: some Sequence<Int>, skipSpecialTokens: Bool = true) -> String {
        var bytes: [UInt8] = []
        for id in ids {
            if skipSpecialTokens && id == startOfTextID { continue }
            if skipSpecialTokens && id == endOfTextID { break }
            vocabulary.decodedBytes(id, into: &bytes)
        }
        // Like open_clip: decode the bytes (invalid UTF-8 becomes U+FFFD), then read "</w>" as a space.
        var text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "</w>", with: " ")
        if skipSpecialTokens && text.hasSuffix(" ") { text.removeLast() }
        return text
    }

    /// The vocabulary entry of `id` as the file spells it (bytes as `bytes_to_unicode`
    /// characters, `</w>` marking a word end, e.g. `dog</w>`), or nil when out of range.
    public func symbol(forID id: Int) -> String? { vocabulary.symbol(id) }

    /// Words currently in the encoding cache.
    public var cachedWordCount: Int { cache.count }

    /// Empties the encoding cache (results do not change; benchmarks use it to time first passes).
    public func clearCache() { cache.removeAll() }
}
