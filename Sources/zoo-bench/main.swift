// zoo-bench: performance benchmarks for the zoo. One subcommand per benchmark; add new ones to
// `subcommands` below.

import Foundation

/// A benchmark: its name on the command line, a one-line summary, and its entry point, which
/// receives the arguments after the name and returns the process exit status.
struct Subcommand {
    var name: String
    var summary: String
    var run: ([String]) -> Int32
}

let subcommands: [Subcommand] = [
    Subcommand(name: "gemm", summary: "single-precision GEMM GFLOP/s vs numpy (OpenBLAS)", run: GEMMBenchmark.run),
    Subcommand(name: "block", summary: "pre-LN transformer block forward+backward vs PyTorch", run: BlockBenchmark.run),
    Subcommand(name: "tokenize", summary: "CLIP tokenizer captions/s (first pass and cached)", run: TokenizerBenchmark.run),
    Subcommand(name: "clip", summary: "CLIP encoder throughput: images/s and captions/s", run: CLIPBenchmark.run),
    Subcommand(name: "embed", summary: "zoo embed --videos throughput vs the encoder alone on the same frames", run: EmbedBenchmark.run),
    Subcommand(name: "search", summary: "brute-force top-k search latency and queries/s vs numpy's argpartition", run: SearchBenchmark.run),
]

@MainActor func usage() -> String {
    let width = subcommands.map(\.name.count).max() ?? 0
    let list = subcommands.map { "  " + $0.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.summary }
    return (["usage: zoo-bench <subcommand> [options]   (zoo-bench <subcommand> --help for its options)", "",
             "subcommands:"] + list).joined(separator: "\n")
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case nil, "--help", "-h", "help":
    print(usage())
    exit(arguments.isEmpty ? 2 : 0)
case let name?:
    guard let command = subcommands.first(where: { $0.name == name }) else {
        log("zoo-bench: unknown subcommand '\(name)'\n\(usage())")
        exit(2)
    }
    exit(command.run(Array(arguments.dropFirst())))
}
