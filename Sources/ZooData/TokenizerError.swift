// Errors of the CLIP tokenizer.

/// What can go wrong when loading the vocabulary or encoding captions.
public enum TokenizerError: Error, Equatable, CustomStringConvertible {
    /// A caption needs more ids than the context holds. `tokenCount` includes the start and end
    /// tokens; `index` is the caption's position in a batch (0 for a single caption).
    case textTooLong(text: String, tokenCount: Int, contextLength: Int, index: Int)
    /// The vocabulary file could not be found or read.
    case vocabularyUnavailable(String)
    /// The vocabulary file's contents are not a CLIP merges file.
    case malformedVocabulary(String)
    /// A context length below 2, which cannot hold the start and end tokens.
    case invalidContextLength(Int)

    public var description: String {
        switch self {
        case let .textTooLong(text, tokenCount, contextLength, index):
            let shown = text.count > 80 ? String(text.prefix(77)) + "..." : text
            let position = index == 0 ? "" : " (batch item \(index))"
            return "caption \"\(shown)\"\(position) needs \(tokenCount) tokens including <start_of_text> and "
                + "<end_of_text>, but the context length is \(contextLength); shorten it, or encode with "
                + "truncate: true to keep the first \(contextLength - 1) tokens and end on <end_of_text>"
        case let .vocabularyUnavailable(reason):
            return "CLIP BPE vocabulary unavailable: \(reason)"
        case let .malformedVocabulary(reason):
            return "malformed CLIP BPE vocabulary: \(reason)"
        case let .invalidContextLength(length):
            return "context length \(length) is too short: it must hold at least <start_of_text> and <end_of_text> (2)"
        }
    }
}
