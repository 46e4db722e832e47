// Wrong teacher–student combinations fail before anything trains, with a message naming the
// problem: a teacher of another family, a loss whose taps a model lacks, a teacher checkpoint of
// another architecture. And a right one trains, its teacher trained first when it has no weights.
import Foundation
import Testing
import ZooCatalog
import ZooCommandLine
import ZooCommands
import ZooCore
import ZooManifest
import ZooNN
import ZooTestSupport

private let registry = commandTestRegistry

private func zoo(_ arguments: [String]) -> (status: Int32, output: String, errors: String) {
    runZoo([TrainCommand(registry: registry)], arguments)
}

/// A temporary file holding `module`'s weights.
private func savedWeights(_ module: Module) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("weights-\(UUID()).safetensors")
    try module.saveSafetensors(url)
    return url
}

@Suite("zoo train with teachers and distillation losses")
struct DistillationCommandTests {
    private let out = FileManager.default.temporaryDirectory.appendingPathComponent("distill-\(UUID())")

    @Test("a retrieval teacher for a classification student is refused before training")
    func familyMismatch() throws {
        let teacher = try savedWeights(try registry.create("clip-tiny"))
        defer { try? FileManager.default.removeItem(at: teacher) }
        let result = zoo(["train", "mlp-student", "--teacher", "clip-tiny", "--teacher-weights", teacher.path,
                          "--distill", "hinton-kd", "--out", out.path])
        #expect(result.status == 1)
        #expect(result.errors.contains("retrieval") && result.errors.contains("classification"), "\(result.errors)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("log.jsonl").path))
    }

    @Test("CRD on a student without embeddings names the missing tap")
    func missingTap() throws {
        let (teacher, _) = try registry.composedModel(head: "clip4clip-meanp", backbone: "clip-tiny")
        let weights = try savedWeights(teacher)
        defer { try? FileManager.default.removeItem(at: weights) }
        let result = zoo(["train", "clip4clip-tighttransf", "--teacher", "clip4clip-meanp", "--teacher-weights", weights.path,
                          "--distill", "crd", "--out", out.path])
        #expect(result.status == 1)
        #expect(result.errors.contains("crd needs features from the student"), "\(result.errors)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("log.jsonl").path))
    }

    @Test("a teacher checkpoint of another architecture is refused with its mismatched keys")
    func mismatchedTeacherCheckpoint() throws {
        let wrong = try savedWeights(try registry.create("mlp-student"))
        defer { try? FileManager.default.removeItem(at: wrong) }
        let result = zoo(["train", "mlp-student", "--teacher", "mlp-teacher", "--teacher-weights", wrong.path,
                          "--distill", "hinton-kd", "--out", out.path])
        #expect(result.status == 1)
        #expect(result.errors.contains("does not match"), "\(result.errors)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("log.jsonl").path))
    }

    @Test("a student distilled with Hinton KD and CRD trains and logs both losses")
    func distillationTrains() throws {
        let teacher = try savedWeights(try registry.create("mlp-teacher"))
        defer { try? FileManager.default.removeItem(at: teacher); try? FileManager.default.removeItem(at: out) }
        let result = zoo(["train", "mlp-student", "--teacher", "mlp-teacher", "--teacher-weights", teacher.path,
                          "--distill", "hinton-kd:0.9", "--distill", "crd:0.8", "--task-weight", "0.1", "--steps", "3", "--out", out.path])
        #expect(result.status == 0, "\(result.errors)")
        let log = try String(contentsOf: out.appendingPathComponent("log.jsonl"), encoding: .utf8)
        let first = try #require(log.split(separator: "\n").first)
        let parts = try #require((try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])?["parts"] as? [String: Double])
        #expect(Set(parts.keys) == ["task", "hinton-kd", "crd"])
        #expect(parts.values.allSatisfy { $0.isFinite && $0 > 0 })
    }
}
