import Testing
import ZooCommandLine
import ZooManifest

@Suite("zoo list")
struct ListCommandTests {
    @Test("prints aligned columns with a header and a count line")
    func table() {
        let result = run("list", "clip-*")
        #expect(result.status == 0)
        #expect(result.errors.isEmpty)
        #expect(result.output == """
            NAME          KIND   FAMILY     STATUS        PAPER
            clip-vit-b32  model  retrieval  stable        Lovelace and Turing 2021, arXiv:2103.00020
            clip-vit-l14  model  retrieval  experimental  Lovelace and Turing 2021, arXiv:2103.00020

            2 entries (1 stable, 1 experimental)

            """)
    }

    @Test("--json prints exactly the matching entries as an array")
    func json() throws {
        let result = run("list", "clip4clip-*", "--json")
        #expect(result.status == 0)
        let parsed = try JSONParser.parse(result.output)
        let names = try #require(parsed.items).compactMap { $0["name"]?.stringValue }
        #expect(names == ["clip4clip-meanp", "clip4clip-seqlstm", "clip4clip-seqtransf", "clip4clip-tighttransf"])
        #expect(parsed.items?.first?.members?.map(\.key) == ["name", "kind", "family", "status", "target", "entry", "summary", "paper", "tags"])
    }

    @Test("--json with no match prints an empty array")
    func jsonEmpty() {
        #expect(run("list", "nothing*", "--json") == (0, "[]\n", ""))
    }

    @Test("filters by kind, family and status; repeated values widen the filter")
    func filters() throws {
        func names(_ arguments: String...) throws -> [String] {
            let console = BufferConsole()
            _ = testTool().run(["list", "--json"] + arguments, console: console)
            return try JSONParser.parse(console.output).items?.compactMap { $0["name"]?.stringValue } ?? []
        }
        #expect(try names("--kind", "loss") == ["hinton-kd"])
        #expect(try names("--kind=model", "--family", "classification") == ["bimodal-pma"])
        #expect(try names("--family", "classification") == ["bimodal-pma", "hinton-kd"])
        #expect(try names("--status", "stable", "--status", "experimental") == ["clip-vit-b32", "clip-vit-l14"])
        #expect(try names("clip*", "--exclude", "clip4clip-*", "--exclude", "*l14") == ["clip-vit-b32"])
    }

    @Test("an unknown --kind value is a usage error with the valid choices and a suggestion")
    func unknownKind() {
        let result = run("list", "--kind", "heads")
        #expect(result.status == 2)
        #expect(result.errors.contains("unknown --kind \"heads\"; expected one of model, encoder, head, loss, recipe. Did you mean \"head\"?"))
    }

    @Test("a malformed pattern is a usage error")
    func badPattern() {
        let result = run("list", "clip-[")
        #expect(result.status == 2)
        #expect(result.errors.contains("never closed"))
    }

    @Test("a name that matches nothing says so on stderr, with did-you-mean, and still exits 0")
    func noMatch() {
        let result = run("list", "clip4clip-seqtrnsf")
        #expect(result.status == 0)
        #expect(result.output.isEmpty)
        #expect(result.errors == "No entry is named \"clip4clip-seqtrnsf\". Did you mean \"clip4clip-seqtransf\"?\n")
        #expect(run("list", "zz*").errors == "No entry matches \"zz*\".\n")
        #expect(run("list", "--kind", "encoder").errors.hasPrefix("No entries match these filters."))
    }
}

@Suite("Text tables")
struct TextTableTests {
    @Test("pads every column but the last to its widest cell, with no trailing spaces")
    func alignment() {
        let table = TextTable(headers: ["A", "BB", "C"], rows: [["xxx", "y", ""], ["z"]])
        #expect(table.render() == "A    BB  C\nxxx  y\nz\n")
    }
}
