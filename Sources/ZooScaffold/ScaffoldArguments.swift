// The command line shared by `zoo-scaffold` and the `zoo-new-method` plugin (which forwards its
// arguments to the tool, adding --package-path).
import ZooManifest

/// Parsed `zoo-scaffold` arguments.
public struct ScaffoldArguments: Sendable, Equatable {
    /// The package root (default: the current folder).
    public var packagePath = "."
    public var name: String?
    public var kind: String?
    public var family: String?
    public var target: String?
    public var title: String?
    public var authors: String?
    public var year: Int?
    public var arxiv: String?
    public var code: String?
    /// Print the plan and the files without writing anything.
    public var dryRun = false
    public var help = false

    static let valueOptions = ["package-path", "name", "kind", "family", "target", "title", "authors", "year", "arxiv", "code"]

    /// Parses `--option value`, `--option=value`, `--dry-run` and `--help`.
    /// - Throws: `ScaffoldError.usage` for an unknown option or a missing value.
    public init(_ arguments: [String]) throws(ScaffoldError) {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            guard argument.hasPrefix("--") else {
                throw .usage("unexpected argument \"\(argument)\"; options start with --. Run with --help for usage.")
            }
            var option = String(argument.dropFirst(2))
            var value: String?
            if let equals = option.firstIndex(of: "=") {
                value = String(option[option.index(after: equals)...])
                option = String(option[..<equals])
            }
            switch option {
            case "dry-run": dryRun = true; continue
            case "help": help = true; continue
            default: break
            }
            guard Self.valueOptions.contains(option) else {
                let suggestion = Suggestions.best(for: option, in: Self.valueOptions + ["dry-run", "help"]).map { " Did you mean --\($0)?" } ?? ""
                throw .usage("unknown option --\(option).\(suggestion) Run with --help for usage.")
            }
            if value == nil, let next = remaining.first, !next.hasPrefix("--") { value = remaining.popFirst() }
            guard let value else { throw .usage("--\(option) needs a value.") }
            try set(option, value)
        }
    }

    private mutating func set(_ option: String, _ value: String) throws(ScaffoldError) {
        switch option {
        case "package-path": packagePath = value
        case "name": name = value
        case "kind": kind = value
        case "family": family = value
        case "target": target = value
        case "title": title = value
        case "authors": authors = value
        case "year":
            guard let year = Int(value) else { throw .usage("--year needs a whole number, not \"\(value)\".") }
            self.year = year
        case "arxiv": arxiv = value
        default: code = value
        }
    }

    /// The request these arguments describe.
    /// - Throws: `ScaffoldError` for a missing required option or a value breaking a rule.
    public func request(currentYear: Int) throws(ScaffoldError) -> ScaffoldRequest {
        let missing = [("name", name), ("kind", kind), ("family", family)].filter { $0.1 == nil }.map { "--\($0.0)" }
        guard missing.isEmpty, let name, let kind, let family else {
            throw .usage("missing \(missing.joined(separator: ", ")). Run with --help for usage.")
        }
        return try ScaffoldRequest(name: name, kind: kind, family: family, target: target, title: title, authors: authors,
                                   year: year, arxiv: arxiv, code: code, currentYear: currentYear)
    }

    /// `--help` text. `command` is how the user invoked it.
    public static func usage(command: String) -> String {
        """
        Scaffolds a new method target: its entry type, a runnable skeleton, tests and a zoo.json entry.

        Usage: \(command) --name NAME --kind KIND --family FAMILY [options]

          --name NAME        registry name: lowercase words of letters and digits joined by '-', starting
                             with a letter (my-method)
          --kind KIND        \(ScaffoldKind.allCases.map(\.rawValue).joined(separator: ", "))
          --family FAMILY    \(Family.allCases.map(\.rawValue).joined(separator: ", ")) (a head is always retrieval)
          --target TARGET    SwiftPM target in Sources/Methods/TARGET (default: from the name, my-method -> MyMethod)
          --title TITLE      the paper's title          (default: a TODO placeholder)
          --authors "A, B"   full names, comma-separated (default: a TODO placeholder)
          --year YEAR        first public appearance    (default: this year)
          --arxiv ID         arXiv id, e.g. 2104.08860  (default: none)
          --code URL         official code, https://... (default: none)
          --package-path P   the zoo's package root     (default: the current folder)
          --dry-run          show what would be created, write nothing
          --help             this text

        It never overwrites: an existing name, target, file or folder stops it before anything is written.

        Examples:
          swift package --allow-writing-to-package-directory zoo-new-method --name my-head --kind head --family retrieval
          swift run zoo-scaffold --package-path . --name my-kd --kind loss --family classification --title "My KD" --year 2026
        """
    }
}
