import Testing
import ZooCommandLine

@Suite("Argument parsing")
struct ArgumentParsingTests {
    let spec = ArgumentSpec(
        options: [
            .flag("json", help: "JSON"),
            .value("seed", short: "s", valueName: "N", help: "Seed"),
            .repeated("exclude", short: "x", valueName: "PATTERN", help: "Exclude"),
        ],
        positionals: [PositionalSpec("NAME", help: "Name"), PositionalSpec("MORE", arity: .variadic, help: "More")])

    func usageMessage(_ arguments: [String]) -> String? {
        do {
            _ = try spec.parse(arguments)
            return nil
        } catch {
            return error.message
        }
    }

    @Test("reads flags, values and positionals in any order")
    func basics() throws {
        let parsed = try spec.parse(["a", "--json", "--seed", "7", "b", "-x", "c*"])
        #expect(parsed.positionals == ["a", "b"])
        #expect(parsed.flag("json"))
        #expect(parsed.value("seed") == "7")
        #expect(parsed.values("exclude") == ["c*"])
        #expect(!parsed.helpRequested)
    }

    @Test("accepts --option=value, including values that start with '-' or contain '='")
    func inlineValues() throws {
        let parsed = try spec.parse(["n", "--seed=-3", "--exclude=a=b"])
        #expect(parsed.value("seed") == "-3")
        #expect(parsed.values("exclude") == ["a=b"])
    }

    @Test("a negative number after an option is its value, so the option's own check can explain it")
    func negativeNumbers() throws {
        let parsed = try spec.parse(["n", "--seed", "-3", "-x", "-1.5e-2"])
        #expect(parsed.value("seed") == "-3" && parsed.values("exclude") == ["-1.5e-2"])
        #expect(usageMessage(["n", "--seed", "-x"])?.contains("needs a value") == true)
    }

    @Test("repeatable options collect every value in order; a repeated flag is harmless")
    func repeated() throws {
        let parsed = try spec.parse(["n", "--exclude", "a", "--json", "--exclude=b", "-x", "c", "--json"])
        #expect(parsed.values("exclude") == ["a", "b", "c"])
        #expect(parsed.flag("json"))
    }

    @Test("a single-value option given twice is a usage error")
    func singleTwice() {
        #expect(usageMessage(["n", "--seed", "1", "--seed", "2"]) == "option --seed was given more than once; give it once")
    }

    @Test("-- ends the options: what follows is positional even if it looks like an option")
    func endOfOptions() throws {
        let parsed = try spec.parse(["--", "--json", "-x", "--help"])
        #expect(parsed.positionals == ["--json", "-x", "--help"])
        #expect(!parsed.flag("json"))
        #expect(!parsed.helpRequested)
        #expect(!ArgumentSpec.requestsHelp(["--", "--help"]))
        #expect(ArgumentSpec.requestsHelp(["a", "-h", "--", "b"]))
    }

    @Test("a lone '-' is a positional (conventionally stdin)")
    func dash() throws {
        #expect(try spec.parse(["-"]).positionals == ["-"])
    }

    @Test("an unknown option is a usage error with a did-you-mean")
    func unknownOption() {
        #expect(usageMessage(["n", "--jsno"]) == "unknown option --jsno. Did you mean \"--json\"?")
        #expect(usageMessage(["n", "--frobnicate"]) == "unknown option --frobnicate.")
        #expect(usageMessage(["n", "-q"])?.hasPrefix("unknown option -q.") == true)
    }

    @Test("a missing value is a usage error that shows both spellings")
    func missingValue() {
        #expect(usageMessage(["n", "--seed"]) == "option --seed needs a value (N); write --seed N or --seed=N")
        #expect(usageMessage(["n", "--seed", "--json"])?.hasPrefix("option --seed needs a value") == true)
    }

    @Test("a flag given a value is a usage error")
    func flagWithValue() {
        #expect(usageMessage(["n", "--json=yes"]) == "option --json takes no value")
    }

    @Test("missing and extra positionals are usage errors")
    func positionals() throws {
        #expect(usageMessage([]) == "missing argument NAME")
        let single = ArgumentSpec(positionals: [PositionalSpec("NAME", help: "")])
        #expect(throws: UsageError("unexpected argument \"b\"")) { try single.parse(["a", "b"]) }
        let optional = ArgumentSpec(positionals: [PositionalSpec("NAME", arity: .optional, help: "")])
        #expect(try optional.parse([]).positional(0) == nil)
    }

    @Test("--help and -h are recognised anywhere before --")
    func help() throws {
        #expect(try spec.parse(["n", "--help"]).helpRequested)
        #expect(try spec.parse(["-h", "n"]).helpRequested)
    }
}
