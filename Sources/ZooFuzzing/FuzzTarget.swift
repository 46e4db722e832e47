// The parsers of outside bytes, each wrapped as a fuzzing entry point: libFuzzer (through
// `zoo-fuzz` built with `-sanitize=fuzzer`, scripts/fuzz.sh) feeds them mutated inputs, and the
// tests replay the seed corpora in Fuzz/corpus/<name>/ through them in an ordinary build.
//
// An entry point may refuse its input (a thrown error is the right answer to bad bytes) but must
// never crash, hang or allocate without bound; where a parse succeeds it also checks what the
// parser promises (a JSON document written back reads the same, a CSV row has the header's
// width, a tokenised caption fits its context), and a broken promise is a crash libFuzzer keeps.

/// What a parser made of one input. Both are correct answers; only a crash is a finding.
public enum FuzzOutcome: Sendable, CustomStringConvertible {
    /// The input parsed, and what the parser promises of the result held.
    case accepted
    /// The parser refused the input, for this reason (the error's message).
    case refused(String)

    static func refused(_ error: any Error) -> FuzzOutcome { .refused("\(error)") }

    public var isAccepted: Bool { if case .accepted = self { true } else { false } }

    /// `accepted`, or `refused: <reason>`.
    public var description: String {
        switch self {
        case .accepted: "accepted"
        case let .refused(reason): "refused: " + reason
        }
    }
}

/// One parser under fuzzing: a name (the corpus folder and `ZOO_FUZZ_TARGET`), what it reads,
/// and the entry point that feeds it one input.
public struct FuzzTarget: Sendable {
    /// `safetensors`, `json`, …: the folder name under Fuzz/corpus and the value of `ZOO_FUZZ_TARGET`.
    public let name: String
    /// What the bytes are, in a few words, for `zoo-fuzz list`.
    public let summary: String
    /// Runs the parser on one input and says whether it was accepted; a broken invariant traps.
    public let run: @Sendable ([UInt8]) -> FuzzOutcome

    public init(name: String, summary: String, run: @escaping @Sendable ([UInt8]) -> FuzzOutcome) {
        self.name = name
        self.summary = summary
        self.run = run
    }

    /// Every parser of outside bytes, in the order `zoo-fuzz list` prints them.
    public static let all: [FuzzTarget] = [
        FuzzTarget(name: "safetensors", summary: "a .safetensors file (header JSON, dtypes, offsets, tensor bytes)",
                   run: ParserEntryPoints.safetensors),
        FuzzTarget(name: "json", summary: "the position-keeping JSON reader (zoo.json, model configs)",
                   run: ParserEntryPoints.json),
        FuzzTarget(name: "manifest", summary: "a zoo.json manifest (syntax and every validation rule)",
                   run: ParserEntryPoints.manifest),
        FuzzTarget(name: "experiment", summary: "an experiment.json (a run as a value)",
                   run: ParserEntryPoints.experiment),
        FuzzTarget(name: "tokenizer", summary: "caption text through CLIP's BPE tokenizer (UTF-8 of any kind)",
                   run: ParserEntryPoints.tokenizer),
        FuzzTarget(name: "pnm", summary: "a PPM/PGM image (P2, P3, P5, P6)",
                   run: ParserEntryPoints.pnm),
        FuzzTarget(name: "csv", summary: "a CSV table (MSR-VTT's split lists)",
                   run: ParserEntryPoints.csv),
        FuzzTarget(name: "msrvtt-json", summary: "MSR-VTT's MSRVTT_data.json annotations",
                   run: ParserEntryPoints.msrvttJSON),
        FuzzTarget(name: "pickle", summary: "a caption pickle (MSVD's raw-captions.pkl) through the restricted reader",
                   run: ParserEntryPoints.pickle),
    ] + clipTargets

    /// CLIP's two readers, present whenever zoo.json builds CLIP (always, unless zoo.json is broken).
    static var clipTargets: [FuzzTarget] {
        #if canImport(CLIP)
        [FuzzTarget(name: "clip-state", summary: "an OpenAI-layout CLIP .safetensors (size inference from tensor shapes)",
                    run: ParserEntryPoints.clipState),
         FuzzTarget(name: "clip-config", summary: "a Hugging Face CLIPModel config.json",
                    run: ParserEntryPoints.clipConfig)]
        #else
        []
        #endif
    }

    /// The target called `name`, if there is one.
    public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}
