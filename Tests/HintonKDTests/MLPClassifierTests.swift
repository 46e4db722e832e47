// What the digits classifiers promise: the shapes and keys zoo.json's config describes, features
// that are the last hidden layer, dropout only in training, the cross-entropy task loss, and
// config or input mistakes explained instead of crashes.
import Foundation
import Testing
import ZooCore
import ZooNN
import ZooTensor
import ZooTestSupport
@testable import HintonKD

private func model(_ name: String, _ arguments: String...) throws -> MLPClassifier {
    let overrides = try ConfigOverrides(arguments: arguments).overrides()
    return try #require(try GlobalRandom.withSeed(1) { try hintonRegistry.createModel(name, tiny: true, overrides: overrides) } as? MLPClassifier)
}

@Suite("MLP digits classifiers")
struct MLPClassifierTests {
    @Test("the teacher has the keys and shapes of its config")
    func keysAndShapes() throws {
        let teacher = try model("mlp-teacher", "hidden=[12, 7]", "classes=5")
        let shapes = teacher.state().mapValues(\.shape)
        #expect(shapes == ["layers.0.weight": [12, 64], "layers.0.bias": [12], "layers.1.weight": [7, 12], "layers.1.bias": [7],
                           "classifier.weight": [5, 7], "classifier.bias": [5]])
        teacher.eval()
        let batch = teacher.exampleBatch(size: 4, seed: 2)
        let outputs = try teacher.forward(batch)
        #expect(outputs[.logits]?.shape == [4, 5])
        #expect(outputs[.features]?.shape == [4, 7])
        #expect(teacher.exposedTaps == outputs.names)
    }

    @Test("the features are the last hidden ReLU layer and the logits are the classifier of them")
    func featuresFeedTheClassifier() throws {
        let student = try model("mlp-student")
        student.eval()
        let outputs = try student.forward(student.exampleBatch(size: 3, seed: 3))
        let features = try #require(outputs[.features]), logits = try #require(outputs[.logits])
        #expect(features.scalars.allSatisfy { $0 >= 0 })
        expectClose(noGrad { student.classifier(features) }.scalars, logits.scalars, "logits")
    }

    @Test("dropout is active in training and off in evaluation")
    func dropoutFollowsTheMode() throws {
        let teacher = try model("mlp-teacher")
        let batch = teacher.exampleBatch(size: 4, seed: 4)
        teacher.eval()
        let first = try noGrad { try teacher.forward(batch)[.logits]!.scalars }
        let second = try noGrad { try teacher.forward(batch)[.logits]!.scalars }
        #expect(first == second)
        teacher.train()
        let trained = try GlobalRandom.withSeed(5) { try noGrad { try teacher.forward(batch)[.logits]!.scalars } }
        #expect(trained != first)
        let again = try GlobalRandom.withSeed(5) { try noGrad { try teacher.forward(batch)[.logits]!.scalars } }
        #expect(trained == again, "dropout draws from the seeded stream")
    }

    @Test("the task loss is the mean cross-entropy on the labels")
    func taskLossIsCrossEntropy() throws {
        let student = try model("mlp-student")
        student.eval()
        let batch = student.exampleBatch(size: 5, seed: 6)
        let outputs = try student.forward(batch)
        let loss = try student.taskLoss(outputs, batch: batch)
        let logits = outputs[.logits]!.scalars, labels = try batch.integers("labels").scalars
        var expected = 0.0
        for r in 0..<5 {
            let row = logits[(r * 10)..<((r + 1) * 10)].map(Double.init), top = row.max()!
            expected -= row[labels[r]] - top - Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - top) })
        }
        #expect(Swift.abs(Double(loss.item) - expected / 5) < 1e-5)
    }

    @Test("inputs of the wrong width and bad hidden sizes are explained, not crashes")
    func mistakesAreErrors() throws {
        let student = try model("mlp-student")
        let wrong = Batch(tensors: ["inputs": Tensor.zeros([2, 32])], integers: ["labels": IntTensor([0, 1])], indices: [0, 1])
        #expect(throws: ZooError.self) { try student.forward(wrong) }
        for bad in ["hidden=[]", "hidden=[8, 0]", "dropout=1", "inputDropout=-0.1"] {
            #expect(throws: ZooError.self, "\(bad)") { try model("mlp-student", bad) }
        }
        let outputs = try student.forward(student.exampleBatch(size: 2, seed: 7))
        let badLabels = Batch(tensors: [:], integers: ["labels": IntTensor([0, 10])], indices: [0, 1])
        #expect(throws: ZooError.self) { try student.taskLoss(outputs, batch: badLabels) }
    }
}
