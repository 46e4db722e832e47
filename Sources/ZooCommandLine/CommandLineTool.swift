// The program-level dispatcher: finds the command, handles help and version, parses the
// command's arguments, runs it and turns errors into messages and exit statuses. It never calls
// exit() itself, so tests can run whole command lines and check the status and both streams.
import Foundation
import ZooManifest

/// A program made of subcommands, such as `zoo`.
public struct CommandLineTool {
    /// The program name used in messages and help: `zoo`.
    public var name: String
    public var version: String
    /// One line describing the program, first in `--help`.
    public var summary: String
    public var commands: [any Command]

    public init(name: String, version: String, summary: String, commands: [any Command]) {
        self.name = name
        self.version = version
        self.summary = summary
        self.commands = commands
    }

    /// Runs a command line (without the program name) and returns the exit status.
    ///
    /// - `zoo --help`, `zoo -h`, `zoo help`: program help on stdout, status 0.
    /// - `zoo --version`: `zoo VERSION` on stdout, status 0.
    /// - `zoo help COMMAND`, `zoo COMMAND --help`: the command's help, status 0.
    /// - no command, an unknown command or option, bad arguments: message on stderr, status 2.
    /// - a command that fails: message on stderr, status 1.
    public func run(_ arguments: [String], console: Console) -> Int32 {
        guard let first = arguments.first else {
            console.writeError("\(name): error: missing command\n\n" + helpText())
            return ExitStatus.usage
        }
        switch first {
        case "--help", "-h":
            console.write(helpText())
            return ExitStatus.success
        case "--version":
            console.write("\(name) \(version)\n")
            return ExitStatus.success
        case "help":
            return runHelp(Array(arguments.dropFirst()), console: console)
        default:
            break
        }
        if first.hasPrefix("-") {
            let known = ["--help", "--version"]
            return usageError("unknown option \(first)." + Suggestions.didYouMean(first, in: known), command: nil, console: console)
        }
        guard let command = command(named: first) else {
            return usageError(unknownCommandMessage(first), command: nil, console: console)
        }
        let rest = Array(arguments.dropFirst())
        if ArgumentSpec.requestsHelp(rest) {
            console.write(command.helpText(program: name))
            return ExitStatus.success
        }
        do {
            let parsed = try command.arguments.parse(rest)
            return try command.run(parsed, console: console)
        } catch let error as UsageError {
            return usageError(error.message, command: command, console: console)
        } catch {
            console.writeError("\(name) \(command.name): error: \(FileSystemErrorText.message(for: error) ?? "\(error)")\n")
            return ExitStatus.failure
        }
    }

    /// The command called `name`, if any.
    public func command(named name: String) -> (any Command)? {
        commands.first { $0.name == name }
    }

    /// The program help: summary, usage, the command table and the global options.
    public func helpText() -> String {
        var text = "\(name) — \(summary)\n\nUsage: \(name) <command> [options]\n\nCommands:\n"
        text += HelpLayout.rows(commands.map { ($0.name, $0.summary) } + [("help", "Show help for a command")])
        text += "\nOptions:\n"
        text += HelpLayout.rows([("-h, --help", "Show this help"), ("--version", "Show the version")])
        text += "\nRun '\(name) help <command>' for a command's arguments and options.\n"
        return text
    }

    private func runHelp(_ arguments: [String], console: Console) -> Int32 {
        guard let topic = arguments.first else {
            console.write(helpText())
            return ExitStatus.success
        }
        guard arguments.count == 1 else {
            return usageError("help takes one command name, got \(arguments.count)", command: nil, console: console)
        }
        guard let command = command(named: topic) else {
            return usageError(unknownCommandMessage(topic), command: nil, console: console)
        }
        console.write(command.helpText(program: name))
        return ExitStatus.success
    }

    private func unknownCommandMessage(_ word: String) -> String {
        "unknown command \"\(word)\"." + Suggestions.didYouMean(word, in: commands.map(\.name) + ["help"])
    }

    private func usageError(_ message: String, command: (any Command)?, console: Console) -> Int32 {
        if let command {
            console.writeError("\(name) \(command.name): error: \(message)\n")
            console.writeError("Usage: \(name) \(command.usage)\nRun '\(name) help \(command.name)' for more.\n")
        } else {
            console.writeError("\(name): error: \(message)\nRun '\(name) --help' for the list of commands.\n")
        }
        return ExitStatus.usage
    }
}
