// Plans a new method against a package folder, refuses anything that would overwrite, and
// writes the files, the zoo.json entry and Package.swift's target line. Every check runs before
// the first write.
import Foundation
import ZooManifest

/// Everything one scaffold run will write, computed and checked before anything is written.
public struct ScaffoldPlan: Sendable {
    public let request: ScaffoldRequest
    /// The package root.
    public let packageDirectory: URL
    /// The new Swift files (paths relative to the package).
    public let files: [GeneratedFile]
    /// zoo.json's new text: the original with the entry appended.
    public let manifestText: String
    /// The line of the new entry's `{` in the new zoo.json.
    public let entryLine: Int
    /// Package.swift's new text, its `// zoo.json method targets:` line listing the new target
    /// (SwiftPM re-reads a Package.swift whose text changed, so a plain `swift build` sees the
    /// target); nil when the package has no such line.
    public let packageManifestText: String?

    /// The comment in Package.swift that lists the built method targets.
    public static let targetLinePrefix = "// zoo.json method targets:"

    /// Reads zoo.json in `packageDirectory` and plans `request`.
    ///
    /// - Throws: `ScaffoldError` when zoo.json is unreadable or invalid, the name or target is
    ///   taken, a file or folder to create exists, or the new zoo.json would not validate.
    public init(request: ScaffoldRequest, packageDirectory: URL) throws(ScaffoldError) {
        let manifestURL = packageDirectory.appending(path: "zoo.json")
        guard let data = FileManager.default.contents(atPath: manifestURL.path(percentEncoded: false)),
              let original = String(data: data, encoding: .utf8) else {
            throw .manifestUnreadable(path: manifestURL.path(percentEncoded: false))
        }
        let methodsPath = packageDirectory.appending(path: "Sources/Methods").path(percentEncoded: false)
        let folderExists: @Sendable (String) -> Bool = { target in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: methodsPath + "/" + target, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        let manifest: Manifest
        do {
            manifest = try Manifest.parse(original, options: ManifestValidationOptions(methodFolderExists: folderExists))
        } catch {
            throw .manifestInvalid(path: manifestURL.path(percentEncoded: false), errors: error.formatted(file: "zoo.json"))
        }
        if let existing = manifest.entry(named: request.name) { throw .nameExists(request.name, line: existing.line) }
        let sharing = manifest.entries.filter { $0.target == request.target }.map(\.name)
        if !sharing.isEmpty { throw .targetInUse(target: request.target, names: sharing) }

        let files = request.generatedFiles
        let created = [request.sourceFolder, request.testFolder] + files.map(\.path)
        let existing = created.filter { FileManager.default.fileExists(atPath: packageDirectory.appending(path: $0).path(percentEncoded: false)) }
        if !existing.isEmpty { throw .pathsExist(existing) }

        let (text, line) = try ManifestInsertion.appending(request.manifestEntry, to: original)
        // Validate exactly what will be written, as the build will: with the new folder present.
        let newTarget = request.target
        do {
            _ = try Manifest.parse(text, options: ManifestValidationOptions { $0 == newTarget || folderExists($0) })
        } catch {
            throw .generatedManifestInvalid(errors: error.formatted(file: "zoo.json"))
        }
        self.request = request
        self.packageDirectory = packageDirectory
        self.files = files
        manifestText = text
        entryLine = line
        let packageURL = packageDirectory.appending(path: "Package.swift")
        let targets = (try? Manifest.parse(text))?.methodTargets.map(\.name) ?? []   // validated just above
        packageManifestText = FileManager.default.contents(atPath: packageURL.path(percentEncoded: false))
            .flatMap { String(data: $0, encoding: .utf8) }
            .flatMap { Self.listing(targets, in: $0) }
    }

    /// `package` with its target line listing `targets`; nil when it has no such line.
    static func listing(_ targets: [String], in package: String) -> String? {
        var lines = package.components(separatedBy: "\n")
        guard let index = lines.firstIndex(where: { $0.hasPrefix(targetLinePrefix) }) else { return nil }
        lines[index] = targetLinePrefix + " " + targets.joined(separator: ", ")
        return lines.joined(separator: "\n")
    }

    /// Creates the folders and files, then replaces zoo.json atomically. zoo.json goes last, so
    /// an interrupted run never leaves an entry whose target folder is missing (which would
    /// break the build); on a failure the folders created here are removed again.
    public func write() throws(ScaffoldError) {
        let manager = FileManager.default
        var createdFolders: [URL] = []
        func fail(_ path: String, _ error: any Error) -> ScaffoldError {
            for folder in createdFolders.reversed() { try? manager.removeItem(at: folder) }
            return .writeFailed(path: path, reason: error.localizedDescription)
        }
        for folder in [request.sourceFolder, request.testFolder] {
            let url = packageDirectory.appending(path: folder)
            // Record the outermost folder that did not exist (Sources/Methods may be new too).
            var outermost = url
            while !manager.fileExists(atPath: outermost.deletingLastPathComponent().path(percentEncoded: false)) {
                outermost = outermost.deletingLastPathComponent()
            }
            do {
                try manager.createDirectory(at: url, withIntermediateDirectories: true)
                createdFolders.append(outermost)
            } catch {
                throw fail(folder, error)
            }
        }
        for file in files {
            do {
                try Data(file.contents.utf8).write(to: packageDirectory.appending(path: file.path), options: .withoutOverwriting)
            } catch {
                throw fail(file.path, error)
            }
        }
        if let packageManifestText {
            do {
                try Data(packageManifestText.utf8).write(to: packageDirectory.appending(path: "Package.swift"), options: .atomic)
            } catch {
                throw fail("Package.swift", error)
            }
        }
        do {
            try Data(manifestText.utf8).write(to: packageDirectory.appending(path: "zoo.json"), options: .atomic)
        } catch {
            throw fail("zoo.json", error)
        }
    }

    /// What was created and what to run next, for people.
    public var report: String {
        let r = request
        let rows: [(String, String)] = [
            (files[0].path, "the entry type \(r.entryType), registering \"\(r.name)\""),
            (files[1].path, "\(r.implementationType): a runnable \(r.kind.rawValue) skeleton"),
            (files[2].path, "Swift Testing tests: config, shapes, backward pass"),
            ("zoo.json", "+ entry \"\(r.name)\" at line \(entryLine) (status experimental)"),
        ] + (packageManifestText == nil ? [] : [("Package.swift", "\(r.target) added to its `// zoo.json method targets:` line")])
        let width = rows.map(\.0.count).max() ?? 0
        let created = rows.map { "  \($0.0.padding(toLength: width, withPad: " ", startingAt: 0))  \($0.1)" }
        return """
            Created the \(r.family.rawValue) \(r.kind.rawValue) "\(r.name)" in the new target \(r.target):
            \(created.joined(separator: "\n"))

            Next steps:
              1. Build: \(packageManifestText == nil ? "first add \(r.target) to the `// zoo.json method targets:` line of Package.swift (SwiftPM re-reads Package.swift only when its text changes), then" : "Package.swift changed, so SwiftPM re-reads it and sees the new target:")
                   swift build
              2. See the new entry:
                   swift run zoo list \(r.name)
              3. Run its tests:
                   swift test --filter \(r.target)Tests
              4. Replace every `TODO(method)` with the paper (grep -rn 'TODO(method)' \(r.sourceFolder) \(r.testFolder)),
                 and the TODO summary, paper and configs of "\(r.name)" in zoo.json.
              When it matches the official code, set its status to stable.

            """
    }
}
