// `zoo compare`: trains several combinations under the same data, seeds and budget, and reports
// their quality and cost side by side (terminal table, results.json, .csv, .md, .txt and a chart).
import Foundation
import ZooCommandLine
import ZooCore
import ZooData
import ZooManifest
import ZooTensor

/// `zoo compare SPEC… [--data D] [--epochs N | --steps N] [--seeds 0,1,2] [--out DIR] [--json]`
public struct CompareCommand: Command {
    let registry: Registry
    public init(registry: Registry) { self.registry = registry }

    public var name: String { "compare" }
    public var summary: String { "Train combinations side by side and compare quality and cost" }

    public var arguments: ArgumentSpec {
        ArgumentSpec(
            options: [
                .value("data", valueName: "D", help: "Dataset for every combination (default: each student's own)"),
                .value("seeds", valueName: "LIST", help: "Comma-separated seeds; quality is mean ± std over them (default 0)"),
                .value("out", valueName: "DIR", help: "Where runs and results.{json,csv,md,svg,txt} go (default runs/compare)"),
            ] + ExperimentFlags.recipe.filter { $0.name != "seed" && $0.name != "eval-every" } + [
                .value("frames", valueName: "F", help: "Frames per video (default: the dataset's)"),
            ] + ExperimentFlags.backbone + [
                .flag("pretrain-backbone", help: "Heads: train the backbone alone first (its own recipe), once per seed, and start every head from it"),
                .value("backbone-steps", valueName: "N", help: "--pretrain-backbone's budget in steps (default: the backbone recipe's epochs)"),
                .flag("freeze-visual", help: "Heads: freeze the image encoder and encode every video once"),
                .flag("json", help: "Print results.json instead of the table"),
            ] + ExperimentFlags.dataPaths + [NonFiniteOption.spec],
            positionals: [PositionalSpec("SPEC", arity: .variadic, help: "A model or head, a recipe (`zoo list --kind recipe`), or student=A,teacher=B,distill=LOSS:W")])
    }

    public var discussion: String {
        """
        Every combination is checked (names, families, taps) before anything trains. Teachers are trained
        once per seed into DIR/teachers and reused by every combination that names them. A run already
        finished in DIR is reused when it was trained with the same settings (otherwise the command stops
        and shows both), so an interrupted comparison continues where it stopped; the same seeds give the
        same quality numbers. A combination that fails (a NaN loss, a bad setting) is reported
        as failed with its reason and the others still run.
        With --pretrain-backbone, the backbone (--backbone, else the first head's default for the data) is
        first trained alone with its own zoo.json recipe, once per seed into DIR/backbone, and every head
        starts from its best checkpoint, as the papers start from a pretrained backbone; its test quality is printed as
        the baseline. The budget flags apply to the combinations, not to it: --backbone-steps bounds it,
        and only --batch-size and the data flags carry over.
        Cost columns: parameters; FLOPs of matrix products and convolutions counted by the engine;
        training examples/s (evaluation excluded); inference throughput (retrieval: captions/s and
        videos/s embedded from pixels, pairs/s scored); the process's peak resident memory
        while training and measuring the combination (recorded, so a reused run reports it too).

        Example (the README's main job):
          zoo compare clip4clip-meanp clip4clip-seqlstm clip4clip-seqtransf clip4clip-tighttransf \\
            kd/clip4clip-meanp_from_clip4clip-seqtransf \\
            --pretrain-backbone --freeze-visual --epochs 1 --batch-size 32 --lr 1e-3 --backbone-lr-multiplier 0.1
        """
    }

    public func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        try NonFiniteOption.run(arguments) { try execute(arguments, console: console) }
    }

    private func execute(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        guard !arguments.positionals.isEmpty else { throw UsageError("compare needs at least one SPEC (a model, a recipe, or student=…)") }
        // Ctrl-C stops the run in flight after its step, with a checkpoint that the same compare
        // command picks up again (finished runs are reused, an interrupted one resumes).
        InterruptRequest.installSignalHandler(message: "stopping after this step and saving a checkpoint (Ctrl-C again quits now)")
        let seeds = try (arguments.value("seeds") ?? "0").split(separator: ",").map { text -> UInt64 in
            guard let seed = UInt64(text.trimmingCharacters(in: .whitespaces)) else { throw UsageError("--seeds must be comma-separated integers, got \"\(text)\"") }
            return seed
        }
        guard !seeds.isEmpty else { throw UsageError("--seeds needs at least one seed, e.g. --seeds 0,1,2") }
        if let repeated = seeds.first(where: { seed in seeds.filter { $0 == seed }.count > 1 }) {
            throw UsageError("--seeds lists seed \(repeated) more than once; each seed is one sample")
        }
        guard seeds.count <= 100 else { throw UsageError("--seeds lists \(seeds.count) seeds; give at most 100 (each trains every combination once)") }
        let out = URL(fileURLWithPath: arguments.value("out") ?? "runs/compare")
        let pretrainBackbone = arguments.flag("pretrain-backbone")
        if arguments.value("backbone-steps") != nil && !pretrainBackbone { throw UsageError("--backbone-steps is the budget of --pretrain-backbone; add --pretrain-backbone") }

        // The shared flags edit every combination (a spec's own options give way to them); the
        // freezing flag applies to heads only.
        let registry = self.registry
        let sharedSettings: (inout Experiment) throws -> Void = { experiment in
            let isHead = try registry.entry(experiment.student.name).kind == .head
            try ExperimentFlags.apply(Self.shared(arguments, forHead: isHead), to: &experiment, registry: registry)
        }
        var entries = try arguments.positionals.map { try ComparisonSpec.entry($0, registry: registry) }
        for index in entries.indices { try sharedSettings(&entries[index].experiment) }

        var pretraining: Comparison.BackbonePretraining?
        if pretrainBackbone {
            if arguments.value("backbone-weights") != nil { throw UsageError("give --pretrain-backbone or --backbone-weights, not both") }
            let steps = try arguments.value("backbone-steps").map { try ExperimentFlags.positive($0, "--backbone-steps") }
            let batchSize = try arguments.value("batch-size").map { try ExperimentFlags.positive($0, "--batch-size") }
            guard let firstHead = try entries.first(where: { try registry.entry($0.experiment.student.name).kind == .head })?.experiment else {
                throw UsageError("--pretrain-backbone applies to similarity heads (`zoo list --kind head`); no SPEC names one")
            }
            let name = try arguments.value("backbone")?.lowercased()
                ?? Experiment.defaultBackbone(forHead: firstHead.student.name, dataset: DataSpec(firstHead.data.dataset), registry: registry)
            pretraining = Comparison.BackbonePretraining(name: name, steps: steps, batchSize: batchSize)
        }
        let comparison = Comparison(entries: entries, seeds: seeds, directory: out, backbonePretraining: pretraining, sharedSettings: sharedSettings)

        // Check every combination before anything trains.
        let problems = comparison.problems(registry: registry)
        if !problems.isEmpty { throw RuntimeError("these combinations cannot run:\n  " + problems.joined(separator: "\n  ")) }

        let rows = try comparison.run(registry: registry) { console.write($0 + "\n") }
        let report = ComparisonReport(rows: rows)
        try report.write(to: out)
        if arguments.flag("json") {
            console.write(String(decoding: try report.json(), as: UTF8.self) + "\n")
        } else {
            console.write(report.terminalTable())
            console.write("results in \(out.path): results.json, results.csv, results.md, results.svg, results.txt\n")
        }
        return rows.allSatisfy { $0.failure == nil } ? ExitStatus.success : ExitStatus.failure
    }

    /// The flags of `zoo compare` that edit every combination: data, budget and optimizer
    /// settings, frames, backbone, files; freezing only for heads.
    static func shared(_ arguments: ParsedArguments, forHead isHead: Bool) -> ParsedArguments {
        var values: [String: [String]] = [:]
        let names = ["data", "epochs", "steps", "batch-size", "gradient-accumulation", "weight-precision", "lr", "optimizer", "backbone-lr-multiplier", "frames", "backbone", "backbone-weights"]
            + DataPathOption.all.map(\.name)
        for name in names { if let value = arguments.value(name) { values[name] = [value] } }
        return ParsedArguments(positionals: [], values: values, flags: isHead && arguments.flag("freeze-visual") ? ["freeze-visual"] : [])
    }
}
