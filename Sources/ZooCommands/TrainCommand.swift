// `zoo train`: trains a model or a head over a backbone (optionally distilled from frozen
// teachers, trained first when no weights are given) on a dataset, with evaluation, best/last
// checkpoints, a JSONL log and exact resumption.
import Foundation
import ZooCommandLine
import ZooCore
import ZooData
import ZooManifest
import ZooNN
import ZooTensor

/// `zoo train MODEL [--data D] [--epochs N | --steps N] [--teacher T [--teacher-weights CKPT]]… [--distill L[:W]]… …`
public struct TrainCommand: Command {
    let registry: Registry
    public init(registry: Registry) { self.registry = registry }

    public var name: String { "train" }
    public var summary: String { "Train a model (optionally distilled from teachers) and evaluate it" }

    public var arguments: ArgumentSpec {
        ArgumentSpec(
            options: [
                .value("data", valueName: "D", help: "synthvtt (retrieval default), msrvtt:DIR, features:DIR, digits (classification default) or synthfine"),
            ] + RecipeFlags.options + [
                .value("frames", valueName: "F", help: "Frames per video (default: the dataset's)"),
                .value("backbone", valueName: "NAME", help: "Backbone of a head (default: clip-tiny on synthvtt, else the head's config)"),
                .value("backbone-weights", valueName: "CKPT", help: "Pretrained backbone weights (a zoo train checkpoint, OpenAI or HF CLIP)"),
                .flag("freeze-visual", help: "Freeze the backbone's image encoder (clip.visual.*) and encode every video once up front"),
                .value("out", valueName: "DIR", help: "Run directory for checkpoints, log.jsonl, metrics.json (default runs/MODEL-seedS)"),
                .flag("resume", help: "Continue the run in --out from its last checkpoint, exactly"),
                .value("init", valueName: "WEIGHTS", help: "Start from these weights (any format the model loads)"),
                .repeated("teacher", valueName: "NAME", help: "A frozen teacher (repeat for several; losses are averaged over them)"),
                .repeated("teacher-weights", valueName: "CKPT", help: "Each teacher's weights, in --teacher order (missing: trained first)"),
                .repeated("distill", valueName: "NAME[:WEIGHT]", help: "A distillation loss and its weight (default 1)"),
                .value("task-weight", valueName: "W", help: "Weight of the model's own loss (default 1)"),
                .repeated("set", valueName: "KEY=VALUE", help: "Config override; LOSS.KEY=VALUE for a loss"),
                .flag("json", help: "Print the final metrics as JSON"),
            ] + DataPathFlags.options,
            positionals: [PositionalSpec("MODEL", help: "A model or head name (see `zoo list --kind model`, `--kind head`)")])
    }

    public var discussion: String {
        """
        A head (clip4clip-*, xclip, teachclip) is composed with a CLIP backbone and trained end to end
        with the official recipe of its paper (BertAdam, warmup-cosine, clip.* at lr × 1e-3); the
        composed checkpoint has the official layout (clip.* + head keys).
        The run directory holds last.safetensors (written atomically at each epoch end), best.safetensors
        (best validation score: text-to-video R@1, or accuracy), log.jsonl (one line per step and per
        evaluation), metrics.json (the test split at the end) and run.json (parameters, steps, seconds). A NaN loss stops the run and keeps the
        last good checkpoint. The same seed gives the same numbers; --resume continues bit for bit.
        A --teacher without --teacher-weights is trained first with its own recipe into
        runs/TEACHER-seedS (reused when it is already there).

        Examples:
          zoo train clip-tiny --data synthvtt --epochs 2 --lr 1e-3 --optimizer adamW
          zoo train clip4clip-seqtransf --backbone-weights runs/clip-tiny-seed0/best.safetensors
          zoo train mlp-student --teacher mlp-teacher --distill hinton-kd:0.9 --task-weight 0.1
          zoo train clip-tiny --out runs/a --resume
        """
    }

    public func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        // Teachers first: check every name, then train those without weights.
        let teacherNames = arguments.values("teacher").map { $0.lowercased() }
        let givenWeights = arguments.values("teacher-weights")
        guard givenWeights.count <= teacherNames.count else { throw UsageError("more --teacher-weights than --teacher names") }
        for name in teacherNames { _ = try registry.entry(name) }
        var teacherWeights: [String: String] = [:]
        for (index, name) in teacherNames.enumerated() {
            teacherWeights[name] = index < givenWeights.count ? givenWeights[index] : try trainTeacher(name, arguments: arguments, console: console)
        }
        let setup = try RunSetup(arguments: arguments, registry: registry, forTraining: true, teacherWeights: teacherWeights)
        let out = URL(fileURLWithPath: arguments.value("out") ?? "runs/\(setup.modelName)-seed\(setup.recipe.seed)")
        let (summary, test) = try Self.train(setup, out: out, resume: arguments.flag("resume"), console: console)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        if arguments.flag("json") {
            console.write(String(decoding: try encoder.encode(test.0), as: UTF8.self) + "\n")
        } else {
            console.write(String(format: "trained %d steps in %.0f s; final loss %.4f; run directory %@\n",
                                 summary.steps, summary.seconds, summary.finalLoss, out.path))
            console.write(test.0.render(split: test.split))
        }
        return ExitStatus.success
    }

    /// Trains `setup` into `out` and evaluates it on the test split (written to metrics.json).
    static func train(_ setup: RunSetup, out: URL, resume: Bool, console: Console) throws -> (TrainingSummary, (RunEvaluation, split: String)) {
        let trainer = Trainer(modelName: setup.modelName, model: setup.model, teachers: setup.teachers.map(\.model),
                              losses: setup.losses, taskWeight: setup.taskWeight, recipe: setup.recipe, data: setup.trainBatcher)
        trainer.outputDirectory = out
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        trainer.progress = try ProgressReporter(logURL: out.appendingPathComponent("log.jsonl"))
        let contextLength = setup.recipe.contextLength
        trainer.evaluate = { model in
            let (evaluation, split) = try setup.data.evaluate(model, name: setup.modelName, validation: true, contextLength: contextLength)
            return (evaluation.primary, ["summary": "\(split) " + evaluation.summary, "primary": evaluation.primary])
        }
        if let composition = setup.composition {
            var line = "composed \(setup.modelName) over \(composition.backbone)"
            switch composition.initializedFromBackbone {
            case let .success(keys)?: line += "; \(keys.count) head tensors copied from the backbone's text encoder"
            case let .failure(reason)?: line += "; head not initialised from the backbone: \(reason)"
            case nil: break
            }
            trainer.progress?.note(line)
        }
        setup.notes.forEach { trainer.progress?.note($0) }
        let teachers = setup.teachers.isEmpty ? "" : " taught by " + setup.teachers.map(\.name).joined(separator: ", ")
        trainer.progress?.note("training \(setup.modelName) (\(formatParameters(setup.model.parameterCount)) parameters)\(teachers) on "
                               + "\(setup.trainBatcher.name): \(trainer.plannedSteps) steps of \(setup.recipe.batchSize)")
        let summary = try trainer.run(resume: resume)
        let test = try setup.data.evaluate(setup.model, name: setup.modelName, validation: false, contextLength: contextLength)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(test.0).write(to: out.appendingPathComponent("metrics.json"), options: .atomic)
        let run: [String: Any] = ["model": setup.modelName, "parameters": setup.model.parameterCount, "steps": summary.steps,
                                  "batch_size": setup.recipe.batchSize, "seconds": summary.seconds,
                                  "evaluation_seconds": summary.evaluationSeconds, "final_loss": Double(summary.finalLoss),
                                  "teachers": setup.teachers.map(\.name), "losses": setup.losses.map { "\($0.name):\($0.weight)" }]
        try JSONSerialization.data(withJSONObject: run, options: [.prettyPrinted, .sortedKeys])
            .write(to: out.appendingPathComponent("run.json"), options: .atomic)
        return (summary, test)
    }

    /// Trains teacher `name` with its own recipe into runs/NAME-seedS, or reuses the best
    /// checkpoint already there. Returns the checkpoint's path.
    func trainTeacher(_ name: String, arguments: ParsedArguments, console: Console) throws -> String {
        let seed = arguments.value("seed") ?? "0"
        let out = URL(fileURLWithPath: "runs/\(name)-seed\(seed)")
        let best = out.appendingPathComponent("best.safetensors")
        if FileManager.default.fileExists(atPath: best.path) {
            console.write("using the teacher \(name) already trained in \(out.path)\n")
            return best.path
        }
        console.write("training the teacher \(name) first (its own recipe) into \(out.path)\n")
        let teacherArguments = RunSetup.ownRecipeArguments(for: name, from: arguments)
        let setup = try RunSetup(arguments: teacherArguments, registry: registry, forTraining: true)
        _ = try Self.train(setup, out: out, resume: FileManager.default.fileExists(atPath: out.appendingPathComponent("last.safetensors").path),
                           console: console)
        return best.path
    }
}

func formatParameters(_ count: Int) -> String {
    count >= 1_000_000 ? String(format: "%.1fM", Double(count) / 1e6) : String(format: "%.1fK", Double(count) / 1e3)
}
