// The generated Swift files: the entry type, the implementation skeleton and its tests.
// Templates are raw strings (`#"""`), so the generated code's own `\(...)` stays literal and
// only `\#(...)` is filled in here.
import ZooManifest

/// One file the scaffold creates.
public struct GeneratedFile: Sendable, Equatable {
    /// Path relative to the package root.
    public var path: String
    public var contents: String
}

extension ScaffoldRequest {
    /// The three Swift files of the new target, in the order they are written.
    public var generatedFiles: [GeneratedFile] {
        [
            GeneratedFile(path: "\(sourceFolder)/\(target).swift", contents: entrySource),
            GeneratedFile(path: "\(sourceFolder)/\(implementationType).swift", contents: implementationSource),
            GeneratedFile(path: "\(testFolder)/\(target)Tests.swift", contents: testSource),
        ]
    }

    /// The citation every method file opens with (DESIGN.md: title, authors, arXiv, deviations).
    var paperHeader: String {
        var lines: [String] = []
        if paper.title == Self.titlePlaceholder {
            lines.append("// TODO(method): the paper's title, authors, year and arXiv id (keep zoo.json's \"paper\" in step).")
        } else {
            lines.append("// \(paper.title)\(paper.title.hasSuffix(".") ? "" : ".")")
        }
        let authors = paper.authors == [Self.authorsPlaceholder] ? "TODO(method): authors" : paper.authors.joined(separator: ", ")
        lines.append("// \(authors) — \(paper.year), \(paper.arxiv.map { "arXiv:\($0)" } ?? "no arXiv id").")
        lines.append("// Mirrors: \(paper.code ?? "TODO(method): the official code's file and function this follows, if any").")
        lines.append("// Deviations: none yet — fill in.")
        return lines.joined(separator: "\n")
    }

    /// The factory call for the registry (`add(head:)`, `add(loss:)`, `add(model:)`), with the
    /// typed configuration whose defaults zoo.json's `config` overrides.
    var registration: String {
        "try registry.add(\(kind.rawValue): \"\(name)\", configuration: \(implementationType).Config.self) { \(implementationType)(configuration: $0) }"
    }

    /// `Sources/Methods/<Target>/<Target>.swift`: the `MethodEntry` that zoo.json's `entry` names.
    var entrySource: String {
        #"""
        \#(paperHeader)
        //
        // The registration of target \#(target). zoo.json's "\#(name)" entry names `\#(entryType)`; the
        // generated ZooCatalog calls it, so `zoo` and the trainer can build "\#(name)" by name.
        import ZooCore

        /// Registers \#(target)'s zoo.json names with the zoo's registry.
        public enum \#(entryType): MethodEntry {
            public static func register(in registry: inout Registry) throws {
                // TODO(method): one line per zoo.json name this target implements (variants of one
                // paper share the target and this entry type).
                \#(registration)
            }
        }

        """#
    }

    /// `Sources/Methods/<Target>/<Type>.swift`: a skeleton that compiles and runs.
    var implementationSource: String {
        switch (kind, family) {
        case (.head, _): headSource
        case (.loss, _): lossSource
        case (.model, .retrieval): retrievalModelSource
        case (.model, .classification): classificationModelSource
        }
    }

    /// The tiny config written into the tests: zoo.json's `config` with `tinyConfig` over it,
    /// so the tests build exactly what the registry's tiny build does today.
    var testConfigLiteral: String {
        guard case let .object(defaults) = defaultConfig.value, case let .object(tiny) = tinyConfig.value else { return "{}" }
        let merged = defaults.map { member in tiny.first { $0.key == member.key } ?? member }
        return JSONWriter.compact(.object(members: merged))
    }
}
