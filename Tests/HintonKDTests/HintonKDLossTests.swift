// What the Hinton KD loss promises: zero when the student copies the teacher, the T²-scaled KL
// of the formula (checked in double precision), gradients that match finite differences, no
// gradient into the teacher, both directions for retrieval matrices, and readable config errors.
import Foundation
import Testing
import ZooCore
import ZooNN
import ZooTensor
import ZooTestSupport
@testable import HintonKD

private func kd(temperature: Float = 4) throws -> HintonKDLoss {
    try #require(try hintonRegistry.createLoss("hinton-kd", overrides: try settings("temperature=\(temperature)")) as? HintonKDLoss)
}

private var classificationBatch: Batch { Batch(integers: ["labels": IntTensor([0, 1, 2])], indices: [0, 1, 2]) }
private var retrievalBatch: Batch {
    Batch(retrieval: RetrievalInputs(captionIDs: IntTensor([1, 2, 3, 4, 5, 6], shape: [3, 2]), video: .features(Tensor.zeros([3, 1, 2])),
                                     videoMask: Tensor.ones([3, 1])), indices: [0, 1, 2])
}

/// T² · (1/B) Σ_b KL(softmax(t_b/T) ‖ softmax(s_b/T)) in double precision, rows of `[B, C]`.
private func referenceKD(_ student: Tensor, _ teacher: Tensor, temperature: Double) -> Double {
    let (rows, classes) = (student.shape[0], student.shape[1])
    let s = student.scalars.map(Double.init), t = teacher.scalars.map(Double.init)
    func logSoftmax(_ x: ArraySlice<Double>) -> [Double] {
        let scaled = x.map { $0 / temperature }, top = scaled.max()!
        let logSum = Foundation.log(scaled.reduce(0) { $0 + Foundation.exp($1 - top) }) + top
        return scaled.map { $0 - logSum }
    }
    var total = 0.0
    for r in 0..<rows {
        let ls = logSoftmax(s[(r * classes)..<((r + 1) * classes)]), lt = logSoftmax(t[(r * classes)..<((r + 1) * classes)])
        for c in 0..<classes { total += Foundation.exp(lt[c]) * (lt[c] - ls[c]) }
    }
    return temperature * temperature * total / Double(rows)
}

@Suite("Hinton KD loss")
struct HintonKDLossTests {
    @Test("KD is zero when the student's logits equal the teacher's")
    func zeroForIdenticalLogits() throws {
        let logits = Tensor.randomNormal([3, 7], standardDeviation: 2, seed: 1)
        let value = try kd().loss(student: Outputs([.logits: logits]), teacher: Outputs([.logits: logits.copy()]), batch: classificationBatch)
        #expect(Swift.abs(value.item) < 1e-6)
        let square = Tensor.randomNormal([3, 3], seed: 2)
        let retrieval = try kd().loss(student: Outputs([.logits: square]), teacher: Outputs([.logits: square.copy()]), batch: retrievalBatch)
        #expect(Swift.abs(retrieval.item) < 1e-6)
    }

    @Test("KD is T² times the mean KL(teacher ‖ student) of the softened distributions", arguments: [1, 4, 20] as [Float])
    func matchesTheFormula(temperature: Float) throws {
        let student = Tensor.randomNormal([3, 5], standardDeviation: 3, seed: 3), teacher = Tensor.randomNormal([3, 5], standardDeviation: 3, seed: 4)
        let value = try kd(temperature: temperature).loss(student: Outputs([.logits: student]), teacher: Outputs([.logits: teacher]),
                                                          batch: classificationBatch)
        let expected = referenceKD(student, teacher, temperature: Double(temperature))
        #expect(Swift.abs(Double(value.item) - expected) <= 1e-5 + 1e-5 * Swift.abs(expected))
        #expect(value.item > 0)
    }

    @Test("the gradient with respect to the student's logits matches finite differences")
    func gradientMatchesFiniteDifferences() throws {
        let loss = try kd(temperature: 2)
        let student = trainable([3, 4], seed: 5, low: -3, high: 3)
        let teacher = Tensor.randomUniform([3, 4], low: -3, high: 3, seed: 6)
        expectGradientsMatch([student], step: 1e-2, tolerance: 1e-2) { inputs in
            try! loss.loss(student: Outputs([.logits: inputs[0]]), teacher: Outputs([.logits: teacher]), batch: classificationBatch)
        }
    }

    @Test("the teacher is a constant: no gradient reaches its logits")
    func teacherGetsNoGradient() throws {
        let student = trainable([3, 4], seed: 7), teacher = trainable([3, 4], seed: 8)
        try kd().loss(student: Outputs([.logits: student]), teacher: Outputs([.logits: teacher]), batch: classificationBatch).backward()
        #expect(student.grad != nil)
        #expect(teacher.grad == nil)
    }

    @Test("retrieval logits are distilled along rows and along columns, averaged")
    func retrievalIsSymmetric() throws {
        let loss = try kd(temperature: 3)
        let student = Tensor.randomNormal([3, 3], standardDeviation: 2, seed: 9), teacher = Tensor.randomNormal([3, 3], standardDeviation: 2, seed: 10)
        let value = try loss.loss(student: Outputs([.logits: student]), teacher: Outputs([.logits: teacher]), batch: retrievalBatch)
        let rows = referenceKD(student, teacher, temperature: 3)
        let columns = referenceKD(student.transposed().copy(), teacher.transposed().copy(), temperature: 3)
        #expect(Swift.abs(Double(value.item) - (rows + columns) / 2) < 1e-5)
        // The same logits in a classification batch use the rows only.
        let classification = try loss.loss(student: Outputs([.logits: student]), teacher: Outputs([.logits: teacher]), batch: classificationBatch)
        #expect(Swift.abs(Double(classification.item) - rows) < 1e-5)
        #expect(Swift.abs(rows - columns) > 1e-3)
    }

    @Test("a temperature that is not positive is a config error naming the key")
    func badTemperature() throws {
        for bad in ["temperature=0", "temperature=-4", "kdWeight=-1"] {
            let error = #expect(throws: ZooError.self) {
                _ = try hintonRegistry.createLoss("hinton-kd", overrides: try settings(bad))
            }
            guard case let .invalidConfig(entry, key, _) = error else { Issue.record("\(bad): \(String(describing: error))"); continue }
            #expect(entry == "hinton-kd" && bad.hasPrefix(key))
        }
    }

    @Test("the recommended weights come from zoo.json and are not applied by the loss")
    func recommendedWeights() throws {
        let loss = try kd()
        #expect(loss.recommendedTaskWeight == 0.1 && loss.recommendedDistillationWeight == 0.9)
        let student = Tensor.randomNormal([3, 5], seed: 11), teacher = Tensor.randomNormal([3, 5], seed: 12)
        let value = try loss.loss(student: Outputs([.logits: student]), teacher: Outputs([.logits: teacher]), batch: classificationBatch)
        #expect(Swift.abs(Double(value.item) - referenceKD(student, teacher, temperature: 4)) < 1e-5)
    }

    @Test("student and teacher logits of different shapes are refused with an explanation")
    func shapeMismatch() throws {
        #expect(throws: ZooError.self) {
            try kd().loss(student: Outputs([.logits: Tensor.zeros([3, 5])]), teacher: Outputs([.logits: Tensor.zeros([3, 6])]),
                          batch: classificationBatch)
        }
        #expect(throws: ZooError.self) {
            try kd().loss(student: Outputs([.features: Tensor.zeros([3, 5])]), teacher: Outputs([.logits: Tensor.zeros([3, 5])]),
                          batch: classificationBatch)
        }
    }
}
