// Runs are experiments: every run folder keeps its experiment.json, `zoo train --experiment`
// re-runs it to the same checkpoint bytes, flags are edits of the value, and the program of
// docs/library.md is exactly the one the build compiles, and it runs.
import Foundation
import Testing
import ZooCommands
import ZooCore

private let registry = commandTestRegistry
private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func zoo(_ arguments: String...) -> (status: Int32, output: String, errors: String) {
    runZoo([TrainCommand(registry: registry), EvalCommand(registry: registry)], arguments)
}

private func temporaryDirectory() -> URL { FileManager.default.temporaryDirectory.appendingPathComponent("experiment-\(UUID())") }

@Suite("Experiments")
struct ExperimentTests {
    @Test("a run folder keeps experiment.json, and --experiment re-runs it to byte-identical checkpoints")
    func rerunIsExact() throws {
        let (first, second) = (temporaryDirectory(), temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: first); try? FileManager.default.removeItem(at: second) }
        let trained = zoo("train", "mlp-student", "--steps", "5", "--lr", "0.02", "--seed", "3", "--set", "hidden=[16]", "--out", first.path)
        #expect(trained.status == 0, "\(trained.errors)")
        let recorded = try Experiment(contentsOf: first.appendingPathComponent("experiment.json"))
        #expect(recorded.student == ModelSpec(name: "mlp-student", settings: ["hidden": "[16]"]))
        #expect(recorded.recipe.steps == 5 && recorded.recipe.learningRate == 0.02 && recorded.seed == 3 && recorded.data.dataset == "digits")
        let again = zoo("train", "--experiment", first.appendingPathComponent("experiment.json").path, "--out", second.path)
        #expect(again.status == 0, "\(again.errors)")
        for file in ["last.safetensors", "best.safetensors", "experiment.json", "metrics.json"] {
            let (a, b) = (try Data(contentsOf: first.appendingPathComponent(file)), try Data(contentsOf: second.appendingPathComponent(file)))
            #expect(a == b, "\(file) differs between the run and its re-run")
        }
    }

    @Test("--experiment takes no flags that would change the run")
    func experimentFileIsNotEdited() throws {
        let result = zoo("train", "--experiment", "x.json", "--lr", "1")
        #expect(result.status == 2)
        #expect(result.errors.contains("edit the file instead of adding --lr"), "\(result.errors)")
    }

    @Test("a folder holding another experiment is not overwritten")
    func otherRunIsKept() throws {
        let out = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(zoo("train", "mlp-student", "--steps", "2", "--out", out.path).status == 0)
        let other = zoo("train", "mlp-student", "--steps", "3", "--out", out.path)
        #expect(other.status == 1)
        #expect(other.errors.contains("holds another run"), "\(other.errors)")
    }

    @Test("a run folder another process is writing is refused; a dead process's lock is taken over")
    func runFolderLock() throws {
        let out = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let lock = out.appendingPathComponent("run.lock")
        try Data("1\n".utf8).write(to: lock)   // process 1 is always alive
        let refused = zoo("train", "mlp-student", "--steps", "1", "--out", out.path)
        #expect(refused.status == 1 && refused.errors.contains("being written by another run (process 1)"), "\(refused.errors)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("last.safetensors").path))
        try Data("999999999\n".utf8).write(to: lock)   // no such process
        let taken = zoo("train", "mlp-student", "--steps", "1", "--out", out.path)
        #expect(taken.status == 0, "\(taken.errors)")
        #expect(!FileManager.default.fileExists(atPath: lock.path), "the lock is released after the run")
    }

    @Test("an experiment of an earlier training revision is a different experiment and does not train")
    func trainingRevision() throws {
        var experiment = try Experiment(resolving: "mlp-student", in: commandTestRegistry)
        #expect(experiment.trainingRevision == Experiment.currentTrainingRevision)
        let current = try experiment.contentHash()
        experiment.trainingRevision = nil   // as an experiment.json written before revisions were recorded reads
        #expect(try experiment.contentHash() != current)
        #expect {
            _ = try BuiltRun(experiment, registry: commandTestRegistry)
        } throws: { error in
            "\(error)".contains("training revision 1 (unrecorded)") && "\(error)".contains("revision \(Experiment.currentTrainingRevision)")
        }
    }

    @Test("the experiment's JSON round-trips, and its hash changes with any setting")
    func jsonAndHash() throws {
        var experiment = try Experiment(resolving: "kd/mlp-student_from_mlp-teacher", in: registry)
        #expect(experiment.teachers == [TeacherSpec(name: "mlp-teacher")])
        #expect(experiment.losses == [LossTerm(name: "hinton-kd", weight: 0.9, settings: ["temperature": "4"])])
        #expect(experiment.taskWeight == 0.1 && experiment.data.dataset == "digits")
        let decoded = try JSONDecoder().decode(Experiment.self, from: try experiment.jsonData())
        #expect(try decoded == experiment && decoded.contentHash() == experiment.contentHash())
        let before = try experiment.contentHash()
        experiment.losses[0].weight = 0.8
        #expect(try experiment.contentHash() != before)
    }

    @Test("docs/library.md shows exactly the example program the build compiles, and that program trains a distilled student")
    func libraryExample() throws {
        let page = try String(contentsOf: packageRoot.appendingPathComponent("docs/library.md"), encoding: .utf8)
        let program = try String(contentsOf: packageRoot.appendingPathComponent("Examples/LibraryExample/main.swift"), encoding: .utf8)
        let block = try #require(page.components(separatedBy: "```swift\n").dropFirst().first?.components(separatedBy: "```").first)
        #expect(block == program, "docs/library.md's program differs from Examples/LibraryExample/main.swift")
        #expect(program.split(separator: "\n").count <= 30)

        // The built program sits beside the test bundle.
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [products, products.deletingLastPathComponent()].map { $0.appendingPathComponent("library-example") }
        let executable = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
                                      "library-example was not built next to the tests (looked in \(candidates.map(\.path)))")
        let runs = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: runs) }
        let process = Process()
        process.executableURL = executable
        process.arguments = [runs.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(printed.contains("teacher: accuracy") && printed.contains("student: accuracy"), "\(printed)")
        let student = try Experiment(contentsOf: runs.appendingPathComponent("student/experiment.json"))
        #expect(student.losses.map(\.name) == ["hinton-kd"] && student.teachers.first?.weights != nil)
    }
}
