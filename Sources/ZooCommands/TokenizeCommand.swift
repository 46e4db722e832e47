// `zoo tokenize`: CLIP BPE ids of captions, as the models receive them.
import ZooCommandLine
import ZooData
import ZooManifest

/// `zoo tokenize [--context N] [--truncate] [--json] TEXT...`
public struct TokenizeCommand: Command {
    public init() {}

    public var name: String { "tokenize" }
    public var summary: String { "Print CLIP BPE token ids of captions" }

    public var arguments: ArgumentSpec {
        ArgumentSpec(
            options: [
                .value("context", valueName: "N", help: "Context length: ids are [SOT] + words + [EOT], zero padded to N (default 77)"),
                .flag("truncate", help: "Cut captions longer than N; the last kept id becomes EOT (open_clip's rule)"),
                .flag("json", help: "Print a JSON array of {text, ids, length} objects"),
            ],
            positionals: [PositionalSpec("TEXT", arity: .variadic, help: "Captions to tokenize (quote each one)")])
    }

    public var discussion: String {
        """
        Cleaning follows open_clip (NFC, straight quotes, ligatures and full-width forms mapped,
        HTML entities unescaped twice, whitespace collapsed, lower case). Without --truncate a
        caption that does not fit is an error.

        Examples:
          zoo tokenize "a dog running on the beach"
          zoo tokenize --context 32 --truncate --json "first caption" "second caption"
        """
    }

    public func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        guard !arguments.positionals.isEmpty else { throw UsageError("give at least one TEXT to tokenize") }
        var context = CLIPTokenizer.defaultContextLength
        if let text = arguments.value("context") {
            guard let value = Int(text), (2...4096).contains(value) else {
                throw UsageError("--context must be an integer from 2 to 4096 (the CLIP BPE models use 77), got \"\(text)\"")
            }
            context = value
        }
        let tokenizer = try CLIPTokenizer.shared()
        var rows: [(String, [Int])] = []
        for text in arguments.positionals {
            rows.append((text, try tokenizer.encode(text, truncate: arguments.flag("truncate"), contextLength: context)))
        }
        if arguments.flag("json") {
            let items = rows.map { text, ids in
                JSONNode.object(["text": .string(text), "ids": .array(ids.map { .number($0) }),
                                 "length": .number(ids.firstIndex(of: tokenizer.endOfTextID).map { $0 + 1 } ?? ids.count)])
            }
            console.write(JSONWriter.pretty(.array(items)))
        } else {
            for (_, ids) in rows {
                let used = ids.firstIndex(of: tokenizer.endOfTextID).map { $0 + 1 } ?? ids.count
                console.write(ids.prefix(used).map(String.init).joined(separator: " ")
                              + (used < ids.count ? "  (+\(ids.count - used) padding zeros)" : "") + "\n")
            }
        }
        return ExitStatus.success
    }
}
