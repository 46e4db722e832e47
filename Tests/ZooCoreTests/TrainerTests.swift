import Foundation
import Testing
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor
import ZooTestSupport

/// Random inputs with labels from a fixed linear rule; `poisonAfter` puts NaN into later batches.
struct ToyClassificationData: BatchSource {
    let inputs: Tensor, labels: [Int]
    var poisonFromBatch: Int? = nil
    var name: String { "toy-data" }
    var examplesPerEpoch: Int { labels.count }

    init(count: Int = 48, seed: UInt64 = 5) {
        inputs = Tensor.randomNormal([count, 6], seed: seed)
        let x = inputs.scalars
        labels = (0..<count).map { (i: Int) -> Int in
            let first: Float = x[i * 6] + x[i * 6 + 1]
            if first <= 0 { return 0 }
            return x[i * 6 + 2] > 0 ? 2 : 1
        }
    }

    func batchesPerEpoch(batchSize: Int) -> Int { labels.count / batchSize }

    func batch(epoch: Int, index: Int, batchSize: Int, seed: UInt64) throws -> Batch {
        let order = Array(epochPermutation(count: labels.count, epoch: epoch, seed: seed)[(index * batchSize)..<((index + 1) * batchSize)])
        var rows = inputs.indexSelect(axis: 0, indices: IntTensor(order))
        if let poison = poisonFromBatch, epoch * batchesPerEpoch(batchSize: batchSize) + index >= poison {
            rows = rows * Float.nan
        }
        return Batch(tensors: ["inputs": rows], integers: ["labels": IntTensor(order.map { labels[$0] })], indices: order)
    }
}

private func scratchDirectory() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("trainer-\(UUID())")
}

private func makeTrainer(seed: UInt64, data: ToyClassificationData = ToyClassificationData(), out: URL?) throws -> Trainer {
    let registry = try Registry(manifest: toyManifest, entries: [ToyEntry.self])
    let model = try GlobalRandom.withSeed(seed) { try registry.createModel("toy-classifier") }
    var recipe = TrainingRecipe()
    recipe.optimizer = .adamW
    recipe.learningRate = 0.05
    recipe.batchSize = 8
    recipe.epochs = 2
    recipe.parameterRules = []
    let trainer = Trainer(modelName: "toy-classifier", model: model, recipe: recipe, seed: 11, data: data)
    trainer.outputDirectory = out
    trainer.progress = try ProgressReporter(logURL: out.map { try? FileManager.default.createDirectory(at: $0, withIntermediateDirectories: true); return $0.appendingPathComponent("log.jsonl") })
    trainer.progress?.quiet = true
    return trainer
}

@Suite("Trainer")
struct TrainerTests {
    @Test("an interrupted run resumed from its checkpoint ends with bit-identical weights")
    func resumeIsExact() throws {
        let a = scratchDirectory(), b = scratchDirectory()
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        let uninterrupted = try makeTrainer(seed: 1, out: a)
        let full = try uninterrupted.run()
        #expect(full.steps == 12)

        let interrupted = try makeTrainer(seed: 1, out: b)
        interrupted.stopAfter = 5
        #expect(try interrupted.run().steps == 5)
        let resumed = try makeTrainer(seed: 77, out: b)   // other initial weights: all must come from the checkpoint
        #expect(try resumed.run(resume: true).steps == 12)

        for (key, tensor) in uninterrupted.model.state() {
            #expect(resumed.model.state()[key]!.scalars == tensor.scalars, "\(key)")
        }
        let losses = { (url: URL) in
            try String(contentsOf: url.appendingPathComponent("log.jsonl"), encoding: .utf8).split(separator: "\n")
                .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.compactMap { $0["loss"] as? Double }
        }
        #expect(try losses(a) == losses(b))   // the interrupted run's log continues the same curve
    }

    @Test("a stop request (Ctrl-C) ends the run after its step with a checkpoint, and the resumed run ends bit-identical")
    func stopRequestIsResumable() throws {
        let (a, b) = (scratchDirectory(), scratchDirectory())
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        let uninterrupted = try makeTrainer(seed: 1, out: a)
        _ = try uninterrupted.run()

        let interrupted = try makeTrainer(seed: 1, out: b)
        var asked = 0
        interrupted.shouldStop = { asked += 1; return asked == 3 }   // pressed during step 3 (mid-epoch: no epoch checkpoint)
        #expect {
            try interrupted.run()
        } throws: { error in
            guard case let TrainingError.interrupted(step, total, checkpoint)? = error as? TrainingError else { return false }
            return step == 3 && total == 12 && checkpoint == b.appendingPathComponent("last.safetensors").path
        }
        let resumed = try makeTrainer(seed: 77, out: b)
        #expect(try resumed.run(resume: true).steps == 12)
        for (key, tensor) in uninterrupted.model.state() {
            #expect(resumed.model.state()[key]!.scalars == tensor.scalars, "\(key)")
        }
    }

    @Test("gradient accumulation over two half batches trains as the whole batch does (a per-example loss)")
    func gradientAccumulationMatchesTheWholeBatch() throws {
        let whole = try makeTrainer(seed: 1, out: nil)
        _ = try whole.run()
        let split = try makeTrainer(seed: 1, out: nil)
        var recipe = split.recipe
        recipe.gradientAccumulation = 2
        let accumulated = Trainer(modelName: "toy-classifier", model: split.model, recipe: recipe, seed: 11, data: ToyClassificationData())
        #expect(accumulated.plannedSteps == whole.plannedSteps && recipe.microBatchSize == 4)
        #expect(try accumulated.run().steps == whole.plannedSteps)
        for (key, tensor) in whole.model.state() {
            expectClose(accumulated.model.state()[key]!.scalars, tensor.scalars, absolute: 1e-5, relative: 1e-4, key)
        }
    }

    @Test("more micro-batches than examples in a batch is refused")
    func accumulationBeyondTheBatch() throws {
        var recipe = try makeTrainer(seed: 1, out: nil).recipe
        recipe.gradientAccumulation = 9   // batch of 8
        let trainer = Trainer(modelName: "toy-classifier", model: try makeTrainer(seed: 1, out: nil).model, recipe: recipe, seed: 11,
                              data: ToyClassificationData())
        #expect(throws: TrainingError.self) { try trainer.run() }
    }

    @Test("a resume drops the log lines written past the checkpoint and the leftover temporary files")
    func resumeCleansUp() throws {
        let (a, b) = (scratchDirectory(), scratchDirectory())
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        _ = try makeTrainer(seed: 1, out: a).run()
        let interrupted = try makeTrainer(seed: 1, out: b)
        interrupted.stopAfter = 5
        _ = try interrupted.run()
        // What a kill between checkpoints leaves: steps logged past step 5, a half-written checkpoint.
        let log = b.appendingPathComponent("log.jsonl")
        let handle = try FileHandle(forWritingTo: log)
        try handle.seekToEnd()
        handle.write(Data("{\"loss\":9,\"step\":6}\n{\"loss\":9,\"step\":7}\n{\"lo".utf8))
        try handle.close()
        let leftover = b.appendingPathComponent(".last.safetensors.tmp-1234")
        try Data([1, 2, 3]).write(to: leftover)
        _ = try makeTrainer(seed: 1, out: b).run(resume: true)
        let steps = { (url: URL) in
            try String(contentsOf: url.appendingPathComponent("log.jsonl"), encoding: .utf8).split(separator: "\n")
                .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.compactMap { $0["step"] as? Int }
        }
        #expect(try steps(b) == steps(a))
        #expect(!FileManager.default.fileExists(atPath: leftover.path))
    }

    @Test("training lowers the loss and writes a JSONL line per step")
    func learnsAndLogs() throws {
        let out = scratchDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let trainer = try makeTrainer(seed: 2, out: out)
        let before = try noGrad { try trainer.model.taskLoss(trainer.model.forward(try trainer.data.batch(epoch: 0, index: 0, batchSize: 48, seed: 0)),
                                                             batch: try trainer.data.batch(epoch: 0, index: 0, batchSize: 48, seed: 0)) }
        let summary = try trainer.run()
        trainer.model.eval()
        let batch = try trainer.data.batch(epoch: 0, index: 0, batchSize: 48, seed: 0)
        let after = try noGrad { try trainer.model.taskLoss(trainer.model.forward(batch), batch: batch) }
        #expect(after.item < before.item)
        let lines = try String(contentsOf: out.appendingPathComponent("log.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == summary.steps)
    }

    @Test("a truncated checkpoint is refused with an error that says it is truncated")
    func truncatedCheckpoint() throws {
        let out = scratchDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let trainer = try makeTrainer(seed: 3, out: out)
        trainer.stopAfter = 3
        _ = try trainer.run()
        let last = out.appendingPathComponent("last.safetensors")
        let data = try Data(contentsOf: last)
        try data.prefix(data.count - 100).write(to: last)
        #expect { try makeTrainer(seed: 3, out: out).run(resume: true) } throws: { String(describing: $0).contains("truncated") }
    }

    @Test("a NaN loss stops the run, names the step and keeps the last good checkpoint")
    func nonFiniteLoss() throws {
        let out = scratchDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        var data = ToyClassificationData()
        data.poisonFromBatch = 7                           // epoch 1 (6 batches per epoch), second batch
        let trainer = try makeTrainer(seed: 4, data: data, out: out)
        #expect { try trainer.run() } throws: { error in
            let text = String(describing: error)
            return text.contains("step 8") && text.contains("last.safetensors")
        }
        // The checkpoint on disk is the one written at the end of epoch 0 (step 6), untouched.
        let kept = try SafetensorsFile(contentsOf: out.appendingPathComponent("last.safetensors"))
        let state = try JSONSerialization.jsonObject(with: Data(kept.metadata["zoo.trainer", default: ""].utf8)) as? [String: Any]
        #expect(state?["step"] as? Int == 6)
    }

    @Test("a run never overwrites an existing one without --resume")
    func refusesToOverwrite() throws {
        let out = scratchDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let first = try makeTrainer(seed: 5, out: out)
        first.stopAfter = 1
        _ = try first.run()
        #expect { try makeTrainer(seed: 5, out: out).run() } throws: { String(describing: $0).contains("--resume") }
    }
}
