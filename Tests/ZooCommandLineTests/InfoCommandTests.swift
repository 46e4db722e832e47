import Testing
import ZooCommandLine
import ZooManifest

@Suite("zoo info")
struct InfoCommandTests {
    @Test("shows the paper, configs, variants, status and tags")
    func human() {
        let result = run("info", "clip4clip-seqtransf")
        #expect(result.status == 0)
        #expect(result.errors.isEmpty)
        let output = result.output
        #expect(output.hasPrefix("clip4clip-seqtransf\n  The clip4clip-seqtransf entry.\n"))
        for expected in ["Kind    head", "Status  planned (on the roadmap, not built yet)", "Tags    video",
                         "Target  CLIP4Clip (Sources/Methods/CLIP4Clip), registered by CLIP4ClipEntry",
                         "A paper about CLIP4Clip", "Ada Lovelace, Alan Turing (2021)",
                         "arXiv:2104.08860  https://arxiv.org/abs/2104.08860", "Code: none released",
                         "Config (zoo.json: run settings and overrides of the method's defaults)\n  frames    12\n  backbone  \"clip-vit-b32\"", "Tiny config (for tests)\n  frames  4",
                         "Variants\n  vit-b16  B/16 backbone  {\"backbone\": \"clip-vit-b16\"}"] {
            #expect(output.contains(expected), "missing: \(expected)")
        }
    }

    @Test("--json prints the documented keys, then the run-time details")
    func json() throws {
        let tool = testTool { entry in
            [InfoDetail(key: "parameters", label: "Parameters", text: "7", json: .number(entry.name.count))]
        }
        let result = run("info", "hinton-kd", "--json", tool: tool)
        #expect(result.status == 0)
        let object = try JSONParser.parse(result.output)
        #expect(object.members?.map(\.key) == ["name", "kind", "family", "status", "target", "entry", "summary", "paper", "tags",
                                               "variants", "config", "tinyConfig", "parameters"])
        #expect(object["family"] == .array([.string("classification"), .string("retrieval")]))
        #expect(object["parameters"]?.intValue == 9)
    }

    @Test("run-time details appear after the manifest's facts in human output")
    func details() {
        let tool = testTool { _ in [InfoDetail(key: "taps", label: "Taps", text: "logits\nsimilarity", json: .null)] }
        let output = run("info", "clip-vit-b32", tool: tool).output
        #expect(output.hasSuffix("\n  Taps  logits\n        similarity\n"))
    }

    @Test("an unknown name exits 1 with did-you-mean; names are case-insensitive")
    func unknownName() {
        let typo = run("info", "clip4clip-seqtrnsf")
        #expect(typo.status == 1)
        #expect(typo.output.isEmpty)
        #expect(typo.errors.hasPrefix("zoo info: error: no entry named \"clip4clip-seqtrnsf\". Did you mean \"clip4clip-seqtransf\"?"))
        let far = run("info", "nosuchmodel")
        #expect(far.status == 1)
        #expect(far.errors.contains("Did you mean"))   // the nearest names, even when none is close
        #expect(far.errors.contains("Run 'zoo list' to see all 8 names."))
        #expect(run("info", "HINTON-KD").status == 0)
    }

    @Test("a missing or extra name is a usage error")
    func usage() {
        #expect(run("info").status == 2)
        #expect(run("info").errors.contains("missing argument NAME"))
        #expect(run("info", "a", "b").status == 2)
    }

    @Test("a failing detail provider fails the command with status 1")
    func failingDetails() {
        let tool = testTool { _ in throw RuntimeError("weights missing") }
        #expect(run("info", "xclip-nope", tool: tool).status == 1)
        #expect(run("info", "clip-vit-b32", tool: tool) == (1, "", "zoo info: error: weights missing\n"))
    }
}
