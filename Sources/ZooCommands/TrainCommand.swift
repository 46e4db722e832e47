// `zoo train`: parse the command line into an experiment, train it with the library
// (`ExperimentRunner`), print the test evaluation.
import Foundation
import ZooCommandLine
import ZooCore
import ZooData
import ZooManifest
import ZooNN
import ZooTensor

/// `zoo train MODEL [--data D] [--epochs N | --steps N] [--teacher T [--teacher-weights CKPT]]… [--distill L[:W]]… …`
/// or `zoo train --experiment FILE`
public struct TrainCommand: Command {
    let registry: Registry
    public init(registry: Registry) { self.registry = registry }

    public var name: String { "train" }
    public var summary: String { "Train a model, head or recipe (optionally distilled from teachers) and evaluate it" }

    public var arguments: ArgumentSpec {
        ArgumentSpec(
            options: ExperimentFlags.data + ExperimentFlags.recipe + ExperimentFlags.backbone + [
                .flag("freeze-visual", help: "Freeze a head's image encoder and encode every video once up front"),
                .value("out", valueName: "DIR", help: "Run directory for checkpoints, log.jsonl, metrics.json (default runs/MODEL-seedS)"),
                .flag("resume", help: "Continue the run in --out from its last checkpoint, exactly"),
                .value("init", valueName: "WEIGHTS", help: "Start from these weights (any format the model loads)"),
                .repeated("teacher", valueName: "NAME", help: "A frozen teacher (repeat for several; losses are averaged over them)"),
                .repeated("teacher-weights", valueName: "CKPT", help: "Each teacher's weights, in --teacher order (missing: trained first)"),
                .repeated("distill", valueName: "NAME[:WEIGHT]", help: "A distillation loss and its weight (default 1)"),
                .value("task-weight", valueName: "W", help: "Weight of the model's own loss (default 1)"),
                .repeated("set", valueName: "KEY=VALUE", help: "Config override; LOSS.KEY=VALUE for a loss"),
                .value("experiment", valueName: "FILE", help: "Re-run a recorded experiment.json exactly (with --out, --resume, --json only)"),
                .flag("json", help: "Print the final metrics as JSON"),
            ] + ExperimentFlags.dataPaths + [NonFiniteOption.spec],
            positionals: [PositionalSpec("MODEL", arity: .optional, help: "A model, head or recipe name (`zoo list --kind model`, `--kind head`, `--kind recipe`)")])
    }

    public var discussion: String {
        """
        The command line is an experiment (docs/experiment.md): the entry's own zoo.json recipe, edited by
        the flags. The run directory holds experiment.json (the experiment, to re-run with --experiment),
        last.safetensors (written atomically at each epoch end), best.safetensors (best validation score:
        text-to-video R@1, or accuracy), log.jsonl (one line per step and per evaluation), metrics.json
        (the test split at the end) and run.json (its hash, parameters, steps, seconds, test quality).
        A head is composed with a backbone and trained end to end with its paper's recipe; the composed
        checkpoint has the official layout. A NaN loss stops the run and keeps the last good checkpoint.
        The same seed gives the same numbers; --resume continues bit for bit, and --experiment re-runs a
        run to the same checkpoint bytes. A --teacher without --teacher-weights is trained first with
        its own recipe into runs/TEACHER-seedS (reused when that folder holds the same finished run).

        Examples:
          zoo train clip-tiny --data synthvtt --epochs 2 --lr 1e-3 --optimizer adamW
          zoo train clip4clip-seqtransf --backbone-weights runs/clip-tiny-seed0/best.safetensors
          zoo train mlp-student --teacher mlp-teacher --distill hinton-kd:0.9 --task-weight 0.1
          zoo train --experiment runs/clip-tiny-seed0/experiment.json --out runs/again
          zoo train clip-tiny --out runs/a --resume
        """
    }

    public func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        try NonFiniteOption.run(arguments) { try execute(arguments, console: console) }
    }

    private func execute(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        let experiment = try ExperimentFlags.experiment(arguments, registry: registry)
        let out = URL(fileURLWithPath: arguments.value("out") ?? "runs/\(experiment.student.name)-seed\(experiment.seed)")
        var runner = ExperimentRunner(registry: registry)
        runner.messages = { console.write($0 + "\n") }
        InterruptRequest.installSignalHandler(message: "stopping after this step and saving a checkpoint (Ctrl-C again quits now)")
        let trained: TrainedRun
        do {
            trained = try runner.train(experiment, into: out, resume: arguments.flag("resume"))
        } catch let error as TrainingError {
            guard case .interrupted = error else { throw error }
            console.writeError("zoo train: \(error)\n")
            return 130   // 128 + SIGINT, as shells report an interrupted program
        }
        if arguments.flag("json") {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            console.write(String(decoding: try encoder.encode(trained.test), as: UTF8.self) + "\n")
        } else {
            console.write(String(format: "trained %d steps in %.0f s; final loss %@; run directory %@\n",
                                 trained.finished.steps, trained.finished.seconds,
                                 trained.finished.finalLoss.map { String(format: "%.4f", $0) } ?? "(no step in this process)", out.path))
            console.write(trained.test.render(split: trained.testSplit))
        }
        return ExitStatus.success
    }
}

func formatParameters(_ count: Int) -> String {
    count >= 1_000_000 ? String(format: "%.1fM", Double(count) / 1e6) : String(format: "%.1fK", Double(count) / 1e3)
}
