// `zoo train`: trains a model (optionally distilled from a frozen teacher) on a dataset, with
// evaluation, best/last checkpoints, a JSONL log and exact resumption.
import Foundation
import ZooCommandLine
import ZooCore
import ZooData
import ZooManifest
import ZooNN
import ZooTensor

/// `zoo train MODEL [--data D] [--epochs N | --steps N] [--batch-size N] [--lr X] [--seed S] [--out DIR] [--resume] ...`
public struct TrainCommand: Command {
    let registry: Registry
    public init(registry: Registry) { self.registry = registry }

    public var name: String { "train" }
    public var summary: String { "Train a model (optionally distilled from a teacher) and evaluate it" }

    public var arguments: ArgumentSpec {
        ArgumentSpec(
            options: [
                .value("data", valueName: "D", help: "synthvtt (embedded, default), msrvtt:DIR or features:DIR"),
                .value("epochs", valueName: "N", help: "Epochs over the training captions (default 5)"),
                .value("steps", valueName: "N", help: "Optimizer steps instead of epochs"),
                .value("batch-size", valueName: "N", help: "Caption–video pairs per step (default 32)"),
                .value("lr", valueName: "X", help: "Base learning rate (default 1e-4, CLIP4Clip's)"),
                .value("optimizer", valueName: "NAME", help: "bertAdam (default, CLIP4Clip's), adamW, adam or sgd"),
                .value("seed", valueName: "S", help: "Seed for weights, data order and dropout (default 0)"),
                .value("frames", valueName: "F", help: "Frames per video (default: the dataset's)"),
                .value("eval-every", valueName: "N", help: "Evaluate on the validation split every N steps (default: at the end)"),
                .value("out", valueName: "DIR", help: "Run directory for checkpoints, log.jsonl, metrics.json (default runs/MODEL-seedS)"),
                .flag("resume", help: "Continue the run in --out from its last checkpoint, exactly"),
                .value("init", valueName: "WEIGHTS", help: "Start from these weights (any format the model loads)"),
                .value("teacher", valueName: "NAME", help: "A frozen teacher model for distillation"),
                .value("teacher-weights", valueName: "CKPT", help: "The teacher's weights"),
                .repeated("distill", valueName: "NAME[:WEIGHT]", help: "A distillation loss and its weight (default 1)"),
                .value("task-weight", valueName: "W", help: "Weight of the model's own loss (default 1)"),
                .repeated("set", valueName: "KEY=VALUE", help: "Config override; LOSS.KEY=VALUE for a loss"),
                .flag("json", help: "Print the final metrics as JSON"),
            ] + DataPathFlags.options,
            positionals: [PositionalSpec("MODEL", help: "A registry name (see `zoo list --kind model`)")])
    }

    public var discussion: String {
        """
        The run directory holds last.safetensors (written atomically at each epoch end), best.safetensors
        (best validation text-to-video R@1), log.jsonl (one line per step and per evaluation) and
        metrics.json (the test split at the end). A NaN loss stops the run and keeps the last good
        checkpoint. The same seed gives the same numbers; --resume continues bit for bit.

        Examples:
          zoo train clip-tiny --data synthvtt --epochs 4 --lr 1e-3 --optimizer adamW
          zoo train clip-tiny --out runs/a --resume
        """
    }

    public func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        let setup = try RunSetup(arguments: arguments, registry: registry, forTraining: true)
        let out = URL(fileURLWithPath: arguments.value("out") ?? "runs/\(setup.modelName)-seed\(setup.recipe.seed)")
        let trainer = Trainer(modelName: setup.modelName, model: setup.model, teacher: setup.teacher, losses: setup.losses,
                              taskWeight: setup.taskWeight, recipe: setup.recipe, data: setup.trainBatcher)
        trainer.outputDirectory = out
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        trainer.progress = try ProgressReporter(logURL: out.appendingPathComponent("log.jsonl"))
        let evaluator = RetrievalEvaluator(batcher: setup.batcher(for: setup.splits.validation ?? setup.splits.test))
        trainer.evaluate = { model in
            let evaluation = try evaluator.evaluate(try RunSetup.retrievalModel(model, name: setup.modelName))
            return (evaluation.primary, ["summary": "validation " + evaluation.metrics.textToVideo.description,
                                         "t2v_r1": evaluation.metrics.textToVideo.recallAt1])
        }
        trainer.progress?.note("training \(setup.modelName) (\(formatParameters(setup.model.parameterCount)) parameters) on "
                               + "\(setup.trainBatcher.name): \(trainer.plannedSteps) steps of \(setup.recipe.batchSize)")
        let summary = try trainer.run(resume: arguments.flag("resume"))
        let test = try RetrievalEvaluator(batcher: setup.batcher(for: setup.splits.test)).evaluate(try RunSetup.retrievalModel(setup.model, name: setup.modelName))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(test).write(to: out.appendingPathComponent("metrics.json"), options: .atomic)
        if arguments.flag("json") {
            console.write(String(decoding: try encoder.encode(test), as: UTF8.self) + "\n")
        } else {
            console.write(String(format: "trained %d steps in %.0f s; final loss %.4f; run directory %@\n",
                                 summary.steps, summary.seconds, summary.finalLoss, out.path))
            console.write(EvaluationTable.render(test, split: setup.splits.test.name))
        }
        return ExitStatus.success
    }
}

func formatParameters(_ count: Int) -> String {
    count >= 1_000_000 ? String(format: "%.1fM", Double(count) / 1e6) : String(format: "%.1fK", Double(count) / 1e3)
}
