// A subcommand of `zoo`. Adding one (train, eval, embed, ...) means writing one type that
// conforms to `Command` in its own file and listing it in Sources/zoo/main.swift; parsing,
// help, `zoo help NAME`, did-you-mean and exit statuses come from `CommandLineTool`.

/// A `zoo` subcommand.
public protocol Command {
    /// The word that selects it: `list` in `zoo list`.
    var name: String { get }
    /// One line for the command table in `zoo --help`.
    var summary: String { get }
    /// The options and positional arguments it accepts; help is rendered from this.
    var arguments: ArgumentSpec { get }
    /// Extra help after the options: details, examples. Empty by default.
    var discussion: String { get }

    /// Runs the command with already parsed arguments.
    /// - Returns: the exit status (`ExitStatus.success` normally).
    /// - Throws: `UsageError` (exit 2) when the arguments are wrong in a way the parser cannot
    ///   see (e.g. an unknown `--kind` value); any other error (exit 1) when the work fails.
    func run(_ arguments: ParsedArguments, console: Console) throws -> Int32
}

extension Command {
    public var discussion: String { "" }

    /// The synopsis: `list [PATTERN...] [--kind K] ... [--json]`, without the program name.
    public var usage: String {
        var parts = [name]
        for positional in arguments.positionals {
            switch positional.arity {
            case .required: parts.append(positional.name)
            case .optional: parts.append("[\(positional.name)]")
            case .variadic: parts.append("[\(positional.name)...]")
            }
        }
        for option in arguments.options {
            let value = option.arity == .flag ? "" : " \(option.valueName)"
            parts.append("[--\(option.name)\(value)]")
        }
        return parts.joined(separator: " ")
    }

    /// The full help text of the command for program `program`.
    public func helpText(program: String) -> String {
        var text = "\(summary)\n\nUsage: \(program) \(usage)\n"
        if !arguments.positionals.isEmpty {
            text += "\nArguments:\n"
            text += HelpLayout.rows(arguments.positionals.map { ($0.name, $0.help) })
        }
        var optionRows = arguments.options.map { option -> (String, String) in
            let short = option.short.map { "-\($0), " } ?? ""
            let value = option.arity == .flag ? "" : " \(option.valueName)"
            let repeatable = option.arity == .repeated ? " (repeatable)" : ""
            return ("\(short)--\(option.name)\(value)", option.help + repeatable)
        }
        optionRows.append(("-h, --help", "Show this help"))
        text += "\nOptions:\n" + HelpLayout.rows(optionRows)
        if !discussion.isEmpty {
            text += "\n" + discussion + (discussion.hasSuffix("\n") ? "" : "\n")
        }
        return text
    }
}

/// Two-column help layout shared by the program and command help.
enum HelpLayout {
    static func rows(_ rows: [(String, String)]) -> String {
        let width = min(28, (rows.map(\.0.count).max() ?? 0) + 2)
        return rows.map { left, right in
            let padding = left.count < width ? String(repeating: " ", count: width - left.count) : "\n  " + String(repeating: " ", count: width)
            return "  " + left + padding + right + "\n"
        }.joined()
    }
}
