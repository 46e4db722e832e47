import Testing
@testable import ZooManifest

/// Expects `text` to raise exactly one diagnostic, with `problem`, on the line containing `needle`.
private func expectRejection(_ text: String, _ problem: ManifestProblem, onLineWith needle: String, occurrence: Int = 1,
                             folders: Set<String>? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    let found = diagnostics(text, folders: folders)
    #expect(found.map(\.problem) == [problem], sourceLocation: sourceLocation)
    #expect(found.first?.line == line(of: needle, in: text, occurrence: occurrence), sourceLocation: sourceLocation)
}

@Suite("Manifest rejections: each has its own error at the right line")
struct ManifestRejectionTests {
    @Test("a valid document raises nothing")
    func validDocument() {
        #expect(diagnostics(document([.valid(), .valid("clip4clip-seqlstm")])).isEmpty)
    }

    @Test("invalid JSON is reported at the syntax error's line")
    func invalidJSON() {
        let text = document([.valid()]).replacingOccurrences(of: "\"kind\": \"head\",", with: "\"kind\": \"head\"")
        let found = diagnostics(text)
        #expect(found.count == 1)
        guard case .invalidJSON = found.first?.problem else { Issue.record("expected invalidJSON"); return }
        #expect(found.first?.line == line(of: "\"family\"", in: text))
    }

    @Test("text that is not UTF-8 is rejected")
    func notUTF8() {
        #expect(throws: ManifestError([ManifestDiagnostic(.notUTF8, at: SourcePosition(line: 1, column: 1))])) {
            try Manifest.parse(utf8: [0x7B, 0xFF, 0x7D])
        }
    }

    @Test("the document must be an object")
    func rootType() {
        expectRejection("\n[]", .wrongRootType(found: "an array"), onLineWith: "[]")
    }

    @Test("an unsupported version is rejected")
    func version() {
        expectRejection(document([.valid()], version: "2"), .unsupportedVersion(2), onLineWith: "\"version\"")
    }

    @Test("a missing top-level field is reported at the opening brace")
    func missingTopLevelField() {
        expectRejection("{\n  \"version\": 1\n}", .missingField("entries", context: "the top level"), onLineWith: "{")
    }

    @Test("a missing entry field is reported at the entry's opening brace")
    func missingEntryField() {
        let text = document([.valid(), .valid("clip4clip-seqlstm").removing("status")])
        expectRejection(text, .missingField("status", context: "entry \"clip4clip-seqlstm\""), onLineWith: "    {", occurrence: 2)
    }

    @Test("an unknown field suggests the closest known one")
    func unknownField() {
        let text = document([.valid().setting("stauts", "\"planned\"")])
        expectRejection(text, .unknownField("stauts", context: "entry \"clip4clip-meanp\"", suggestion: "status"),
                        onLineWith: "stauts")
    }

    @Test("a field of the wrong type names what was expected", arguments: [
        ("kind", "3", "a string", "a number"),
        ("config", "[]", "an object", "an array"),
        ("family", "5", "a string or an array of strings", "a number"),
        ("tags", "\"video\"", "an array", "a string"),
    ])
    func wrongType(field: String, value: String, expected: String, found: String) {
        let text = document([.valid().setting(field, value)])
        expectRejection(text, .wrongType(field: field, expected: expected, found: found), onLineWith: "\"\(field)\"")
    }

    @Test("an empty string where a value is needed is rejected")
    func emptyValue() {
        expectRejection(document([.valid().setting("entry", "\" \"")]), .emptyValue(field: "entry"), onLineWith: "\"entry\"")
    }

    @Test("a name must be lowercase words joined by '-'", arguments: ["CLIP4Clip", "clip_meanp", "clip--meanp", "-clip", "4clip", "clip-"])
    func invalidName(name: String) {
        expectRejection(document([.valid(name)]), .invalidName(name), onLineWith: "\"name\"")
    }

    @Test("a duplicate name is reported at the second entry and names the first line")
    func duplicateName() {
        let text = document([.valid(), .valid()])
        let firstLine = line(of: "\"name\"", in: text)
        expectRejection(text, .duplicateName("clip4clip-meanp", firstLine: firstLine), onLineWith: "\"name\"", occurrence: 2)
    }

    @Test("an unknown kind, family or status suggests the closest valid one")
    func unknownEnums() {
        expectRejection(document([.valid().setting("kind", "\"hed\"")]), .unknownKind("hed", suggestion: "head"), onLineWith: "\"hed\"")
        expectRejection(document([.valid().setting("family", "[\"retreival\"]")]), .unknownFamily("retreival", suggestion: "retrieval"),
                        onLineWith: "retreival")
        expectRejection(document([.valid().setting("status", "\"stabel\"")]), .unknownStatus("stabel", suggestion: "stable"),
                        onLineWith: "stabel")
        expectRejection(document([.valid().setting("kind", "\"banana\"")]), .unknownKind("banana", suggestion: nil), onLineWith: "banana")
    }

    @Test("a family listed twice is rejected")
    func duplicateFamily() {
        expectRejection(document([.valid().setting("family", "[\"retrieval\", \"retrieval\"]")]), .duplicateFamily("retrieval"),
                        onLineWith: "\"family\"")
    }

    @Test("a target must be a module name and must not start with Zoo")
    func targets() {
        expectRejection(document([.valid(target: "clip4clip")]), .invalidTarget("clip4clip"), onLineWith: "\"target\"")
        expectRejection(document([.valid(target: "CLIP-4")]), .invalidTarget("CLIP-4"), onLineWith: "\"target\"")
        expectRejection(document([.valid(target: "ZooExtras")]), .reservedTarget("ZooExtras"), onLineWith: "\"target\"")
    }

    @Test("an entry type must be a plain Swift type name")
    func entryTypeSyntax() {
        expectRejection(document([.valid(entry: "CLIP4Clip.Entry")]), .invalidEntryType("CLIP4Clip.Entry"), onLineWith: "\"entry\"")
    }

    @Test("one target registers through one entry type")
    func conflictingEntryType() {
        let text = document([.valid(), .valid("clip4clip-seqlstm", entry: "OtherEntry")])
        let firstLine = line(of: "\"entry\"", in: text)
        expectRejection(text, .conflictingEntryType(target: "CLIP4Clip", entryType: "OtherEntry", existing: "CLIP4ClipEntry", line: firstLine),
                        onLineWith: "OtherEntry")
    }

    @Test("one entry type cannot live in two targets")
    func entryTypeInTwoTargets() {
        let text = document([.valid(), .valid("xclip", target: "XCLIP")])
        let firstLine = line(of: "\"entry\"", in: text)
        expectRejection(text, .entryTypeInTwoTargets(entryType: "CLIP4ClipEntry", target: "XCLIP", otherTarget: "CLIP4Clip", line: firstLine),
                        onLineWith: "\"entry\"", occurrence: 2)
    }

    @Test("a non-planned entry needs its Sources/Methods folder; a planned one does not")
    func targetFolder() {
        let built = document([.valid(status: "experimental")])
        expectRejection(built, .missingTargetFolder(target: "CLIP4Clip", path: "Sources/Methods/CLIP4Clip"), onLineWith: "\"target\"",
                        folders: [])
        #expect(diagnostics(built, folders: ["CLIP4Clip"]).isEmpty)
        #expect(diagnostics(document([.valid()]), folders: []).isEmpty)
        // Without a file-system check (the CLI at run time) the folder is not looked for.
        #expect(diagnostics(built).isEmpty)
    }

    @Test("paper fields are checked: year, arXiv id, code URL, authors")
    func paperFields() {
        func paper(_ replacement: (String, String)) -> EntryText {
            .valid().setting("paper", EntryText.valid().fields[5].value.replacingOccurrences(of: replacement.0, with: replacement.1))
        }
        expectRejection(document([paper(("2021", "3021"))]), .invalidYear(3021), onLineWith: "\"paper\"")
        expectRejection(document([paper(("\"2104.08860\"", "\"arXiv:2104.08860\""))]), .invalidArxiv("arXiv:2104.08860"), onLineWith: "\"paper\"")
        expectRejection(document([paper(("https://github.com", "github.com"))]), .invalidURL("github.com/ArrowLuo/CLIP4Clip"),
                        onLineWith: "\"paper\"")
        expectRejection(document([paper(("[\"Huaishao Luo\", \"Lei Ji\"]", "[]"))]), .emptyValue(field: "authors"), onLineWith: "\"paper\"")
        expectRejection(document([paper(("\"code\": \"https://github.com/ArrowLuo/CLIP4Clip\"", "\"code\": 1"))]),
                        .wrongType(field: "code", expected: "a string or null", found: "a number"), onLineWith: "\"paper\"")
        expectRejection(document([paper((", \"code\": \"https://github.com/ArrowLuo/CLIP4Clip\"", ""))]),
                        .missingField("code", context: "paper"), onLineWith: "\"paper\"")
    }

    @Test("tags must be lowercase words and unique")
    func tags() {
        expectRejection(document([.valid().setting("tags", "[\"Video\"]")]), .invalidTag("Video"), onLineWith: "\"tags\"")
        expectRejection(document([.valid().setting("tags", "[\"video\", \"video\"]")]), .duplicateTag("video"), onLineWith: "\"tags\"")
    }

    @Test("variant names must be lowercase words and unique within an entry")
    func variants() {
        expectRejection(document([.valid().setting("variants", "[{\"name\": \"ViT B16\"}]")]), .invalidVariantName("ViT B16"),
                        onLineWith: "\"variants\"")
        expectRejection(document([.valid().setting("variants", "[{\"name\": \"b16\"}, {\"name\": \"b16\"}]")]), .duplicateVariant("b16"),
                        onLineWith: "\"variants\"")
    }

    @Test("every problem in the file is reported in one pass, in line order")
    func collectsAllProblems() {
        let text = document([.valid().setting("kind", "\"hed\""), .valid("clip4clip-x").setting("status", "\"done\"")])
        let found = diagnostics(text)
        #expect(found.map(\.line) == [line(of: "\"hed\"", in: text), line(of: "\"done\"", in: text)])
    }

    @Test("a build graph missing a non-planned target is reported as a stale cache")
    func staleBuildGraph() throws {
        let manifest = try Manifest.parse(document([.valid(status: "stable")]))
        let stale = manifest.undeclaredTargets(declared: [])
        #expect(stale.map(\.problem) == [.staleBuildGraph(target: "CLIP4Clip")])
        #expect(stale.first?.problem.description.contains("`// zoo.json method targets:` line of Package.swift") == true)
        #expect(manifest.undeclaredTargets(declared: ["CLIP4Clip"]).isEmpty)
    }

    @Test("diagnostics print as path:line:column: error: message")
    func formatting() {
        let text = document([.valid().setting("kind", "\"hed\"")])
        let error = ManifestError(diagnostics(text))
        let expectedLine = line(of: "\"hed\"", in: text)
        #expect(error.formatted(file: "/pkg/zoo.json").hasPrefix("/pkg/zoo.json:\(expectedLine):15: error: unknown kind \"hed\""))
    }

    @Test("dependsOn must name a built method target")
    func unknownDependency() {
        let text = document([
            .valid(status: "experimental").setting("dependsOn", #"["CLIPP"]"#),
            .valid("clip-tiny", target: "CLIP", entry: "CLIPEntry", status: "experimental"),
        ])
        expectRejection(text, .unknownDependency(target: "CLIP4Clip", dependency: "CLIPP", suggestion: "CLIP"), onLineWith: "\"dependsOn\"")
    }

    @Test("papers that depend on each other in a cycle are rejected at the dependsOn that closes it")
    func dependencyCycle() {
        let text = document([
            .valid(status: "experimental").setting("dependsOn", #"["CLIP"]"#),
            .valid("clip-tiny", target: "CLIP", entry: "CLIPEntry", status: "experimental").setting("dependsOn", #"["CLIP4Clip"]"#),
        ])
        expectRejection(text, .dependencyCycle(["CLIP", "CLIP4Clip", "CLIP"]), onLineWith: "\"dependsOn\"")
    }

    @Test("a built target depending on itself is a cycle too")
    func selfDependency() {
        let text = document([.valid(status: "experimental").setting("dependsOn", #"["CLIP4Clip"]"#)])
        expectRejection(text, .dependencyCycle(["CLIP4Clip", "CLIP4Clip"]), onLineWith: "\"dependsOn\"")
    }
}
