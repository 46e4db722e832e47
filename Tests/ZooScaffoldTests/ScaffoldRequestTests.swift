// The scaffold's input rules: target derivation, name and target validation, argument parsing.
import Testing
import ZooManifest
@testable import ZooScaffold

@Suite("Scaffold requests")
struct ScaffoldRequestTests {
    func request(_ name: String = "my-method", kind: String = "head", family: String = "retrieval",
                 target: String? = nil) throws(ScaffoldError) -> ScaffoldRequest {
        try ScaffoldRequest(name: name, kind: kind, family: family, target: target, currentYear: 2026)
    }

    @Test("the target is the name's words capitalised and joined", arguments: [
        ("my-method", "MyMethod"), ("xclip", "Xclip"), ("clip4clip-seqtransf", "Clip4clipSeqtransf"), ("vit-b16-2x", "VitB162x"),
    ])
    func derivesTarget(name: String, target: String) throws {
        #expect(ScaffoldRequest.derivedTarget(from: name) == target)
        #expect(try request(name).target == target)
    }

    @Test("an explicit --target wins over the derived one, and names the entry type")
    func explicitTarget() throws {
        let request = try request("my-method", target: "MyPaper")
        #expect(request.target == "MyPaper")
        #expect(request.entryType == "MyPaperEntry")
        #expect(request.implementationType == "MyPaperHead")
    }

    @Test("the generated type never doubles the kind's word nor equals the module name")
    func implementationTypeName() throws {
        #expect(try request("demo-head").implementationType == "DemoHeadModule")
        #expect(try request("demo", kind: "loss").implementationType == "DemoLoss")
        #expect(try request("demo", kind: "model", family: "classification").implementationType == "DemoModel")
    }

    @Test("names breaking ZooManifest's name rule are rejected with the rule", arguments: [
        "My-Method", "my_method", "my--method", "-method", "method-", "4clip", "", "méthode",
    ])
    func rejectsInvalidNames(name: String) {
        #expect(throws: ScaffoldError.invalidName(name)) { try request(name) }
        #expect(ScaffoldError.invalidName(name).description.contains("lowercase ASCII words of letters and digits joined by single '-'"))
        #expect(!NameRules.isValidName(name))
    }

    @Test("targets that are not module names, reserved or clashing are rejected")
    func rejectsBadTargets() {
        #expect(throws: ScaffoldError.invalidTarget("my-paper", derived: false)) { try request(target: "my-paper") }
        #expect(throws: ScaffoldError.invalidTarget("myPaper", derived: false)) { try request(target: "myPaper") }
        #expect(throws: ScaffoldError.reservedTarget("ZooThing", derived: true)) { try request("zoo-thing") }
        #expect(throws: ScaffoldError.clashingTarget("Foundation", derived: false)) { try request(target: "Foundation") }
        #expect(throws: ScaffoldError.clashingTarget("PaperTests", derived: false)) { try request(target: "PaperTests") }
        #expect(ScaffoldError.reservedTarget("ZooThing", derived: true).description.contains("Pass --target"))
    }

    @Test("unknown kinds and families list the choices and the nearest one")
    func rejectsUnknownChoices() {
        #expect(throws: ScaffoldError.invalidChoice(option: "kind", value: "haed", choices: ["model", "head", "loss"])) {
            try request(kind: "haed")
        }
        #expect(ScaffoldError.invalidChoice(option: "kind", value: "haed", choices: ["model", "head", "loss"]).description
            .contains("Did you mean head?"))
        #expect(throws: ScaffoldError.invalidChoice(option: "kind", value: "encoder", choices: ["model", "head", "loss"])) {
            try request(kind: "encoder")
        }
        #expect(throws: ScaffoldError.headNeedsRetrieval) { try request(kind: "head", family: "classification") }
    }

    @Test("paper fields are checked with the manifest's rules and default to placeholders")
    func paperFields() throws {
        let defaults = try request()
        #expect(defaults.paper.title == ScaffoldRequest.titlePlaceholder)
        #expect(defaults.paper.year == 2026 && defaults.paper.arxiv == nil && defaults.paper.code == nil)
        let given = try ScaffoldRequest(name: "kd", kind: "loss", family: "classification", title: " Distilling ",
                                        authors: "Geoffrey Hinton,  Oriol Vinyals", year: 2015, arxiv: "1503.02531",
                                        code: "https://github.com/x/y", currentYear: 2026)
        #expect(given.paper == Paper(title: "Distilling", authors: ["Geoffrey Hinton", "Oriol Vinyals"], year: 2015,
                                     arxiv: "1503.02531", code: "https://github.com/x/y"))
        #expect(throws: ScaffoldError.invalidArxiv("arXiv:1503.02531")) {
            try ScaffoldRequest(name: "kd", kind: "loss", family: "retrieval", arxiv: "arXiv:1503.02531", currentYear: 2026)
        }
        #expect(throws: ScaffoldError.invalidYear(1066)) {
            try ScaffoldRequest(name: "kd", kind: "loss", family: "retrieval", year: 1066, currentYear: 2026)
        }
        #expect(throws: ScaffoldError.emptyValue(option: "authors")) {
            try ScaffoldRequest(name: "kd", kind: "loss", family: "retrieval", authors: "A, ", currentYear: 2026)
        }
        #expect(throws: ScaffoldError.invalidURL("http://x")) {
            try ScaffoldRequest(name: "kd", kind: "loss", family: "retrieval", code: "http://x", currentYear: 2026)
        }
    }

    @Test("arguments parse in both --option value and --option=value forms")
    func parsesArguments() throws {
        let arguments = try ScaffoldArguments(["--package-path", "/tmp/zoo", "--name=my-kd", "--kind", "loss", "--family", "classification",
                                               "--title", "My KD", "--authors", "A, B", "--year", "2024", "--arxiv", "2401.00001", "--dry-run"])
        #expect(arguments.packagePath == "/tmp/zoo" && arguments.dryRun)
        let request = try arguments.request(currentYear: 2026)
        #expect(request.name == "my-kd" && request.kind == .loss && request.family == .classification)
        #expect(request.paper == Paper(title: "My KD", authors: ["A", "B"], year: 2024, arxiv: "2401.00001"))
    }

    @Test("bad command lines are usage errors that say what is wrong")
    func rejectsBadArguments() throws {
        #expect(throws: ScaffoldError.usage("--name needs a value.")) { try ScaffoldArguments(["--name"]) }
        #expect(throws: ScaffoldError.usage("--year needs a whole number, not \"soon\".")) { try ScaffoldArguments(["--year", "soon"]) }
        #expect(throws: ScaffoldError.usage("unknown option --nmae. Did you mean --name? Run with --help for usage.")) {
            try ScaffoldArguments(["--nmae", "x"])
        }
        #expect(throws: ScaffoldError.usage("missing --kind, --family. Run with --help for usage.")) {
            try ScaffoldArguments(["--name", "x"]).request(currentYear: 2026)
        }
        #expect(try ScaffoldArguments(["--help"]).help)
    }
}
