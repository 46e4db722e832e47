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
                .value("data", valueName: "D", help: "synthvtt (retrieval default), msrvtt:DIR, features:DIR, digits or synthfine"),
                .value("backbone", valueName: "NAME", help: "Backbone of a head (default: clip-tiny on synthvtt, else the head's config)"),
                .value("split", valueName: "NAME", help: "test (default) or validation"),
                .value("frames", valueName: "F", help: "Frames per video (default: the dataset's)"),
                .value("seed", valueName: "S", help: "Seed of any weights the checkpoint does not hold (default 0)"),
                .repeated("set", valueName: "KEY=VALUE", help: "Config override the weights cannot tell"),
                .flag("json", help: "Print the evaluation as JSON"),
            ] + DataPathFlags.options,
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
        guard let weights = arguments.value("weights") else { throw UsageError("--weights CKPT is required") }
        let setup = try RunSetup(arguments: arguments, registry: registry, forTraining: false, weights: weights)
        let validation: Bool
        switch arguments.value("split") ?? "test" {
        case "test": validation = false
        case "validation", "val":
            guard setup.data.hasValidationSplit else { throw RuntimeError("this dataset has no validation split; use --split test") }
            validation = true
        case let other: throw UsageError("unknown --split \"\(other)\"; use test or validation")
        }
        let (evaluation, split) = try setup.data.evaluate(setup.model, name: setup.modelName, validation: validation,
                                                          contextLength: setup.recipe.contextLength)
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
