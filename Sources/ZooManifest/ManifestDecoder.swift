// Reads and validates zoo.json. Every rejection names its line; all problems are collected so
// that one failed build lists everything wrong, the way a compiler does.

/// Checks that need more than the text of zoo.json.
public struct ManifestValidationOptions: Sendable {
    /// Answers whether `Sources/Methods/<target>` exists. Nil skips the check (the CLI at run time
    /// has no package folder; the build already checked).
    public var methodFolderExists: (@Sendable (String) -> Bool)?

    public init(methodFolderExists: (@Sendable (String) -> Bool)? = nil) {
        self.methodFolderExists = methodFolderExists
    }
}

extension Manifest {
    /// The keys an entry may have; anything else is rejected with a did-you-mean.
    public static let entryFields = ["name", "kind", "family", "target", "entry", "summary", "paper", "config",
                                     "tinyConfig", "variants", "tags", "status", "dependsOn"]
    /// The keys an entry must have.
    public static let requiredEntryFields = ["name", "kind", "family", "target", "entry", "paper", "config",
                                             "tinyConfig", "status"]
    static let topLevelFields = ["$schema", "version", "entries"]
    static let paperFields = ["title", "authors", "year", "arxiv", "code", "venue", "note"]
    static let requiredPaperFields = ["title", "authors", "year", "arxiv", "code"]
    static let variantFields = ["name", "summary", "config"]

    /// Parses and validates the text of zoo.json.
    /// - Throws: `ManifestError` with every problem found, each at its line and column.
    public static func parse(_ text: String, options: ManifestValidationOptions = .init()) throws(ManifestError) -> Manifest {
        let root: JSONNode
        do {
            root = try JSONParser.parse(text)
        } catch {
            throw ManifestError([ManifestDiagnostic(.invalidJSON(error.message), at: error.position)])
        }
        var decoder = ManifestDecoder(options: options)
        let manifest = decoder.decode(root)
        guard let manifest, decoder.reader.diagnostics.isEmpty else { throw ManifestError(decoder.reader.diagnostics) }
        return manifest
    }

    /// Parses and validates zoo.json given as raw bytes, rejecting text that is not UTF-8.
    public static func parse(utf8 bytes: [UInt8], options: ManifestValidationOptions = .init()) throws(ManifestError) -> Manifest {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ManifestError([ManifestDiagnostic(.notUTF8, at: SourcePosition(line: 1, column: 1))])
        }
        return try parse(text, options: options)
    }
}

private struct ManifestDecoder {
    let options: ManifestValidationOptions
    var reader = FieldReader()
    // Cross-entry state, filled as entries are read.
    var nameLines: [String: Int] = [:]
    var entryTypeOfTarget: [String: (type: String, line: Int)] = [:]
    var targetOfEntryType: [String: (target: String, line: Int)] = [:]
    var checkedFolders: Set<String> = []
    /// Per target: the targets it depends on, each with where zoo.json says so.
    var dependencies: [String: [(target: String, position: SourcePosition)]] = [:]

    init(options: ManifestValidationOptions) { self.options = options }

    mutating func decode(_ root: JSONNode) -> Manifest? {
        guard root.members != nil else {
            reader.report(.wrongRootType(found: root.kindDescription), at: root.position)
            return nil
        }
        reader.checkKeys(of: root, allowed: Manifest.topLevelFields, required: ["version", "entries"], context: "the top level")
        _ = reader.string("$schema", in: root)
        if let version = reader.integer("version", in: root), version != Manifest.supportedVersion {
            reader.report(.unsupportedVersion(version), at: root["version"]!.position)
        }
        guard let items = reader.array("entries", in: root) else { return nil }
        var entries: [ManifestEntry] = []
        for (index, item) in items.enumerated() {
            if let entry = decodeEntry(item, index: index) { entries.append(entry) }
        }
        checkDependencies(builtTargets: Set(entries.filter { $0.status != .planned }.map(\.target)))
        return Manifest(version: Manifest.supportedVersion, entries: entries)
    }

    /// Every `dependsOn` names a built method target other than its own, and the targets' graph
    /// has no cycle (a cycle is reported at the `dependsOn` item that closes it).
    mutating func checkDependencies(builtTargets: Set<String>) {
        for (target, list) in dependencies.sorted(by: { $0.key < $1.key }) {
            for (dependency, position) in list where dependency != target && !builtTargets.contains(dependency) {
                reader.report(.unknownDependency(target: target, dependency: dependency,
                                                 suggestion: Suggestions.best(for: dependency, in: builtTargets.sorted())), at: position)
            }
        }
        var finished: Set<String> = [], reported: Set<String> = []
        func visit(_ target: String, path: [String]) {
            guard !finished.contains(target) else { return }
            let path = path + [target]
            for (dependency, position) in dependencies[target] ?? [] {
                if let start = path.firstIndex(of: dependency) {
                    let cycle = Array(path[start...]) + [dependency]
                    if reported.insert(Set(cycle).sorted().joined(separator: ",")).inserted {
                        reader.report(.dependencyCycle(cycle), at: position)
                    }
                } else {
                    visit(dependency, path: path)
                }
            }
            finished.insert(target)
        }
        for target in dependencies.keys.sorted() { visit(target, path: []) }
    }

    mutating func decodeEntry(_ node: JSONNode, index: Int) -> ManifestEntry? {
        guard node.members != nil else {
            reader.report(.wrongType(field: "entries[\(index)]", expected: "an object", found: node.kindDescription), at: node.position)
            return nil
        }
        let problemsBefore = reader.diagnostics.count
        let name = reader.string("name", in: node)
        let context = name.map { "entry \"\($0)\"" } ?? "entry #\(index + 1)"
        reader.checkKeys(of: node, allowed: Manifest.entryFields, required: Manifest.requiredEntryFields, context: context)
        let kind: EntryKind? = decodeEnum("kind", in: node) { .unknownKind($0, suggestion: $1) }
        if let name { checkName(name, isRecipe: kind == .recipe, at: node["name"]!.position) }
        let families = decodeFamilies(node)
        let target = decodeTarget(node)
        let entryType = decodeEntryType(node)
        let summary = reader.string("summary", in: node)
        let paper = reader.object("paper", in: node).flatMap { decodePaper($0) }
        let config = reader.object("config", in: node)
        let tinyConfig = reader.object("tinyConfig", in: node)
        let variants = decodeVariants(node)
        let tags = decodeTags(node)
        let status: Status? = decodeEnum("status", in: node) { .unknownStatus($0, suggestion: $1) }
        let dependsOn = reader.strings("dependsOn", in: node) ?? []
        for (dependency, position) in dependsOn where !NameRules.isValidTarget(dependency) || NameRules.isReservedTarget(dependency) {
            reader.report(.invalidTarget(dependency), at: position)
        }
        if let target, status != .planned {
            for (dependency, position) in dependsOn where !(dependencies[target] ?? []).contains(where: { $0.target == dependency }) {
                dependencies[target, default: []].append((dependency, position))
            }
        }
        checkTargetConsistency(target: target, entryType: entryType, node: node)
        if let target, let status, status != .planned { checkFolder(of: target, at: node["target"]!.position) }

        guard reader.diagnostics.count == problemsBefore, let name, let kind, let families, let target, let entryType,
              let paper, let config, let tinyConfig, let status else { return nil }
        return ManifestEntry(name: name, kind: kind, families: families, target: target, entryType: entryType,
                             summary: summary, paper: paper, config: config, tinyConfig: tinyConfig,
                             variants: variants ?? [], tags: tags ?? [], status: status, dependsOn: dependsOn.map(\.0),
                             line: node.position.line)
    }

    mutating func checkName(_ name: String, isRecipe: Bool = false, at position: SourcePosition) {
        guard isRecipe ? NameRules.isValidRecipeName(name) : NameRules.isValidName(name) else {
            reader.report(.invalidName(name), at: position)
            return
        }
        if let firstLine = nameLines[name] {
            reader.report(.duplicateName(name, firstLine: firstLine), at: position)
        } else {
            nameLines[name] = position.line
        }
    }

    mutating func decodeEnum<T: CaseIterable & RawRepresentable>(
        _ key: String, in node: JSONNode, unknown: (String, String?) -> ManifestProblem
    ) -> T? where T.RawValue == String {
        guard let text = reader.string(key, in: node) else { return nil }
        if let value = T(rawValue: text) { return value }
        let suggestion = Suggestions.best(for: text, in: T.allCases.map(\.rawValue))
        reader.report(unknown(text, suggestion), at: node[key]!.position)
        return nil
    }

    /// `family` is a string or a non-empty array of strings; both become an array.
    mutating func decodeFamilies(_ node: JSONNode) -> [Family]? {
        guard let value = node["family"] else { return nil }
        let strings: [(String, SourcePosition)]
        if let text = value.stringValue {
            strings = [(text, value.position)]
        } else if value.items != nil {
            guard let list = reader.strings("family", in: node, allowEmpty: false) else { return nil }
            strings = list
        } else {
            reader.report(.wrongType(field: "family", expected: "a string or an array of strings", found: value.kindDescription),
                          at: value.position)
            return nil
        }
        var families: [Family] = []
        var valid = true
        for (text, position) in strings {
            guard let family = Family(rawValue: text) else {
                let suggestion = Suggestions.best(for: text, in: Family.allCases.map(\.rawValue))
                reader.report(.unknownFamily(text, suggestion: suggestion), at: position)
                valid = false
                continue
            }
            if families.contains(family) {
                reader.report(.duplicateFamily(text), at: position)
                valid = false
            }
            families.append(family)
        }
        return valid ? families : nil
    }

    mutating func decodeTarget(_ node: JSONNode) -> String? {
        guard let target = reader.string("target", in: node) else { return nil }
        let position = node["target"]!.position
        if !NameRules.isValidTarget(target) {
            reader.report(.invalidTarget(target), at: position)
            return nil
        }
        if NameRules.isReservedTarget(target) {
            reader.report(.reservedTarget(target), at: position)
            return nil
        }
        return target
    }

    mutating func decodeEntryType(_ node: JSONNode) -> String? {
        guard let type = reader.string("entry", in: node) else { return nil }
        guard NameRules.isValidTypeName(type) else {
            reader.report(.invalidEntryType(type), at: node["entry"]!.position)
            return nil
        }
        return type
    }

    /// One target registers through one entry type, and one entry type lives in one target.
    mutating func checkTargetConsistency(target: String?, entryType: String?, node: JSONNode) {
        guard let target, let entryType else { return }
        let position = node["entry"]!.position
        if let existing = entryTypeOfTarget[target], existing.type != entryType {
            reader.report(.conflictingEntryType(target: target, entryType: entryType, existing: existing.type, line: existing.line),
                          at: position)
        } else if let other = targetOfEntryType[entryType], other.target != target {
            reader.report(.entryTypeInTwoTargets(entryType: entryType, target: target, otherTarget: other.target, line: other.line),
                          at: position)
        } else {
            entryTypeOfTarget[target] = entryTypeOfTarget[target] ?? (entryType, position.line)
            targetOfEntryType[entryType] = targetOfEntryType[entryType] ?? (target, position.line)
        }
    }

    mutating func checkFolder(of target: String, at position: SourcePosition) {
        guard let exists = options.methodFolderExists, checkedFolders.insert(target).inserted else { return }
        if !exists(target) {
            reader.report(.missingTargetFolder(target: target, path: "Sources/Methods/\(target)"), at: position)
        }
    }

    mutating func decodePaper(_ node: JSONNode) -> Paper? {
        let problemsBefore = reader.diagnostics.count
        reader.checkKeys(of: node, allowed: Manifest.paperFields, required: Manifest.requiredPaperFields, context: "paper")
        let title = reader.string("title", in: node)
        let authors = reader.strings("authors", in: node, allowEmpty: false)?.map(\.0)
        let year = reader.integer("year", in: node)
        if let year, !NameRules.plausibleYears.contains(year) {
            reader.report(.invalidYear(year), at: node["year"]!.position)
        }
        let arxiv = reader.stringOrNull("arxiv", in: node)
        if case let .some(.some(id)) = arxiv, !NameRules.isValidArxiv(id) {
            reader.report(.invalidArxiv(id), at: node["arxiv"]!.position)
        }
        let code = reader.stringOrNull("code", in: node)
        if case let .some(.some(url)) = code, !NameRules.isValidURL(url) {
            reader.report(.invalidURL(url), at: node["code"]!.position)
        }
        let venue = reader.string("venue", in: node)
        let note = reader.string("note", in: node)
        guard reader.diagnostics.count == problemsBefore, let title, let authors, let year, let arxiv, let code else { return nil }
        return Paper(title: title, authors: authors, year: year, arxiv: arxiv, code: code, venue: venue, note: note)
    }

    mutating func decodeVariants(_ node: JSONNode) -> [Variant]? {
        guard let items = reader.array("variants", in: node) else { return nil }
        var variants: [Variant] = []
        for item in items {
            guard item.members != nil else {
                reader.report(.wrongType(field: "variants", expected: "an array of objects", found: "an item that is \(item.kindDescription)"),
                              at: item.position)
                continue
            }
            let name = reader.string("name", in: item)
            reader.checkKeys(of: item, allowed: Manifest.variantFields, required: ["name"], context: "variant \"\(name ?? "?")\"")
            let summary = reader.string("summary", in: item)
            let config = reader.object("config", in: item) ?? .object([:])
            guard let name else { continue }
            if !NameRules.isValidTag(name) {
                reader.report(.invalidVariantName(name), at: item["name"]!.position)
            } else if variants.contains(where: { $0.name == name }) {
                reader.report(.duplicateVariant(name), at: item["name"]!.position)
            }
            variants.append(Variant(name: name, summary: summary, config: config))
        }
        return variants
    }

    mutating func decodeTags(_ node: JSONNode) -> [String]? {
        guard let tags = reader.strings("tags", in: node) else { return nil }
        var seen: Set<String> = []
        for (tag, position) in tags {
            if !NameRules.isValidTag(tag) {
                reader.report(.invalidTag(tag), at: position)
            } else if !seen.insert(tag).inserted {
                reader.report(.duplicateTag(tag), at: position)
            }
        }
        return tags.map(\.0)
    }
}
