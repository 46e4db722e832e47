// Generated contents and the refusal to overwrite, on throw-away package folders.
import Foundation
import Testing
import ZooManifest
@testable import ZooScaffold

/// A package folder holding `sampleManifest` as zoo.json and, unless told otherwise, a
/// Package.swift with the method-target line; removed by `cleanUp()`.
struct TemporaryPackage {
    let root: URL
    static let packageText = "// swift-tools-version:6.0\n// zoo.json method targets: CLIP4Clip\nlet x = 1\n"

    init(withPackageSwift: Bool = true) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-scaffold-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data(sampleManifest.utf8).write(to: root.appendingPathComponent("zoo.json"))
        if withPackageSwift { try Data(Self.packageText.utf8).write(to: root.appendingPathComponent("Package.swift")) }
    }

    func cleanUp() { try? FileManager.default.removeItem(at: root) }

    /// Every file under the root with its contents, to compare before and after.
    func snapshot() throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            let path = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count))
            files[path] = FileManager.default.contents(atPath: url.path) ?? Data()  // folders map to empty data
        }
        return files
    }
}

/// Every combination the scaffold offers.
let allRequests: [ScaffoldRequest] = [("head", "retrieval"), ("loss", "retrieval"), ("loss", "classification"),
                                      ("model", "retrieval"), ("model", "classification")].map { kind, family in
    try! ScaffoldRequest(name: "new-\(kind)-\(family.prefix(5))", kind: kind, family: family, title: "A Paper",
                         authors: "Ada Lovelace, Alan Turing", year: 2025, arxiv: "2501.01234", currentYear: 2026)
}

@Suite("Scaffold plans")
struct ScaffoldPlanTests {
    @Test("generated files name the entry, target, type and paper", arguments: allRequests)
    func filesMentionNames(request: ScaffoldRequest) {
        let files = request.generatedFiles
        #expect(files.map(\.path) == ["Sources/Methods/\(request.target)/\(request.target).swift",
                                      "Sources/Methods/\(request.target)/\(request.implementationType).swift",
                                      "Tests/\(request.target)Tests/\(request.target)Tests.swift"])
        let (entry, implementation, tests) = (files[0].contents, files[1].contents, files[2].contents)
        #expect(entry.contains("public enum \(request.entryType): MethodEntry"))
        #expect(entry.contains("registry.add(\(request.kind.rawValue): \"\(request.name)\", configuration: \(request.implementationType).Config.self)"))
        for source in [entry, implementation] {
            #expect(source.hasPrefix("// A Paper.\n// Ada Lovelace, Alan Turing — 2025, arXiv:2501.01234.\n"))
            #expect(source.contains("// Deviations: none yet — fill in."))
        }
        #expect(implementation.contains("public final class \(request.implementationType): Module,"))
        #expect(implementation.contains("ModelConfig") && implementation.contains("// TODO(method):"))
        #expect(tests.contains("import Testing") && tests.contains("import \(request.target)\n"))
        #expect(tests.contains("@Test(\"") && tests.contains("#expect(") && tests.contains("backward()"))
        #expect(!(entry + implementation + tests).contains("\\#("))  // no template interpolation left unfilled
    }

    @Test("the test's config literal is zoo.json's config with tinyConfig over it", arguments: allRequests)
    func testConfigMatchesManifest(request: ScaffoldRequest) throws {
        let literal = try JSONParser.parse(request.testConfigLiteral)
        let tinyKeys = try #require(request.tinyConfig.members).map(\.key)
        let configKeys = try #require(request.defaultConfig.members).map(\.key)
        #expect(Set(tinyKeys).isSubset(of: configKeys), "tinyConfig keys must exist in config, or the registry rejects them")
        #expect(try #require(literal.members).map(\.key) == configKeys)
        for key in tinyKeys { #expect(literal[key] == request.tinyConfig[key]) }
    }

    @Test("the entry JSON parses and validates as an experimental entry", arguments: allRequests)
    func entryValidates(request: ScaffoldRequest) throws {
        let entryText = JSONWriter.pretty(request.manifestEntry)
        let manifest = try Manifest.parse("{\"version\": 1, \"entries\": [\(entryText)]}",
                                          options: ManifestValidationOptions { $0 == request.target })
        let entry = try #require(manifest.entries.first)
        #expect(entry.name == request.name && entry.kind == request.kind.entryKind && entry.families == [request.family])
        #expect(entry.status == .experimental && entry.target == request.target && entry.entryType == request.entryType)
        #expect(entry.paper.arxiv == "2501.01234" && entry.paper.authors == ["Ada Lovelace", "Alan Turing"])
    }

    @Test("writing creates the three files and appends the entry, changing nothing else")
    func writes() throws {
        let package = try TemporaryPackage()
        defer { package.cleanUp() }
        let request = allRequests[0]
        let plan = try ScaffoldPlan(request: request, packageDirectory: package.root)
        try plan.write()
        for file in plan.files {
            #expect(FileManager.default.contents(atPath: package.root.appendingPathComponent(file.path).path) == Data(file.contents.utf8))
        }
        let manifest = try String(contentsOf: package.root.appendingPathComponent("zoo.json"), encoding: .utf8)
        #expect(manifest == plan.manifestText)
        #expect(!plan.report.contains("purge-cache") && plan.report.contains("swift build\n"))
        #expect(plan.report.contains("swift run zoo list \(request.name)") && plan.report.contains("swift test --filter \(request.target)Tests"))
    }

    @Test("a second run with the same name refuses and changes nothing")
    func refusesExistingName() throws {
        let package = try TemporaryPackage()
        defer { package.cleanUp() }
        try ScaffoldPlan(request: allRequests[0], packageDirectory: package.root).write()
        let before = try package.snapshot()
        #expect(throws: ScaffoldError.nameExists(allRequests[0].name, line: 17)) {
            try ScaffoldPlan(request: allRequests[0], packageDirectory: package.root)
        }
        #expect(try package.snapshot() == before)
    }

    @Test("an existing name, target, file or folder stops the plan before anything is written")
    func refusesToOverwrite() throws {
        let package = try TemporaryPackage()
        defer { package.cleanUp() }
        let existingName = try ScaffoldRequest(name: "old-head", kind: "head", family: "retrieval", target: "Other", currentYear: 2026)
        #expect(throws: ScaffoldError.nameExists("old-head", line: 5)) { try ScaffoldPlan(request: existingName, packageDirectory: package.root) }
        let existingTarget = try ScaffoldRequest(name: "other-head", kind: "head", family: "retrieval", target: "OldHead", currentYear: 2026)
        #expect(throws: ScaffoldError.targetInUse(target: "OldHead", names: ["old-head"])) {
            try ScaffoldPlan(request: existingTarget, packageDirectory: package.root)
        }
        let request = allRequests[1]
        try FileManager.default.createDirectory(at: package.root.appendingPathComponent(request.testFolder), withIntermediateDirectories: true)
        let before = try package.snapshot()
        #expect(throws: ScaffoldError.pathsExist([request.testFolder])) { try ScaffoldPlan(request: request, packageDirectory: package.root) }
        #expect(try package.snapshot() == before)
        #expect(ScaffoldError.pathsExist([request.testFolder]).description.contains("refusing to overwrite \(request.testFolder)"))
    }

    @Test("a missing or invalid zoo.json is reported before anything is written")
    func refusesBrokenManifest() throws {
        let package = try TemporaryPackage(withPackageSwift: false)
        defer { package.cleanUp() }
        let manifestURL = package.root.appendingPathComponent("zoo.json")
        try Data(sampleManifest.replacingOccurrences(of: "\"head\"", with: "\"hed\"").utf8).write(to: manifestURL)
        #expect {
            try ScaffoldPlan(request: allRequests[0], packageDirectory: package.root)
        } throws: { error in
            guard case let ScaffoldError.manifestInvalid(_, errors) = error else { return false }
            return errors.contains("zoo.json:7:") && errors.contains("hed")
        }
        try FileManager.default.removeItem(at: manifestURL)
        #expect(throws: ScaffoldError.manifestUnreadable(path: manifestURL.path)) {
            try ScaffoldPlan(request: allRequests[0], packageDirectory: package.root)
        }
        #expect(try package.snapshot().isEmpty)
    }

    @Test("Package.swift's method-target line gains the new target, so a plain swift build re-reads zoo.json")
    func packageTargetLine() throws {
        let package = try TemporaryPackage()
        defer { package.cleanUp() }
        let request = allRequests[0]
        try ScaffoldPlan(request: request, packageDirectory: package.root).write()
        let text = try String(contentsOf: package.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(ScaffoldPlan.targetLinePrefix) })
        #expect(line.hasSuffix(", \(request.target)") || line.hasSuffix(" \(request.target)"), "\(line)")
        #expect(text.replacingOccurrences(of: String(line), with: "// zoo.json method targets: CLIP4Clip") == TemporaryPackage.packageText)
    }

    @Test("without the line, nothing else in the package is touched and the report says what to add")
    func packageWithoutTargetLine() throws {
        let package = try TemporaryPackage(withPackageSwift: false)
        defer { package.cleanUp() }
        let plan = try ScaffoldPlan(request: allRequests[0], packageDirectory: package.root)
        #expect(plan.packageManifestText == nil)
        try plan.write()
        #expect(!FileManager.default.fileExists(atPath: package.root.appendingPathComponent("Package.swift").path))
        #expect(plan.report.contains("`// zoo.json method targets:` line of Package.swift"))
    }
}

extension ScaffoldRequest: CustomTestStringConvertible {
    public var testDescription: String { "\(family.rawValue) \(kind.rawValue)" }

}
