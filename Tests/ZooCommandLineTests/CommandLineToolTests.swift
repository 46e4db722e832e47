import Foundation
import Testing
import ZooCommandLine

/// A command that records what it was given and fails on request.
private struct EchoCommand: Command {
    var name: String { "echo" }
    var summary: String { "Print the arguments" }
    var arguments: ArgumentSpec {
        ArgumentSpec(options: [.flag("fail", help: "Fail at run time"), .value("times", valueName: "N", help: "Repeat"),
                               .value("mkdir", valueName: "DIR", help: "Create a folder")],
                     positionals: [PositionalSpec("WORDS", arity: .variadic, help: "Words")])
    }

    func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        if arguments.flag("fail") { throw RuntimeError("asked to fail") }
        if let path = arguments.value("mkdir") {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path), withIntermediateDirectories: true)
        }
        if let times = arguments.value("times"), Int(times) == nil { throw UsageError("--times must be a number") }
        console.write(arguments.positionals.joined(separator: " ") + "\n")
        return ExitStatus.success
    }
}

@Suite("Command dispatch, help and exit statuses")
struct CommandLineToolTests {
    let tool = testTool(extra: [EchoCommand()])

    @Test("runs the named command with its arguments; results go to stdout")
    func dispatch() {
        let result = run("echo", "a", "--", "--b", tool: tool)
        #expect(result == (0, "a --b\n", ""))
    }

    @Test("--help, -h and help print the program help on stdout with status 0")
    func programHelp() {
        for arguments in [["--help"], ["-h"], ["help"]] {
            let console = BufferConsole()
            #expect(tool.run(arguments, console: console) == 0)
            #expect(console.output.contains("Usage: zoo <command> [options]"))
            #expect(console.output.contains("  list "))
            #expect(console.output.contains("  echo "))
            #expect(console.errors.isEmpty)
        }
    }

    @Test("--version prints the name and version")
    func version() {
        #expect(run("--version", tool: tool) == (0, "zoo 9.9.9\n", ""))
    }

    @Test("help COMMAND and COMMAND --help print the command's help with status 0")
    func commandHelp() {
        let viaHelp = run("help", "list", tool: tool)
        let viaFlag = run("list", "--kind", "nonsense", "--help", tool: tool)
        #expect(viaHelp.status == 0)
        #expect(viaHelp.output.contains("Usage: zoo list [PATTERN...] [--kind K] [--family F] [--status S] [--exclude PATTERN] [--json]"))
        #expect(viaHelp.output.contains("--exclude PATTERN"))
        #expect(viaFlag == viaHelp)
    }

    @Test("no command is a usage error (status 2) that shows the help on stderr")
    func noCommand() {
        let result = run(tool: tool)
        #expect(result.status == 2)
        #expect(result.output.isEmpty)
        #expect(result.errors.hasPrefix("zoo: error: missing command"))
    }

    @Test("an unknown command is a usage error with did-you-mean")
    func unknownCommand() {
        let result = run("lsit", tool: tool)
        #expect(result.status == 2)
        #expect(result.output.isEmpty)
        #expect(result.errors.hasPrefix("zoo: error: unknown command \"lsit\". Did you mean \"list\"?"))
        #expect(run("help", "inof", tool: tool).errors.contains("Did you mean \"info\"?"))
        #expect(run("help", "inof", tool: tool).status == 2)
    }

    @Test("an unknown program option is a usage error with did-you-mean")
    func unknownProgramOption() {
        let result = run("--verison", tool: tool)
        #expect(result.status == 2)
        #expect(result.errors.contains("unknown option --verison. Did you mean \"--version\"?"))
    }

    @Test("bad command arguments exit 2 and show the command's usage on stderr")
    func commandUsageError() {
        let result = run("echo", "--tiems", "3", tool: tool)
        #expect(result.status == 2)
        #expect(result.output.isEmpty)
        #expect(result.errors.contains("zoo echo: error: unknown option --tiems. Did you mean \"--times\"?"))
        #expect(result.errors.contains("Usage: zoo echo [WORDS...] [--fail] [--times N]"))
        #expect(run("echo", "--times", tool: tool).status == 2)
        #expect(run("echo", "--times", "x", tool: tool).status == 2)
    }

    @Test("a command that fails at run time exits 1 with the message on stderr")
    func runtimeFailure() {
        #expect(run("echo", "--fail", tool: tool) == (1, "", "zoo echo: error: asked to fail\n"))
    }

    @Test("a file-system failure names the path and the cause in words, never Foundation's raw error")
    func fileSystemFailure() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("a-file-\(UUID())")
        try Data().write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }   // best-effort cleanup
        let under = run("echo", "--mkdir", file.path + "/run", tool: tool)
        #expect(under.status == 1)
        #expect(under.errors == "zoo echo: error: \(file.path)/run: a part of the path is a file, not a folder; choose a path under a folder\n")
        let over = run("echo", "--mkdir", file.path, tool: tool)
        #expect(over.status == 1 && over.errors.contains("\(file.path): something already exists there"), "\(over.errors)")
        #expect(!under.errors.contains("Domain") && !over.errors.contains("Domain"))
    }
}
