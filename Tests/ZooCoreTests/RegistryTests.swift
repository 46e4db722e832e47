import Testing
import ZooCatalog
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor

@Suite("Registry")
struct RegistryTests {
    @Test("create builds an entry from its config, with tinyConfig and overrides merged in")
    func createWithConfigs() throws {
        let registry = try Registry(manifest: toyManifest, entries: [ToyEntry.self])
        let full = try registry.createModel("toy-classifier") as! ToyClassifier
        #expect(full.hidden.weight.shape == [16, 6])
        let tiny = try registry.createModel("toy-classifier", tiny: true) as! ToyClassifier
        #expect(tiny.hidden.weight.shape == [4, 6])
        let overridden = try registry.createModel("toy-classifier", overrides: try JSONParser.parse(#"{"classes": 5}"#)) as! ToyClassifier
        #expect(overridden.output.weight.shape == [5, 16])
    }

    @Test("an override of a setting the entry does not have is an error with a did-you-mean")
    func unknownOverride() throws {
        let registry = try Registry(manifest: toyManifest, entries: [ToyEntry.self])
        #expect {
            _ = try registry.create("toy-classifier", overrides: try JSONParser.parse(#"{"widht": 3}"#))
        } throws: { String(describing: $0).contains("widht") && String(describing: $0).contains("\"width\"") }
    }

    @Test("a config value of the wrong type names the entry, the key and the problem")
    func wrongConfigType() throws {
        let registry = try Registry(manifest: toyManifest, entries: [ToyEntry.self])
        #expect(throws: ZooError.invalidConfig(entry: "toy-classifier", key: "width", problem: "must be an integer, not a string (\"wide\")")) {
            _ = try registry.create("toy-classifier", overrides: try JSONParser.parse(#"{"width": "wide"}"#))
        }
    }

    @Test("registering a name twice is an error naming both owners")
    func duplicateRegistration() {
        #expect(throws: RegistryError.duplicate(name: "toy-classifier", firstOwner: "ToyEntry", secondOwner: "DuplicateToyEntry")) {
            _ = try Registry(manifest: toyManifest, entries: [ToyEntry.self, DuplicateToyEntry.self])
        }
    }

    @Test("an unknown name suggests the nearest ones, even when none is close")
    func unknownNames() throws {
        let registry = try Registry(manifest: toyManifest, entries: [ToyEntry.self])
        #expect { _ = try registry.create("toy-clasifier") } throws: { String(describing: $0).contains("Did you mean \"toy-classifier\"") }
        #expect { _ = try registry.create("nosuchmodel") } throws: { String(describing: $0).contains("Did you mean") }
    }

    @Test("a planned entry cannot be created and says it is on the roadmap")
    func plannedEntry() throws {
        let registry = try Registry(manifest: toyManifest, entries: [ToyEntry.self])
        #expect(throws: ZooError.notBuilt("toy-planned", status: "planned")) { _ = try registry.create("toy-planned") }
    }

    @Test("asking for a model by the name of a head is a kind error")
    func wrongKind() throws {
        let registry = try Registry(manifest: toyManifest, entries: [ToyEntry.self])
        #expect(throws: ZooError.wrongKind(name: "toy-head", expected: "model", actual: "head")) { _ = try registry.createModel("toy-head") }
    }

    @Test("a non-planned entry without a factory fails registration")
    func missingFactory() {
        #expect(throws: RegistryError.notRegistered(name: "toy-classifier", target: "Toys")) {
            _ = try Registry(manifest: toyManifest, entries: [])
        }
    }

    @Test("--set arguments become JSON overrides per component")
    func setArguments() throws {
        let overrides = try ConfigOverrides(arguments: ["layers=2", "hinton-kd.temperature=4", "name=abc", "sizes=[1,2]"],
                                            components: ["hinton-kd"])
        #expect(overrides.overrides() == (try JSONParser.parse(#"{"layers":2,"name":"abc","sizes":[1,2]}"#)))
        #expect(overrides.overrides(for: "hinton-kd") == (try JSONParser.parse(#"{"temperature":4}"#)))
        #expect(throws: ZooError.self) { _ = try ConfigOverrides(arguments: ["layers"]) }
    }
}

@Suite("Combination checks")
struct CombinationTests {
    @Test("a loss whose taps the models expose passes; a family mismatch and missing taps are explained")
    func combinationProblems() throws {
        let registry = try Registry(manifest: toyManifest, entries: [ToyEntry.self])
        let student = try registry.createModel("toy-classifier", tiny: true)
        let teacher = try registry.createModel("toy-classifier")
        let loss = try registry.createLoss("toy-loss")
        let good = Combination(studentName: "toy-classifier", student: student, teacherName: "toy-classifier", teacher: teacher,
                               losses: [("toy-loss", loss, 1)])
        #expect(good.problems().isEmpty)

        let noTeacher = Combination(studentName: "toy-classifier", student: student, losses: [("toy-loss", loss, 1)])
        #expect(noTeacher.problems().first?.contains("need a teacher") == true)

        final class Blind: Module, DistillationLoss {
            var requiredStudentTaps: Set<Tap> { [.textEmbedding] }
            var requiredTeacherTaps: Set<Tap> { [.similarity] }
            var families: Set<Family> { [.retrieval] }
            func loss(student: Outputs, teacher: Outputs, batch: Batch) throws -> Tensor { Tensor(scalar: 0) }
            func exampleInputs(size: Int, seed: UInt64) -> (student: Outputs, teacher: Outputs, batch: Batch) { (Outputs(), Outputs(), Batch()) }
        }
        let bad = Combination(studentName: "toy-classifier", student: student, teacherName: "toy-classifier", teacher: teacher,
                              losses: [("blind", Blind(), 1)])
        let problems = bad.problems()
        #expect(problems.count == 3)
        #expect(problems.contains { $0.contains("not defined for classification") })
        #expect(problems.contains { $0.contains("embedding.text") && $0.contains("from the student") })
        #expect(throws: ZooError.self) { try bad.check() }
    }
}

@Suite("Typed configurations")
struct TypedConfigurationTests {
    private let catalog = try! ZooCatalog.registry()

    @Test("defaults follow the spec sheet, written once in each method's configuration type")
    func defaultsFollowTheSpecSheet() throws {
        let kd = try #require(try catalog.effectiveConfiguration(for: "hinton-kd"))
        #expect(kd["temperature"]?.doubleValue == 4 && kd["ceWeight"]?.doubleValue == 0.1 && kd["kdWeight"]?.doubleValue == 0.9)
        let xclip = try #require(try catalog.effectiveConfiguration(for: "xclip"))
        #expect(xclip["tau"]?.doubleValue == 0.01 && xclip["frames"]?.intValue == 12 && xclip["words"]?.intValue == 32)
        let teachclip = try #require(try catalog.effectiveConfiguration(for: "teachclip"))
        #expect(teachclip["afaTemperature"]?.doubleValue == 0.1 && teachclip["afaLRMultiplier"]?.doubleValue == 10)
        let b16 = try #require(try catalog.effectiveConfiguration(for: "clip-vit-b16"))
        #expect(b16["patchSize"]?.intValue == 16 && b16["visionWidth"]?.intValue == 768 && b16["vocabSize"]?.intValue == 49408)
        let crd = try #require(try catalog.effectiveConfiguration(for: "crd"))
        #expect(crd["negatives"]?.intValue == 16384 && crd["featureDim"]?.intValue == 128 && crd["studentDim"]?.isNull == true)
        let pma = try #require(try catalog.effectiveConfiguration(for: "bimodal-pma"))
        #expect(pma["stages"]?.intValue == 3 && pma["reduction"]?.intValue == 16 && pma["textTopK"]?.intValue == 3)
        let tiny = try #require(try catalog.effectiveConfiguration(for: "clip4clip-seqtransf", tiny: true))
        #expect(tiny["layers"]?.intValue == 3 && tiny["maxPositions"]?.intValue == 77)
    }

    @Test("a --set key the configuration lacks is refused with a did-you-mean")
    func unknownOverride() throws {
        let overrides = try ConfigOverrides(arguments: ["tua=0.1"]).overrides()
        #expect(throws: ZooError.self) { _ = try catalog.effectiveConfiguration(for: "xclip", overrides: overrides) }
    }

    @Test("a zoo.json config key no method reads stops the registry at its zoo.json line")
    func unknownZooJSONKey() throws {
        let text = ZooCatalog.manifestJSON.replacingOccurrences(of: "\"tinyConfig\": {\n        \"embedDim\": 32,\n        \"frames\": 6,\n        \"words\": 10,",
                                                                 with: "\"tinyConfig\": {\n        \"embedDim\": 32,\n        \"frames\": 6,\n        \"wrds\": 10,")
        #expect(text != ZooCatalog.manifestJSON)
        do {
            _ = try Registry(manifest: try Manifest.parse(text), entries: ZooCatalog.methodEntries)
            Issue.record("the registry accepted a tinyConfig key no method reads")
        } catch {
            #expect("\(error)".contains("zoo.json:") && "\(error)".contains("'wrds'") && "\(error)".lowercased().contains("did you mean"), "\(error)")
        }
    }
}
