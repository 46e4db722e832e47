// ZooCatalogGenerator: validates zoo.json and writes ZooCatalog's generated source.
// Run by Plugins/ZooCatalogPlugin during `swift build`; usable by hand for debugging:
//
//   swift run ZooCatalogGenerator --manifest zoo.json --methods Sources/Methods --output /tmp/Catalog.swift
//
// Problems are printed as `/abs/path/zoo.json:LINE:COL: error: ...` on stderr (the form
// compilers use, so SwiftPM and editors show them at the line) and the exit status is 1.
import Foundation
import ZooManifest

struct Arguments {
    var manifest = ""
    var methods = ""
    var output = ""
    /// Method targets the build graph contains; nil when not given (run by hand).
    var declaredTargets: [String]?

    init(_ arguments: ArraySlice<String>) throws {
        var remaining = arguments
        while let flag = remaining.popFirst() {
            guard let value = remaining.popFirst() else { throw UsageError("\(flag) needs a value") }
            switch flag {
            case "--manifest": manifest = value
            case "--methods": methods = value
            case "--output": output = value
            case "--declared-targets": declaredTargets = value.split(separator: ",").map(String.init)
            default: throw UsageError("unknown option \(flag)")
            }
        }
        guard !manifest.isEmpty, !methods.isEmpty, !output.isEmpty else {
            throw UsageError("usage: ZooCatalogGenerator --manifest zoo.json --methods Sources/Methods --output File.swift [--declared-targets A,B]")
        }
    }
}

struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func standardError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

func absolute(_ path: String) -> String {
    URL(fileURLWithPath: path).standardizedFileURL.path
}

func run() -> Int32 {
    let arguments: Arguments
    do {
        arguments = try Arguments(CommandLine.arguments.dropFirst())
    } catch {
        standardError("ZooCatalogGenerator: error: \(error)")
        return 2
    }
    let manifestPath = absolute(arguments.manifest)
    guard let data = FileManager.default.contents(atPath: manifestPath) else {
        standardError("\(manifestPath):1:1: error: cannot read zoo.json; the zoo's manifest must be at the package root")
        return 1
    }
    let methodsPath = absolute(arguments.methods)
    let options = ManifestValidationOptions { target in
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: methodsPath + "/" + target, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }
    let manifest: Manifest
    do {
        manifest = try Manifest.parse(utf8: Array(data), options: options)
    } catch {
        standardError(error.formatted(file: manifestPath))
        return 1
    }
    if let declared = arguments.declaredTargets {
        let stale = manifest.undeclaredTargets(declared: declared)
        if !stale.isEmpty {
            standardError(ManifestError(stale).formatted(file: manifestPath))
            return 1
        }
    }
    let text = String(decoding: data, as: UTF8.self)
    let source = CatalogSource.render(manifest: manifest, manifestText: text)
    let outputURL = URL(fileURLWithPath: arguments.output)
    // Rewriting identical content would still make ZooCatalog and everything above it recompile.
    if let existing = FileManager.default.contents(atPath: outputURL.path), existing == Data(source.utf8) {
        return 0
    }
    do {
        try FileManager.default.createDirectory(at: outputURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(source.utf8).write(to: outputURL, options: .atomic)
    } catch {
        standardError("\(outputURL.path):1:1: error: cannot write the generated catalog: \(error.localizedDescription)")
        return 1
    }
    return 0
}

exit(run())
