// CRD inside the trainer: prepared from the first batch and the training set, trained with the
// student, and resumed from a checkpoint bit for bit (heads, banks, Z and the negatives drawn).
import Foundation
import Testing
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor
@testable import CRD

/// A one-hidden-layer classifier exposing `.features` `[B, width]` and `.logits` `[B, 3]`.
private final class TinyClassifier: Module, ZooModel {
    @Child var hidden: Linear
    @Child var output: Linear

    init(width: Int) {
        super.init()
        hidden = Linear(6, width)
        output = Linear(width, 3)
    }

    var family: Family { .classification }
    var exposedTaps: Set<Tap> { [.features, .logits] }

    func forward(_ batch: Batch) throws -> Outputs {
        let features = hidden(try batch.tensor("inputs")).relu()
        return Outputs([.features: features, .logits: output(features)])
    }

    func taskLoss(_ outputs: Outputs, batch: Batch) throws -> Tensor {
        try outputs.require(.logits, from: "tiny").crossEntropy(labels: try batch.integers("labels"))
    }

    func exampleBatch(size: Int, seed: UInt64) -> Batch { Batch() }
}

/// 24 examples of 3 classes with random inputs, batched in a seeded order per epoch.
private struct TinyData: BatchSource {
    let inputs = Tensor.randomNormal([24, 6], seed: 21)
    let labels = (0..<24).map { $0 % 3 }
    var name: String { "tiny/train" }
    var examplesPerEpoch: Int { 24 }
    func batchesPerEpoch(batchSize: Int) -> Int { 24 / batchSize }
    func batch(epoch: Int, index: Int, batchSize: Int, seed: UInt64) throws -> Batch {
        let order = Array(epochPermutation(count: 24, epoch: epoch, seed: seed)[(index * batchSize)..<((index + 1) * batchSize)])
        return Batch(tensors: ["inputs": inputs.indexSelect(axis: 0, indices: IntTensor(order))],
                     integers: ["labels": IntTensor(order.map { labels[$0] })], indices: order)
    }
    var trainingSet: TrainingSetDescription? { TrainingSetDescription(name: name, labels: labels, rows: .examples) }
}

private func makeTrainer(studentSeed: UInt64, out: URL) -> (Trainer, CRDLoss) {
    let student = GlobalRandom.withSeed(studentSeed) { TinyClassifier(width: 5) }
    let teacher = GlobalRandom.withSeed(2) { TinyClassifier(width: 7) }
    let crd = CRDLoss(CRDConfiguration(featureDim: 4, negatives: 100, seed: 9))
    var recipe = TrainingRecipe()
    recipe.optimizer = .adamW
    recipe.learningRate = 0.05
    recipe.batchSize = 6
    recipe.epochs = 2
    recipe.parameterRules = []
    let trainer = Trainer(modelName: "tiny", model: student, teacher: teacher, losses: [("crd", crd, 0.8)], recipe: recipe, seed: 3, data: TinyData())
    trainer.outputDirectory = out
    return (trainer, crd)
}

@Suite("CRD in the trainer")
struct CRDTrainingTests {
    @Test("an interrupted run resumed from its checkpoint ends with the same weights, banks and Z")
    func resumeIsExact() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("crd-trainer-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (straight, straightLoss) = makeTrainer(studentSeed: 1, out: root.appendingPathComponent("a"))
        #expect(try straight.run().steps == 8)
        #expect(straightLoss.negativesPerExample == 16, "capped at 24 − 8")
        #expect(straightLoss.memory!.callCount == 8)

        let (interrupted, _) = makeTrainer(studentSeed: 1, out: root.appendingPathComponent("b"))
        interrupted.stopAfter = 3
        #expect(try interrupted.run().steps == 3)
        let (resumed, resumedLoss) = makeTrainer(studentSeed: 77, out: root.appendingPathComponent("b"))
        #expect(try resumed.run(resume: true).steps == 8)

        for (key, tensor) in straight.model.state() {
            #expect(resumed.model.state()[key]!.scalars == tensor.scalars, "model \(key)")
        }
        for (key, tensor) in straightLoss.state() {
            #expect(resumedLoss.state()[key]!.scalars == tensor.scalars, "crd \(key)")
        }
    }
}
