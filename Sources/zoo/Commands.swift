// The commands `zoo` offers, in the order `zoo --help` lists them: the zoo's own, then those
// the method targets contribute (`MethodEntry.commands(registry:)`, e.g. `zoo attention`).
import ZooCatalog
import ZooCommandLine
import ZooCommands
import ZooCore
import ZooManifest

/// The version `zoo --version` prints.
let zooVersion = "0.1.0"

/// The line under the program name in `zoo --help`.
let zooSummary = "a model zoo for text-to-video retrieval and knowledge distillation"

func zooCommands(manifest: Manifest, registry: Registry) -> [any Command] {
    [
        ListCommand(manifest: manifest),
        InfoCommand(manifest: manifest, details: { try runtimeDetails(for: $0, registry: registry) }),
        TokenizeCommand(),
        DataPreviewCommand(),
        EmbedCommand(registry: registry),
        IndexCommand(registry: registry),
        SearchCommand(registry: registry),
        SimilarityCommand(registry: registry),
        TrainCommand(registry: registry),
        EvalCommand(registry: registry),
        CompareCommand(registry: registry),
    ] + ZooCatalog.methodEntries.flatMap { $0.commands(registry: registry) }
}
