// What the CRD loss promises: the NCE value of Eq. 18, gradients that match finite differences,
// negatives that never share the positive's class, heads and banks sized by `prepare` from the
// models and the training set, retrieval rows taken from `video.index`, and config or shape
// mistakes explained.
import Foundation
import Testing
import ZooCore
import ZooNN
import ZooTensor
import ZooTestSupport
@testable import CRD

/// 30 examples in 3 classes (0, 1, 2, 0, 1, 2, …).
private let threeClasses = TrainingSetDescription(name: "toy/train", labels: (0..<30).map { $0 % 3 }, rows: .examples)

@Suite("CRD loss")
struct CRDLossTests {
    @Test("the NCE loss is −mean[log(x0/(x0+K/N+ε)) + Σ log((K/N)/(xk+K/N+ε))]")
    func contrastLossMatchesTheFormula() {
        let x = Tensor([0.5, 0.01, 0.2, 0.03, 2.0, 0.4, 0.001, 0.7], shape: [2, 4])
        let value = contrastLoss(x, memoryRows: 10, eps: 1e-7)
        let c = 3.0 / 10, eps = 1e-7
        var expected = 0.0
        for b in 0..<2 {
            let row = x.scalars[(b * 4)..<((b + 1) * 4)].map(Double.init)
            expected += Foundation.log(row[0] / (row[0] + c + eps))
            for k in 1..<4 { expected += Foundation.log(c / (row[k] + c + eps)) }
        }
        #expect(Swift.abs(Double(value.item) + expected / 2) < 1e-5)
    }

    @Test("the gradient with respect to the student's features matches finite differences")
    func gradientMatchesFiniteDifferences() throws {
        let crd = try makeCRD("studentDim=5", "teacherDim=6", "featureDim=4", "negatives=5", "datasetSize=12")
        let teacher = Tensor.randomNormal([3, 6], seed: 1)
        let rows = Batch(indices: [2, 7, 11])
        // Set Z with a first call, then restore the memory before every evaluation so that the
        // function under test has no side effects (the update and the call counter are state).
        _ = try crd.loss(student: Outputs([.features: Tensor.randomNormal([3, 5], seed: 2)]), teacher: Outputs([.features: teacher]), batch: rows)
        let memory = snapshot(crd.state().filter { $0.key.hasPrefix("contrast.") })
        let student = trainable([3, 5], seed: 3)
        expectGradientsMatch([student], step: 1e-2, tolerance: 3e-2) { inputs in
            try! crd.load(state: memory, strict: false)
            return try! crd.loss(student: Outputs([.features: inputs[0]]), teacher: Outputs([.features: teacher]), batch: rows)
        }
    }

    @Test("backward reaches both heads and the student's features, never the banks")
    func gradientsReachTheHeads() throws {
        let crd = try makeCRD()
        let (student, teacher) = features(count: 4, seed: 4)
        try crd.loss(student: student, teacher: teacher, batch: Batch(indices: [0, 1, 2, 3])).backward()
        for (key, tensor) in crd.namedParameters() { #expect(tensor.grad != nil, "\(key)") }
        #expect(student[.features]!.grad != nil)
        #expect(crd.memory!.studentBank.grad == nil && crd.memory!.teacherBank.grad == nil)
    }

    @Test("prepare sizes the heads by the features and the banks by the training set; negatives avoid the positive's class")
    func prepareBuildsFromTheModels() throws {
        let crd = try makeCRD(tiny: false, "featureDim=8", "negatives=16384")
        #expect(!crd.isBuilt)
        let (student, teacher) = features(count: 5, seed: 5, student: 6, teacher: 10)
        try crd.prepare(for: threeClasses, student: student, teacher: teacher)
        let shapes = crd.state().mapValues(\.shape)
        #expect(shapes["embed_s.linear.weight"] == [8, 6] && shapes["embed_t.linear.weight"] == [8, 10])
        #expect(shapes["contrast.memory_v1"] == [30, 8] && shapes["contrast.memory_v2"] == [30, 8])
        #expect(crd.negativesPerExample == 20, "16384 is capped at N − the largest class = 30 − 10")
        let rows = [0, 4, 8, 29, 13]
        let terms = try crd.terms(student: student, teacher: teacher, batch: Batch(indices: rows))
        #expect(terms.indices.shape == [5, 21])
        for (b, row) in rows.enumerated() {
            let line = terms.indices.scalars[(b * 21)..<((b + 1) * 21)]
            #expect(line.first == row)
            #expect(line.dropFirst().allSatisfy { threeClasses.labels[$0] != threeClasses.labels[row] })
        }
        #expect(terms.loss.item.isFinite)
    }

    @Test("prepare refuses sizes that contradict the config, naming the key")
    func prepareChecksFixedSizes() throws {
        let crd = try makeCRD()   // tiny: student 24, teacher 40, N 40
        let (student, teacher) = features(count: 2, seed: 6, student: 10, teacher: 40)
        let set40 = TrainingSetDescription(name: "toy", labels: (0..<40).map { $0 % 4 }, rows: .examples)
        let error = #expect(throws: ZooError.self) { try crd.prepare(for: set40, student: student, teacher: teacher) }
        guard case let .invalidConfig(_, key, _) = error else { Issue.record("\(String(describing: error))"); return }
        #expect(key == "studentDim")
        let (right, rightTeacher) = features(count: 2, seed: 6)
        let wrongSize = TrainingSetDescription(name: "toy", labels: Array(0..<41), rows: .examples)
        #expect(throws: ZooError.self) { try crd.prepare(for: wrongSize, student: right, teacher: rightTeacher) }
    }

    @Test("retrieval memory rows come from the batch's video indices")
    func retrievalRowsFromVideoIndex() throws {
        let crd = try makeCRD(tiny: false, "featureDim=4", "negatives=3")
        let videos = TrainingSetDescription(name: "toy/videos", labels: Array(0..<8), rows: .videos)
        let (student, teacher) = features(count: 2, seed: 7, student: 5, teacher: 5)
        try crd.prepare(for: videos, student: student, teacher: teacher)
        let before = snapshot(crd.state())["contrast.memory_v1"]!.scalars
        let batch = Batch(retrieval: RetrievalInputs(captionIDs: IntTensor([1, 2]), video: .features(Tensor.zeros([2, 1, 1])),
                                                     videoMask: Tensor.ones([2, 1]), videoIndices: [6, 2]), indices: [0, 1])
        let terms = try crd.terms(student: student, teacher: teacher, batch: batch)
        #expect(terms.indices.scalars[0] == 6 && terms.indices.scalars[4] == 2)
        let after = crd.state()["contrast.memory_v1"]!.scalars
        let changed = (0..<8).filter { row in (0..<4).contains { before[row * 4 + $0] != after[row * 4 + $0] } }
        #expect(changed == [2, 6])
    }

    @Test("an unprepared loss without sizes explains what is missing")
    func unpreparedLossThrows() throws {
        let crd = try makeCRD(tiny: false)
        let (student, teacher) = features(count: 2, seed: 8)
        #expect(throws: ZooError.self) { try crd.loss(student: student, teacher: teacher, batch: Batch(indices: [0, 1])) }
    }

    @Test("bad settings are config errors naming the key", arguments: [
        "temperature=0", "momentum=2", "eps=-1", "featureDim=0", "negatives=0", "sampling=random", "seed=-1", "studentDim=0",
    ])
    func badConfig(setting: String) throws {
        let error = #expect(throws: ZooError.self) { try makeCRD(setting) }
        guard case let .invalidConfig(entry, key, _) = error else { Issue.record("\(String(describing: error))"); return }
        #expect(entry == "crd" && setting.hasPrefix(key + "="))
    }

    @Test("given contrast indices must start with the example's own row and have K+1 columns")
    func givenIndicesAreChecked() throws {
        let crd = try makeCRD("sampling=given", "negatives=2")
        let (student, teacher) = features(count: 2, seed: 9)
        let good = Batch(integers: ["contrast_idx": IntTensor([0, 5, 6, 1, 7, 8], shape: [2, 3])], indices: [0, 1])
        #expect(try crd.terms(student: student, teacher: teacher, batch: good).indices.scalars == [0, 5, 6, 1, 7, 8])
        let swapped = Batch(integers: ["contrast_idx": IntTensor([1, 5, 6, 0, 7, 8], shape: [2, 3])], indices: [0, 1])
        #expect(throws: ZooError.self) { try crd.terms(student: student, teacher: teacher, batch: swapped) }
        let wide = Batch(integers: ["contrast_idx": IntTensor([0, 5, 6, 9, 1, 7, 8, 9], shape: [2, 4])], indices: [0, 1])
        #expect(throws: ZooError.self) { try crd.terms(student: student, teacher: teacher, batch: wide) }
        #expect(throws: ZooError.self) { try crd.terms(student: student, teacher: teacher, batch: Batch(indices: [0, 1])) }
    }

    @Test("features of the wrong width and rows outside the memory are refused")
    func shapeMistakes() throws {
        let crd = try makeCRD()
        let (student, teacher) = features(count: 2, seed: 10, student: 23, teacher: 40)
        #expect(throws: ZooError.self) { try crd.loss(student: student, teacher: teacher, batch: Batch(indices: [0, 1])) }
        let (right, rightTeacher) = features(count: 2, seed: 10)
        #expect(throws: ZooError.self) { try crd.loss(student: right, teacher: rightTeacher, batch: Batch(indices: [0, 40])) }
        #expect(throws: ZooError.self) { try crd.loss(student: right, teacher: rightTeacher, batch: Batch(indices: [0])) }
    }
}
