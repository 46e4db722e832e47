// `zoo eval`: retrieval metrics of a checkpoint on a dataset's test split.
import Foundation
import ZooCommandLine
import ZooCore
import ZooData

/// `zoo eval MODEL --weights CKPT [--data D] [--split test|validation] [--json]`
public struct EvalCommand: Command {
    let registry: Registry
    public init(registry: Registry) { self.registry = registry }

    public var name: String { "eval" }
    public var summary: String { "Evaluate a checkpoint: R@1/5/10, MdR, MnR in both directions, or accuracy" }

    public var arguments: ArgumentSpec {
        ArgumentSpec(
            options: [
                .value("weights", valueName: "CKPT", help: "A zoo train checkpoint, or weights in any format the model loads"),
                .value("backbone", valueName: "NAME", help: "Backbone of a head (default: the head's for the dataset, `zoo info HEAD`)"),
                .value("split", valueName: "NAME", help: "test (default) or validation"),
                .value("seed", valueName: "S", help: "Seed of any weights the checkpoint does not hold (default 0)"),
                .repeated("set", valueName: "KEY=VALUE", help: "Config override the weights cannot tell"),
                .flag("json", help: "Print the evaluation as JSON"),
            ] + ExperimentFlags.data + ExperimentFlags.dataPaths + [NonFiniteOption.spec],
            positionals: [PositionalSpec("MODEL", help: "The registry name the weights belong to")])
    }

    public var discussion: String {
        """
        Captions and videos are encoded once; the score matrix is computed in blocks, so memory stays
        bounded on large test sets. Ties count against the model.

        Example:
          zoo eval clip-tiny --weights runs/clip-tiny-seed0/best.safetensors --data synthvtt --json
        """
    }

    public func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        try NonFiniteOption.run(arguments) { try execute(arguments, console: console) }
    }

    private func execute(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        guard arguments.value("weights") != nil else { throw UsageError("--weights CKPT is required") }
        let validation: Bool
        switch arguments.value("split") ?? "test" {
        case "test": validation = false
        case "validation", "val": validation = true
        case let other: throw UsageError("unknown --split \"\(other)\"; use test or validation")
        }
        var experiment = try Experiment(resolving: arguments.positionals[0], in: registry)
        try ExperimentFlags.apply(arguments, to: &experiment, registry: registry)
        let (evaluation, split) = try ExperimentRunner(registry: registry).evaluate(experiment, validation: validation)
        if case let .retrieval(result) = evaluation, let skipped = result.skippedVideos {
            console.writeError("zoo eval: left out \(skipped.count) video(s) of \(split):\n"
                               + skipped.map { "  \($0.id) (\($0.path)): \($0.reason)\n" }.joined())
        }
        if arguments.flag("json") {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            console.write(String(decoding: try encoder.encode(evaluation), as: UTF8.self) + "\n")
        } else {
            console.write(evaluation.render(split: split))
        }
        return ExitStatus.success
    }
}
