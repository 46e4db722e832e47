// What CRD's negative sampler promises: the positive first, then K distinct rows of other
// classes, K capped so every row can have that many, and draws fixed by (seed, call).
import Testing
import ZooCore
import ZooTensor
@testable import CRD

/// 30 rows in 4 classes of sizes 12, 8, 6 and 4, interleaved.
private let labels: [Int] = (0..<30).map { [0, 1, 0, 2, 0, 1, 3, 0, 2, 1][$0 % 10] }

@Suite("CRD negative sampler")
struct NegativeSamplerTests {
    @Test("each row is its own positive, followed by K distinct rows of other classes")
    func negativesComeFromOtherClasses() throws {
        let sampler = try NegativeSampler(labels: labels, requested: 10, seed: 3)
        let rows = [0, 1, 3, 6, 29, 7]
        let drawn = sampler.draw(rows: rows, call: 0)
        #expect(drawn.count == rows.count * 11)
        for (b, row) in rows.enumerated() {
            let line = Array(drawn[(b * 11)..<((b + 1) * 11)])
            #expect(line[0] == row)
            let negatives = line.dropFirst()
            #expect(negatives.allSatisfy { labels[$0] != labels[row] }, "row \(row): \(negatives)")
            #expect(Set(negatives).count == 10, "row \(row): repeated negatives \(negatives)")
        }
    }

    @Test("K is capped at N minus the largest class, so the largest class gets every other row")
    func capAtTheLargestClass() throws {
        let largest = labels.filter { $0 == 0 }.count
        #expect(NegativeSampler.availableNegatives(labels: labels) == 30 - largest)
        let sampler = try NegativeSampler(labels: labels, requested: 16384, seed: 0)
        #expect(sampler.negatives == 30 - largest)
        let drawn = sampler.draw(rows: [0], call: 5)
        #expect(Set(drawn.dropFirst()) == Set((0..<30).filter { labels[$0] != 0 }))
    }

    @Test("a retrieval set (every row its own class) contrasts with every other row")
    func everyRowItsOwnClass() throws {
        let sampler = try NegativeSampler(labels: Array(0..<6), requested: 100, seed: 1)
        #expect(sampler.negatives == 5)
        let drawn = sampler.draw(rows: [2, 4], call: 0)
        #expect(Set(drawn[1..<6]) == [0, 1, 3, 4, 5])
        #expect(Set(drawn[7..<12]) == [0, 1, 2, 3, 5])
    }

    @Test("the draw depends only on the seed and the call number")
    func drawsAreReproducible() throws {
        let sampler = try NegativeSampler(labels: labels, requested: 10, seed: 7)
        let rows = [1, 2, 3]
        #expect(sampler.draw(rows: rows, call: 4) == (try NegativeSampler(labels: labels, requested: 10, seed: 7)).draw(rows: rows, call: 4))
        #expect(sampler.draw(rows: rows, call: 4) != sampler.draw(rows: rows, call: 5))
        #expect(sampler.draw(rows: rows, call: 4) != (try NegativeSampler(labels: labels, requested: 10, seed: 8)).draw(rows: rows, call: 4))
    }

    @Test("a training set of one class is refused with an explanation")
    func oneClassIsAnError() {
        #expect(throws: ZooError.self) { try NegativeSampler(labels: [3, 3, 3], requested: 2, seed: 0) }
    }
}
