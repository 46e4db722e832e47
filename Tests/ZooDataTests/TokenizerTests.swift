// CLIP tokenizer: open_clip's ids for the fixture texts, the framing rules (padding, truncation,
// errors), each cleaning step on its own, and decoding.

import Foundation
import Testing
import ZooTensor
import ZooTestSupport

@testable import ZooData

/// One text of `Tests/Fixtures/tokenizer/open_clip_ids.json` with open_clip's 77 ids for it.
struct TokenizerFixtureCase: Sendable, CustomTestStringConvertible {
    let text: String
    let ids: [Int]
    var testDescription: String { text.count > 40 ? String(text.prefix(37)) + "..." : text }

    /// Every case of the fixture file (empty when it cannot be read; a separate test checks the count).
    static let all: [TokenizerFixtureCase] = {
        let url = fixturesDirectory.appendingPathComponent("tokenizer").appendingPathComponent("open_clip_ids.json")
        guard let data = try? Data(contentsOf: url),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let cases = json["cases"] as? [[String: Any]] else { return [] }
        return cases.compactMap { item in
            guard let text = item["text"] as? String, let ids = item["ids"] as? [Int] else { return nil }
            return TokenizerFixtureCase(text: text, ids: ids)
        }
    }()
}

@Suite("CLIP tokenizer")
struct TokenizerTests {
    let tokenizer: CLIPTokenizer

    init() throws { tokenizer = try CLIPTokenizer.shared() }

    // MARK: open_clip parity

    @Test("the fixture holds all 40 texts")
    func fixtureIsComplete() {
        #expect(TokenizerFixtureCase.all.count == 40)
        #expect(TokenizerFixtureCase.all.allSatisfy { $0.ids.count == 77 })
    }

    @Test("ids match open_clip exactly (context 77, truncation on)", arguments: TokenizerFixtureCase.all)
    func matchesOpenCLIP(_ fixture: TokenizerFixtureCase) throws {
        #expect(try tokenizer.encode(fixture.text, truncate: true) == fixture.ids)
    }

    @Test("a batch encodes to an [N, 77] IntTensor whose rows match open_clip")
    func batchMatchesOpenCLIP() throws {
        let cases = TokenizerFixtureCase.all
        let batch = try tokenizer.encode(cases.map(\.text), truncate: true)
        #expect(batch.shape == [cases.count, 77])
        #expect(batch.scalars == cases.flatMap(\.ids))
    }

    // MARK: Vocabulary

    @Test("the vocabulary has 49,408 symbols, 48,894 merges and the special ids 49406/49407")
    func vocabularyLayout() {
        #expect(tokenizer.vocabularySize == 49408)
        #expect(tokenizer.mergeCount == 48894)
        #expect(tokenizer.startOfTextID == 49406)
        #expect(tokenizer.endOfTextID == 49407)
        #expect(tokenizer.symbol(forID: 49406) == "<start_of_text>")
        #expect(tokenizer.symbol(forID: 49407) == "<end_of_text>")
        #expect(tokenizer.symbol(forID: 0) == "!")  // the first printable byte
        #expect(tokenizer.symbol(forID: 256) == "!</w>")  // the same byte ending a word
        #expect(tokenizer.symbol(forID: 188) == "\u{100}")  // byte 0x00, the first non-printable one
        #expect(tokenizer.symbol(forID: 512) == "in")  // the first merge, "i n"
        #expect(tokenizer.symbol(forID: 49408) == nil)
    }

    @Test("a custom vocabulary file loads, and a missing one is a typed error")
    func customVocabulary() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-tokenizer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("vocab.txt")
        // Two merges, no trailing newline: "i g</w>" makes 512, "h ig</w>" makes 513.
        try "#version: test\ni g</w>\nh ig</w>".write(to: url, atomically: true, encoding: .utf8)
        let small = try CLIPTokenizer(vocabularyURL: url)
        #expect(small.vocabularySize == 512 + 2 + 2)
        #expect(small.mergeCount == 2)
        #expect(small.startOfTextID == 514 && small.endOfTextID == 515)
        #expect(small.ids(for: "hig") == [513])
        #expect(small.ids(for: "high") == [71, 72, 70, 256 + 71])  // "i g" (not at a word end) is no rule
        #expect(small.decode(small.ids(for: "hig high")) == "hig high")
        #expect(throws: TokenizerError.self) { try CLIPTokenizer(vocabularyURL: directory.appendingPathComponent("none.txt")) }
        #expect(throws: TokenizerError.invalidContextLength(1)) { try CLIPTokenizer(vocabularyURL: url, contextLength: 1) }
    }

    // MARK: Framing

    @Test("short captions are zero-padded after <end_of_text>")
    func zeroPadding() throws {
        let row = try tokenizer.encode("a dog")
        #expect(row.count == 77)
        #expect(Array(row.prefix(4)) == [49406, 320, 1929, 49407])
        #expect(row.dropFirst(4).allSatisfy { $0 == 0 })
        #expect(Array(try tokenizer.encode("").prefix(3)) == [49406, 49407, 0])
    }

    @Test("too long without truncation throws an error naming the text, its length and the fix")
    func tooLongThrows() throws {
        let text = Array(repeating: "dog", count: 80).joined(separator: " ")
        #expect(throws: TokenizerError.textTooLong(text: text, tokenCount: 82, contextLength: 77, index: 0)) {
            try tokenizer.encode(text)
        }
        do {
            _ = try tokenizer.encode(["a cat", text], contextLength: 77)
            Issue.record("expected an error")
        } catch let error as TokenizerError {
            let message = error.description
            #expect(message.contains("dog dog dog") && message.contains("82") && message.contains("77"))
            #expect(message.contains("truncate") && message.contains("batch item 1"))
        }
        // Exactly full fits: 75 words + start + end.
        let full = Array(repeating: "dog", count: 75).joined(separator: " ")
        #expect(try tokenizer.encode(full).last == 49407)
    }

    @Test("truncation keeps the first ids and makes the last one <end_of_text>")
    func truncationEndsWithEndOfText() throws {
        let words = (0..<100).map { ["dog", "cat", "runs", "blue"][$0 % 4] }.joined(separator: " ")
        let row = try tokenizer.encode(words, truncate: true)
        let all = tokenizer.ids(for: words)
        #expect(row.count == 77)
        #expect(row.first == 49406 && row.last == 49407)
        #expect(Array(row[1..<76]) == Array(all.prefix(75)))
        let short = try tokenizer.encode(words, truncate: true, contextLength: 32)
        #expect(short.count == 32 && short.last == 49407 && Array(short[1..<31]) == Array(all.prefix(30)))
    }

    // MARK: Cleaning, one step at a time

    @Test("curly quotes become straight quotes")
    func curlyQuotes() {
        #expect(tokenizer.clean("“Hello” ‘world’ it’s") == "\"hello\" 'world' it's")
        #expect(tokenizer.words("café’s") == ["café", "'s"])
    }

    @Test("Latin ligatures are split")
    func ligatures() {
        #expect(tokenizer.clean("the ﬁnal ﬂight of ﬀ ﬃ ĳ") == "the final flight of ff ffi ij")
    }

    @Test("full-width forms become ASCII, the ideographic space a space")
    func fullWidth() {
        #expect(tokenizer.clean("ＨＥＬＬＯ\u{3000}ｗｏｒｌｄ！ １２３") == "hello world! 123")
    }

    @Test("HTML entities are unescaped twice (more while no '<' is in the line, as ftfy does)")
    func htmlUnescaping() {
        #expect(tokenizer.clean("fish &amp;amp; chips") == "fish & chips")
        #expect(tokenizer.clean("&lt;b&gt;bold&lt;/b&gt;") == "<b>bold</b>")
        #expect(tokenizer.clean("Tom &amp;amp;amp; Jerry") == "tom & jerry")  // ftfy repeats until stable
        #expect(tokenizer.clean("<b> &amp;amp;amp;") == "<b> &amp;")  // looks like HTML: only the two passes
        #expect(tokenizer.clean("caf&eacute; &EACUTE; &notit; &#233; &#x41; &#0;") == "café é ¬it; é a \u{FFFD}")
        #expect(tokenizer.clean("a &unknownname; b &amp") == "a &unknownname; b &")
    }

    @Test("whitespace is stripped and collapsed, including tabs, newlines and no-break spaces")
    func whitespace() {
        #expect(tokenizer.clean("  lots   of\tspaces \n and\nnewlines  ") == "lots of spaces and newlines")
        #expect(tokenizer.clean("a\u{00A0}b\u{2003}c\r\nd") == "a b c d")
    }

    @Test("lower-casing follows Python: full mappings and the final sigma")
    func lowerCase() {
        #expect(tokenizer.clean("ΟΔΟΣ ΑΣ.Σ") == "οδος ασ.ς")
        #expect(tokenizer.clean("İstanbul Straße") == "i\u{307}stanbul straße")
    }

    @Test("NFC normalisation, control characters and terminal colour codes")
    func normalisationAndControls() {
        #expect(tokenizer.clean("cafe\u{301}") == "caf\u{E9}")
        #expect(tokenizer.clean("red\u{1B}[31mtext\u{1B}[0m\u{7}") == "redtext")
        #expect(tokenizer.clean("\u{FEFF}bom\u{93}quoted\u{94}") == "bom\"quoted\"")  // C1 read as Windows-1252
    }

    // MARK: Pre-tokeniser

    @Test("words split as open_clip's pattern: contractions, single digits, punctuation runs, specials")
    func preTokenizer() throws {
        #expect(tokenizer.words("O'Neil's dog isn't 42!!") == ["o", "'", "neil", "'s", "dog", "isn", "'t", "4", "2", "!!"])
        #expect(tokenizer.words("x <start_of_text> <|endoftext|>") == ["x", "<start_of_text>", "<|", "endoftext", "|>"])
        #expect(tokenizer.words("a.<end_of_text>") == ["a", ".<", "end", "_", "of", "_", "text", ">"])
        #expect(tokenizer.words("it'ſ 🍳🍳 ok") == ["it", "'ſ", "🍳🍳", "ok"])
        #expect(Array(try tokenizer.encode("<end_of_text>").prefix(3)) == [49406, 49407, 49407])
    }

    // MARK: Decoding

    @Test("decoding the ids of plain text gives the text back")
    func decodeRoundTrip() throws {
        for text in ["a dog running on the beach", "two people are talking in a kitchen", "café naïve 一个男人 🍳"] {
            #expect(tokenizer.decode(try tokenizer.encode(text)) == text)
        }
        #expect(tokenizer.decode([49406, 320, 1929, 49407, 0], skipSpecialTokens: false) == "<start_of_text>a dog <end_of_text>!")
    }

    @Test("concurrent encoding from many threads gives the same ids")
    func concurrentEncoding() async throws {
        let texts = TokenizerFixtureCase.all.map(\.text)
        let expected = try tokenizer.encode(texts, truncate: true)
        let fresh = try CLIPTokenizer()
        try await withThrowingTaskGroup(of: IntTensor.self) { group in
            for _ in 0..<8 { group.addTask { try fresh.encode(texts, truncate: true) } }
            for try await result in group { #expect(result == expected) }
        }
        #expect(fresh.cachedWordCount > 0)
    }
}
