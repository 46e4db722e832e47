// synthfine's text side: a fixed word list (every word a description's noun phrases can use) and
// the phrase type. Ids are positions in the list; 0 is padding. Fixed forever: a change would
// silently break trained phrase encoders, so tests pin the size.

/// The closed vocabulary of synthfine's noun phrases.
public enum SynthFineVocabulary {
    /// Id of padding (empty word slots and empty phrase slots).
    public static let padding = 0
    /// Longest phrase, in words: shape, pattern, colour, noun ("long striped brown wing").
    public static let maxPhraseLength = 4

    /// Every word, index = id. Part nouns, then colours, patterns, shapes and the rest.
    public static let words: [String] = [
        "<pad>",
        "head", "wing", "tail", "belly", "bird", "beak", "branch",
        "red", "orange", "yellow", "blue", "brown", "grey", "white", "black",
        "plain", "striped", "spotted",
        "round", "crested", "short", "long", "pointed", "forked", "fanned",
        "small", "thin",
    ]

    /// Number of ids (the `vocabularySize` a phrase encoder needs): 28.
    public static var size: Int { words.count }

    private static let ids: [String: Int] = Dictionary(uniqueKeysWithValues: words.enumerated().map { ($1, $0) })

    /// The id of `word`, nil when it is not in the vocabulary.
    public static func id(of word: String) -> Int? { ids[word] }

    /// `phrase`'s ids padded with 0 to `maxPhraseLength`. Every generated phrase is in the
    /// vocabulary; an unknown word (a caller's own phrase) is a precondition failure.
    public static func encode(_ phrase: SynthFinePhrase) -> [Int] {
        precondition(phrase.words.count <= maxPhraseLength, "synthfine phrase \"\(phrase.text)\" is longer than \(maxPhraseLength) words")
        let encoded = phrase.words.map { word -> Int in
            guard let id = ids[word] else { preconditionFailure("\"\(word)\" is not in synthfine's vocabulary") }
            return id
        }
        return encoded + [Int](repeating: padding, count: maxPhraseLength - encoded.count)
    }
}

/// A noun phrase extracted from a description: modifiers, then the noun ("striped brown wing").
public struct SynthFinePhrase: Hashable, Sendable, CustomStringConvertible {
    public let words: [String]

    public init(_ words: [String]) { self.words = words }

    /// The words separated by spaces.
    public var text: String { words.joined(separator: " ") }
    public var description: String { text }
    /// The noun the phrase is about ("head", "beak", "bird", ...).
    public var noun: String { words.last ?? "" }

    /// With its indefinite article: "a red head", "an orange belly".
    var withArticle: String { (["a", "e", "i", "o", "u"].contains(text.first.map(String.init) ?? "") ? "an " : "a ") + text }
}
