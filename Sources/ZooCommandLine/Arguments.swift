// A small, conventional argument parser: each command declares its options and positional
// arguments once; the same declaration parses the command line and renders the help text.
// Conventions: `--name value` and `--name=value`; `-k value` for short names; flags take no
// value; `--` ends options; `-h`/`--help` anywhere before `--` asks for help.
import ZooManifest

/// One `--option` a command accepts.
public struct OptionSpec: Sendable, Equatable {
    /// How many values an option takes.
    public enum Arity: Sendable, Equatable {
        /// A boolean switch: `--json`. Repeating it is harmless.
        case flag
        /// One value, given at most once: `--seed 7`.
        case single
        /// One value per use, repeatable, collected in order: `--exclude a --exclude b`.
        case repeated
    }

    /// The long name without dashes: `kind` for `--kind`.
    public var name: String
    public var short: Character?
    public var arity: Arity
    /// The placeholder shown in help: `K` in `--kind K`.
    public var valueName: String
    public var help: String

    public init(name: String, short: Character? = nil, arity: Arity, valueName: String = "VALUE", help: String) {
        self.name = name
        self.short = short
        self.arity = arity
        self.valueName = valueName
        self.help = help
    }

    /// A boolean switch.
    public static func flag(_ name: String, short: Character? = nil, help: String) -> OptionSpec {
        OptionSpec(name: name, short: short, arity: .flag, valueName: "", help: help)
    }

    /// An option with one value, given at most once.
    public static func value(_ name: String, short: Character? = nil, valueName: String, help: String) -> OptionSpec {
        OptionSpec(name: name, short: short, arity: .single, valueName: valueName, help: help)
    }

    /// An option with one value per use, repeatable.
    public static func repeated(_ name: String, short: Character? = nil, valueName: String, help: String) -> OptionSpec {
        OptionSpec(name: name, short: short, arity: .repeated, valueName: valueName, help: help)
    }
}

/// One positional argument a command accepts.
public struct PositionalSpec: Sendable, Equatable {
    public enum Arity: Sendable, Equatable {
        case required
        case optional
        /// Zero or more; only the last positional may be variadic.
        case variadic
    }

    public var name: String
    public var arity: Arity
    public var help: String

    public init(_ name: String, arity: Arity = .required, help: String) {
        self.name = name
        self.arity = arity
        self.help = help
    }
}

/// What a command accepts: its options and positional arguments.
public struct ArgumentSpec: Sendable, Equatable {
    public var options: [OptionSpec]
    public var positionals: [PositionalSpec]

    public init(options: [OptionSpec] = [], positionals: [PositionalSpec] = []) {
        self.options = options
        self.positionals = positionals
    }

    /// Whether `arguments` ask for help (`-h` or `--help` before any `--`).
    public static func requestsHelp(_ arguments: [String]) -> Bool {
        for argument in arguments {
            if argument == "--" { return false }
            if argument == "--help" || argument == "-h" { return true }
        }
        return false
    }

    /// Parses a command's arguments (without the program and command names).
    /// - Throws: `UsageError` for an unknown option, a missing or unexpected value, an option
    ///   given twice that takes one value, or a missing or extra positional argument.
    public func parse(_ arguments: [String]) throws(UsageError) -> ParsedArguments {
        var result = ParsedArguments()
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || argument == "-" || !argument.hasPrefix("-") {
                result.positionals.append(argument)
            } else if argument == "--" {
                optionsEnded = true
            } else if argument == "--help" || argument == "-h" {
                result.helpRequested = true
            } else {
                let (spec, inlineValue) = try option(for: argument)
                switch spec.arity {
                case .flag:
                    guard inlineValue == nil else { throw UsageError("option --\(spec.name) takes no value") }
                    result.flags.insert(spec.name)
                case .single, .repeated:
                    let value: String
                    if let inlineValue {
                        value = inlineValue
                    } else if index < arguments.count, !Self.looksLikeOption(arguments[index]) {
                        value = arguments[index]
                        index += 1
                    } else {
                        throw UsageError("option --\(spec.name) needs a value (\(spec.valueName)); write --\(spec.name) \(spec.valueName) or --\(spec.name)=\(spec.valueName)")
                    }
                    if spec.arity == .single, result.values[spec.name] != nil {
                        throw UsageError("option --\(spec.name) was given more than once; give it once")
                    }
                    result.values[spec.name, default: []].append(value)
                }
            }
        }
        try checkPositionals(result.positionals)
        return result
    }

    /// A value starting with `-` would be ambiguous with an option, unless it is a number
    /// (`--lr -1` reaches the option's own check); `--name=-x` always works.
    private static func looksLikeOption(_ argument: String) -> Bool {
        argument.hasPrefix("-") && argument != "-" && Double(argument) == nil
    }

    private func option(for argument: String) throws(UsageError) -> (OptionSpec, String?) {
        if argument.hasPrefix("--") {
            let body = argument.dropFirst(2)
            let name = body.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0]
            let value = body.contains("=") ? String(body[body.index(after: body.firstIndex(of: "=")!)...]) : nil
            guard let spec = options.first(where: { $0.name == name }) else {
                let known = options.map { "--\($0.name)" } + ["--help"]
                throw UsageError("unknown option --\(name)." + Suggestions.didYouMean("--\(name)", in: known))
            }
            return (spec, value)
        }
        let letters = Array(argument.dropFirst())
        guard letters.count == 1, let spec = options.first(where: { $0.short == letters[0] }) else {
            let known = options.compactMap { $0.short.map { "-\($0)" } } + options.map { "--\($0.name)" }
            throw UsageError("unknown option \(argument)." + Suggestions.didYouMean(argument, in: known))
        }
        return (spec, nil)
    }

    private func checkPositionals(_ given: [String]) throws(UsageError) {
        var remaining = given[...]
        for spec in positionals {
            switch spec.arity {
            case .required:
                guard remaining.popFirst() != nil else { throw UsageError("missing argument \(spec.name)") }
            case .optional:
                _ = remaining.popFirst()
            case .variadic:
                remaining.removeAll()
            }
        }
        if let extra = remaining.first {
            throw UsageError("unexpected argument \"\(extra)\"")
        }
    }
}

/// The result of parsing: which flags were set, the values of options, and the positionals.
public struct ParsedArguments: Sendable, Equatable {
    /// Positional arguments in order, including everything after `--`.
    public internal(set) var positionals: [String] = []
    /// Whether `-h` or `--help` was given.
    public internal(set) var helpRequested = false
    var flags: Set<String> = []
    var values: [String: [String]] = [:]

    public init() {}

    /// Arguments built in code, for a command that runs another (`zoo train` training a teacher first).
    public init(positionals: [String], values: [String: [String]] = [:], flags: Set<String> = []) {
        (self.positionals, self.values, self.flags) = (positionals, values, flags)
    }

    /// Whether the flag `--name` was given.
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The names of every flag and option given.
    public var givenOptions: Set<String> { flags.union(values.keys) }

    /// The value of `--name`, or nil when absent (the last one for repeatable options).
    public func value(_ name: String) -> String? { values[name]?.last }

    /// Every value given for `--name`, in order.
    public func values(_ name: String) -> [String] { values[name] ?? [] }

    /// The integer value of `--name`, or `fallback` when absent; a usage error outside `range`.
    public func integer(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = value(name) else { return fallback }
        guard let number = Int(text), range.contains(number) else {
            throw UsageError("--\(name) must be an integer in \(range.lowerBound)...\(range.upperBound), got \"\(text)\"")
        }
        return number
    }

    /// The positional at `index`, or nil.
    public func positional(_ index: Int) -> String? {
        positionals.indices.contains(index) ? positionals[index] : nil
    }
}
