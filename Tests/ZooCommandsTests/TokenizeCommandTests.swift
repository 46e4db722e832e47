import Testing
import ZooCommandLine
import ZooCommands

/// Runs `zoo tokenize` with these arguments into a buffer.
private func tokenize(_ arguments: String...) -> (status: Int32, output: String, errors: String) {
    let console = BufferConsole()
    let tool = CommandLineTool(name: "zoo", version: "test", summary: "test", commands: [TokenizeCommand()])
    let status = tool.run(["tokenize"] + arguments, console: console)
    return (status, console.output, console.errors)
}

@Suite("zoo tokenize")
struct TokenizeCommandTests {
    @Test("prints open_clip's ids up to EOT and counts the padding")
    func plainOutput() {
        let result = tokenize("a dog running on the beach")
        #expect(result.status == 0)
        #expect(result.output == "49406 320 1929 2761 525 518 2117 49407  (+69 padding zeros)\n")
    }

    @Test("--json gives text, ids and the used length; --context sets the width")
    func jsonOutput() {
        let result = tokenize("--context", "10", "--json", "a dog")
        #expect(result.status == 0)
        #expect(result.output.contains("\"length\": 4"))
        #expect(result.output.contains("49406"))
    }

    @Test("a caption that does not fit fails without --truncate and fits with it")
    func truncation() {
        let long = String(repeating: "dog ", count: 20)
        #expect(tokenize("--context", "8", long).status == 1)
        let cut = tokenize("--context", "8", "--truncate", long)
        #expect(cut.status == 0 && cut.output.hasSuffix("49407\n"))
    }

    @Test("a bad --context is a usage error, an absurd one before anything is allocated")
    func badContext() {
        #expect(tokenize("--context", "one", "a dog").status == 2)
        let huge = tokenize("--context", "1000000000", "a dog")
        #expect(huge.status == 2 && huge.errors.contains("from 2 to 4096"), "\(huge.errors)")
    }
}
