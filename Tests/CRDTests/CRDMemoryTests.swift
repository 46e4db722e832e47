// What CRD's memory promises: Z is set by the first call and then frozen, the update touches
// only the batch's rows (n(½M + ½z)), and the whole state survives state()/load(state:) so that
// a resumed run continues bit for bit, negatives included.
import Foundation
import Testing
import ZooCore
import ZooNN
import ZooTensor
import ZooTestSupport
@testable import CRD

private func batch(_ rows: [Int]) -> Batch { Batch(indices: rows) }

@Suite("CRD memory")
struct CRDMemoryTests {
    @Test("Z is set on the first call so that the first scores average 1/N, then frozen")
    func normalizersFreezeAfterTheFirstCall() throws {
        let crd = try makeCRD()
        #expect(crd.memory!.normalizers.scalars == [-1, -1])
        let (student, teacher) = features(count: 4, seed: 1)
        let first = try crd.terms(student: student, teacher: teacher, batch: batch([0, 5, 9, 13]))
        let z = crd.memory!.normalizers.scalars
        #expect(z.allSatisfy { $0 > 0 })
        let n = Float(crd.memory!.rows)
        for scores in [first.studentScores, first.teacherScores] {
            #expect(Swift.abs(scores.scalars.reduce(0, +) / Float(scores.count) * n - 1) < 1e-4)
        }
        let (student2, teacher2) = features(count: 4, seed: 2)
        _ = try crd.terms(student: student2, teacher: teacher2, batch: batch([1, 2, 3, 4]))
        #expect(crd.memory!.normalizers.scalars == z)
    }

    @Test("the update renormalises ½M[y] + ½z into rows y of both banks and leaves the others alone")
    func updateTouchesOnlyTheBatchRows() throws {
        let crd = try makeCRD()
        let before = snapshot(crd.state())
        let rows = [3, 17, 22]
        let (student, teacher) = features(count: 3, seed: 4)
        let terms = try crd.terms(student: student, teacher: teacher, batch: batch(rows))
        let d = crd.configuration.featureDim
        for (key, z) in [("contrast.memory_v1", terms.studentEmbedding), ("contrast.memory_v2", terms.teacherEmbedding)] {
            let old = before[key]!.scalars, new = crd.state()[key]!.scalars
            for row in 0..<crd.memory!.rows where !rows.contains(row) {
                #expect(Array(old[(row * d)..<((row + 1) * d)]) == Array(new[(row * d)..<((row + 1) * d)]), "\(key) row \(row) changed")
            }
            for (b, row) in rows.enumerated() {
                let mixed = (0..<d).map { 0.5 * old[row * d + $0] + 0.5 * z.scalars[b * d + $0] }
                let norm = mixed.reduce(0) { $0 + $1 * $1 }.squareRoot()
                expectClose(Array(new[(row * d)..<((row + 1) * d)]), mixed.map { $0 / norm }, absolute: 1e-6, "\(key) row \(row)")
            }
        }
    }

    @Test("banks, Z and the call count round-trip through state(), and the next call is bitwise the same")
    func resumedLossContinuesExactly() throws {
        let original = try makeCRD()
        let (student1, teacher1) = features(count: 4, seed: 5)
        _ = try original.terms(student: student1, teacher: teacher1, batch: batch([0, 1, 2, 3]))
        let saved = snapshot(original.state())
        #expect(Set(saved.keys).isSuperset(of: ["contrast.memory_v1", "contrast.memory_v2", "contrast.Z", "contrast.draws",
                                                 "embed_s.linear.weight", "embed_t.linear.bias"]))

        // A loss of the same config whose state has moved elsewhere: other weights, another call.
        let resumed = try makeCRD()
        resumed.studentHead!.linear.weight.assign(Tensor.randomNormal([16, 24], seed: 41))
        let (other, otherTeacher) = features(count: 4, seed: 42)
        _ = try resumed.terms(student: other, teacher: otherTeacher, batch: batch([7, 8, 9, 10]))
        for key in ["contrast.memory_v1", "contrast.Z", "embed_s.linear.weight"] {
            #expect(resumed.state()[key]!.scalars != saved[key]!.scalars, "\(key)")
        }
        try resumed.load(state: saved)

        let (student2, teacher2) = features(count: 4, seed: 6)
        let (student2b, teacher2b) = features(count: 4, seed: 6)
        let next = try original.terms(student: student2, teacher: teacher2, batch: batch([4, 1, 30, 39]))
        let afterResume = try resumed.terms(student: student2b, teacher: teacher2b, batch: batch([4, 1, 30, 39]))
        #expect(next.loss.item.bitPattern == afterResume.loss.item.bitPattern)
        #expect(next.indices == afterResume.indices, "a resumed run draws the same negatives")
        for key in ["contrast.memory_v1", "contrast.memory_v2", "contrast.Z", "contrast.draws"] {
            #expect(original.state()[key]!.scalars == resumed.state()[key]!.scalars, "\(key)")
        }
    }

    @Test("successive calls draw different negatives, from the call counter")
    func callsDrawFreshNegatives() throws {
        let crd = try makeCRD()
        let (student, teacher) = features(count: 2, seed: 7)
        let first = try crd.terms(student: student, teacher: teacher, batch: batch([0, 1])).indices
        let second = try crd.terms(student: student, teacher: teacher, batch: batch([0, 1])).indices
        #expect(first != second)
        #expect(crd.memory!.callCount == 2)
    }
}

