// Accuracy counts only real wins: logits that are not numbers stop the evaluation (an argmax
// over NaN picks a class, once counted as a hit for class 0), and a tie for the top is a miss.
import Testing
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor

/// A "classifier" whose logits are given rows, and a split whose labels are given.
private final class FixedLogits: Module, ZooModel {
    let rows: [[Float]]
    init(_ rows: [[Float]]) { self.rows = rows; super.init() }
    var family: Family { .classification }
    var exposedTaps: Set<Tap> { [.logits] }
    func forward(_ batch: Batch) throws -> Outputs {
        let chosen = batch.indices.map { rows[$0] }
        return Outputs([.logits: Tensor(chosen.flatMap { $0 }, shape: [chosen.count, rows[0].count])])
    }
    func taskLoss(_ outputs: Outputs, batch: Batch) throws -> Tensor { Tensor(scalar: 0) }
    func exampleBatch(size: Int, seed: UInt64) -> Batch { Batch(indices: Array(0..<size)) }
}

private struct FixedLabels: ClassificationSource {
    let labels: [Int]
    var name: String { "fixed" }
    var count: Int { labels.count }
    var classNames: [String] { ["a", "b", "c"] }
    func label(_ index: Int) -> Int { labels[index] }
    func batch(_ indices: [Int]) throws -> Batch {
        Batch(integers: ["labels": IntTensor(indices.map { labels[$0] })], indices: indices)
    }
}

@Suite("Classification accuracy")
struct ClassificationEvaluatorTests {
    @Test("the label's logit must beat every other: a tie for the top is a miss")
    func tiesAreMisses() throws {
        let model = FixedLogits([[2, 1, 0], [1, 1, 0], [0, 0, 0], [0, 3, 1]])
        let result = try ClassificationEvaluator(source: FixedLabels(labels: [0, 0, 0, 1])).evaluate(model)
        #expect(result.accuracy == 50 && result.errors == 2 && result.examples == 4)
    }

    @Test("a NaN logit is an error naming the example and class, never a prediction")
    func nanLogitIsAnError() {
        // Before logits were checked, the all-NaN row "predicted" class 0, its label: a hit.
        let model = FixedLogits([[2, 1, 0], [.nan, .nan, .nan]])
        do {
            _ = try ClassificationEvaluator(source: FixedLabels(labels: [0, 0])).evaluate(model)
            Issue.record("NaN logits gave an accuracy")
        } catch let EvaluationError.nonFiniteLogits(count, examples, classes, example, klass, _) {
            #expect(count == 3 && examples == 2 && classes == 3 && example == 1 && klass == 0)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("a label outside the classes is an error, not a crash")
    func labelOutOfRange() {
        #expect(throws: EvaluationError.self) {
            _ = try ClassificationEvaluator(source: FixedLabels(labels: [5])).evaluate(FixedLogits([[1, 2, 3]]))
        }
    }
}
