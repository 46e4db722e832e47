import ZooCommandLine
import ZooManifest

/// A small manifest built in code, independent of the repository's zoo.json.
let testManifest = Manifest(entries: [
    entry("clip-vit-b32", .model, target: "CLIP", status: .stable, arxiv: "2103.00020"),
    entry("clip-vit-l14", .model, target: "CLIP", status: .experimental, arxiv: "2103.00020"),
    entry("clip4clip-meanp", .head, target: "CLIP4Clip", arxiv: "2104.08860"),
    entry("clip4clip-seqlstm", .head, target: "CLIP4Clip", arxiv: "2104.08860"),
    entry("clip4clip-seqtransf", .head, target: "CLIP4Clip", arxiv: "2104.08860"),
    entry("clip4clip-tighttransf", .head, target: "CLIP4Clip", arxiv: "2104.08860"),
    entry("hinton-kd", .loss, families: [.classification, .retrieval], target: "HintonKD", arxiv: "1503.02531"),
    entry("bimodal-pma", .model, families: [.classification], target: "BiModalPMA", arxiv: nil),
])

func entry(_ name: String, _ kind: EntryKind, families: [Family] = [.retrieval], target: String,
           status: Status = .planned, arxiv: String?) -> ManifestEntry {
    ManifestEntry(
        name: name, kind: kind, families: families, target: target, entryType: target + "Entry",
        summary: "The \(name) entry.",
        paper: Paper(title: "A paper about \(target)", authors: ["Ada Lovelace", "Alan Turing"], year: 2021, arxiv: arxiv,
                     venue: arxiv == nil ? "Some Journal 2020" : nil),
        config: .object(["frames": .number(12), "backbone": .string("clip-vit-b32")]),
        tinyConfig: .object(["frames": .number(4)]),
        variants: [Variant(name: "vit-b16", summary: "B/16 backbone", config: .object(["backbone": .string("clip-vit-b16")]))],
        tags: ["video"], status: status)
}

/// The `zoo` tool over `testManifest`.
func testTool(details: @escaping InfoCommand.DetailProvider = { _ in [] }, extra: [any Command] = []) -> CommandLineTool {
    CommandLineTool(name: "zoo", version: "9.9.9", summary: "test zoo",
                    commands: [ListCommand(manifest: testManifest), InfoCommand(manifest: testManifest, details: details)] + extra)
}

/// Runs a command line against `testTool()` and returns the status and both streams.
func run(_ arguments: String..., tool: CommandLineTool = testTool()) -> (status: Int32, output: String, errors: String) {
    let console = BufferConsole()
    let status = tool.run(arguments, console: console)
    return (status, console.output, console.errors)
}
