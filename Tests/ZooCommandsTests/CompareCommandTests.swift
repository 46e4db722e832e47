// `zoo compare` end to end on the shipped digits (small budgets): it checks every combination
// first, writes the five result files, reproduces its quality numbers exactly, and reports a
// combination that fails mid-run as failed while the others complete.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import ZooCatalog
import ZooCommandLine
import ZooCommands
import ZooCore
import ZooManifest

private let registry = commandTestRegistry

private func zoo(_ arguments: [String]) -> (status: Int32, output: String, errors: String) {
    runZoo([CompareCommand(registry: registry)], arguments)
}

private func temporaryDirectory() -> URL { FileManager.default.temporaryDirectory.appendingPathComponent("compare-\(UUID())") }

/// `results.json`'s quality means by combination.
private func qualities(in directory: URL) throws -> [String: [String: Double]] {
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("results.json"))) as? [String: Any]
    var result: [String: [String: Double]] = [:]
    for row in object?["results"] as? [[String: Any]] ?? [] {
        let quality = row["quality"] as? [String: [String: Double]] ?? [:]
        result[row["combination"] as? String ?? ""] = quality.mapValues { $0["mean"] ?? .nan }
    }
    return result
}

@Suite("zoo compare")
struct CompareCommandTests {
    private let specs = ["mlp-student", "student=mlp-student,teacher=mlp-teacher,distill=hinton-kd:0.9,task=0.1"]

    @Test("two combinations over two seeds: the table, five result files, a renderable chart and the same numbers twice")
    func writesResultsAndReproduces() throws {
        let (first, second) = (temporaryDirectory(), temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: first); try? FileManager.default.removeItem(at: second) }
        for out in [first, second] {
            let result = zoo(["compare"] + specs + ["--steps", "4", "--seeds", "0,1", "--out", out.path])
            #expect(result.status == 0, "\(result.errors)")
            #expect(result.output.contains("accuracy %") && result.output.contains("mlp-student"))
        }
        for file in ["results.json", "results.csv", "results.md", "results.svg", "results.txt"] {
            #expect(FileManager.default.fileExists(atPath: first.appendingPathComponent(file).path), "\(file)")
        }
        let printed = try String(contentsOf: first.appendingPathComponent("results.txt"), encoding: .utf8)
        #expect(printed.contains("accuracy %") && printed.contains("* best in its column"))
        let svg = try Data(contentsOf: first.appendingPathComponent("results.svg"))
        #expect(XMLParser(data: svg).parse(), "results.svg is not well-formed XML")
        // The teacher was trained once for each seed and reused.
        for seed in [0, 1] {
            #expect(FileManager.default.fileExists(atPath: first.appendingPathComponent("teachers/mlp-teacher-seed\(seed)/best.safetensors").path))
        }
        let (a, b) = (try qualities(in: first), try qualities(in: second))
        #expect(a.count == 2 && a == b)
    }

    @Test("a combination whose loss becomes NaN is reported as failed and the others still complete")
    func failureIsReported() throws {
        let out = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let exploding = "student=mlp-student,optimizer=sgd,lr=1e30"   // the weights overflow within a few steps
        let result = zoo(["compare", "mlp-student", exploding, "--steps", "3", "--out", out.path])
        #expect(result.status == 1)
        #expect(result.output.contains("failed"), "\(result.output)")
        let csv = try String(contentsOf: out.appendingPathComponent("results.csv"), encoding: .utf8)
        let statuses = csv.split(separator: "\n").dropFirst().map { $0.contains(",ok,") ? "ok" : "failed" }
        #expect(statuses == ["ok", "failed"])
    }

    @Test("a finished run is reused by its experiment's hash; a changed setting is a new run beside it")
    func runsAreReusedByExperiment() throws {
        let out = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let first = zoo(["compare", "mlp-student", "--steps", "3", "--out", out.path])
        let again = zoo(["compare", "mlp-student", "--steps", "3", "--out", out.path])
        #expect(first.status == 0 && again.status == 0, "\(first.errors)\(again.errors)")
        #expect(again.output.contains("reusing the finished run"), "the finished run should have been reused:\n\(again.output)")
        let folder = out.appendingPathComponent("mlp-student/seed0")
        let recorded = try Experiment(contentsOf: folder.appendingPathComponent("experiment.json"))
        #expect(recorded.recipe.steps == 3 && recorded.student.name == "mlp-student")
        let changed = zoo(["compare", "mlp-student", "--steps", "4", "--out", out.path])
        #expect(changed.status == 0, "\(changed.errors)")
        #expect(!changed.output.contains("reusing"), "\(changed.output)")
        var edited = recorded
        edited.recipe.steps = 4
        let beside = out.appendingPathComponent("mlp-student/seed0-\(try edited.contentHash().prefix(8))")
        #expect(try Experiment(contentsOf: beside.appendingPathComponent("experiment.json")) == edited)
        #expect(try Experiment(contentsOf: folder.appendingPathComponent("experiment.json")) == recorded, "the first run is kept")
    }

    @Test("an impossible combination stops the comparison before anything trains")
    func impossibleCombinationIsCheckedFirst() throws {
        let out = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = zoo(["compare", "mlp-student", "student=mlp-student,teacher=clip-tiny,distill=hinton-kd", "--steps", "3", "--out", out.path])
        #expect(result.status == 1)
        #expect(result.errors.contains("cannot run"), "\(result.errors)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("mlp-student").path))
    }
}
