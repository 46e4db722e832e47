// The parity cases under Tests/Fixtures/parity and what runs them. There is no central table:
// a case belongs to the method target of the zoo.json entry it is named after (`xclip`,
// `clip4clip-meanp`, or `teachclip-student` after `teachclip`), and that target's test folder
// holds the runners for its cases (`Tests/<Target>Tests/ParityTests.swift`), which fail on a case
// of theirs they cannot run. Cases named after no entry belong to the core (ZooCoreTests).
import Foundation
import Testing
import ZooManifest
import ZooTensor

/// Runs one case and returns everything it produced, named as in outputs.safetensors.
public typealias ParityRunner = @Sendable (ParityCase, _ gradInputs: [String]) throws -> [String: Tensor]

public enum ParityFixtures {
    /// The case directories under Tests/Fixtures/parity, by folder name.
    public static let directories: [String] = {
        let root = fixturesDirectory.appendingPathComponent("parity")
        // An unreadable fixtures folder means no cases: the coverage test then fails on zero cases.
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &isDirectory) && isDirectory.boolValue
        }.sorted()
    }()

    /// The built entry a case is named after: the longest entry name equal to the case name or
    /// followed in it by `-`; nil for a core case.
    public static func entry(ofCase name: String, in manifest: Manifest) -> ManifestEntry? {
        manifest.entries.filter { $0.status != .planned && (name == $0.name || name.hasPrefix($0.name + "-")) }
            .max { $0.name.count < $1.name.count }
    }

    /// The case directories that belong to method target `target` (nil: the core's).
    public static func directories(ownedBy target: String?, in manifest: Manifest) -> [String] {
        directories.filter { directory in
            let name = (try? caseName(of: directory)) ?? directory   // an unreadable case.json fails in `check`
            return entry(ofCase: name, in: manifest)?.target == target
        }
    }

    /// Expects every runner of `runners` to have its case among `directories` (a runner whose
    /// fixture went missing would otherwise pass by running nothing).
    public static func expectCases(for runners: [String: ParityRunner], among directories: [String],
                                   sourceLocation: SourceLocation = #_sourceLocation) throws {
        let names = try directories.map(caseName(of:))
        #expect(!names.isEmpty, sourceLocation: sourceLocation)
        for name in runners.keys.sorted() {
            #expect(names.contains(name), "Tests/Fixtures/parity/\(name) is missing", sourceLocation: sourceLocation)
        }
    }

    /// A number of a case's `config` (`case.json`), or an error naming it.
    public static func number(_ parity: ParityCase, _ key: String) throws -> Double {
        guard let value = parity.config[key] as? Double ?? (parity.config[key] as? Int).map(Double.init) else {
            throw ParityConfigurationError(name: parity.name, key: key)
        }
        return value
    }

    /// `case.json`'s `case` field of a directory.
    public static func caseName(of directory: String) throws -> String {
        try ParityCase(directory: fixturesDirectory.appendingPathComponent("parity").appendingPathComponent(directory)).name
    }

    /// `case.json`'s `grad_inputs`: the inputs whose gradients the case stores.
    public static func gradientInputs(of parity: ParityCase) throws -> [String] {
        let data = try Data(contentsOf: parity.directory.appendingPathComponent("case.json"))
        return ((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["grad_inputs"] as? [String]) ?? []
    }

    /// Runs the case in `directory` with `runners` and compares every stored output and gradient
    /// to `|a−b| ≤ tolerance + 1e-4|b|`; a case without a runner is a failure that says where to add one.
    public static func check(_ directory: String, runners: [String: ParityRunner], testFolder: String,
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        let parity = try ParityCase(directory: fixturesDirectory.appendingPathComponent("parity").appendingPathComponent(directory))
        guard let run = runners[parity.name] else {
            Issue.record("""
                parity/\(directory) holds case '\(parity.name)', which no runner in \(testFolder) knows. Add one to its \
                ParityTests.swift, or keep the case in Tests/Fixtures/parity-planned/ until its method lands.
                """, sourceLocation: sourceLocation)
            return
        }
        let produced = try run(parity, try gradientInputs(of: parity))
        #expect(!parity.outputs.isEmpty, sourceLocation: sourceLocation)
        for (name, expected) in parity.outputs.sorted(by: { $0.key < $1.key }) {
            guard let actual = produced[name] else {
                Issue.record("\(parity.name): produced no '\(name)' (it produced \(produced.keys.sorted().joined(separator: ", ")))",
                             sourceLocation: sourceLocation)
                continue
            }
            let sameShape = actual.shape == expected.shape || (actual.count == 1 && expected.count == 1)
            #expect(sameShape, "\(parity.name): '\(name)' has shape \(actual.shape), expected \(expected.shape)", sourceLocation: sourceLocation)
            guard sameShape else { continue }
            expectClose(actual.scalars, expected.scalars, absolute: parity.absoluteTolerance(for: name), relative: 1e-4,
                        "\(parity.name): \(name)", sourceLocation: sourceLocation)
        }
    }
}

/// A case's `case.json` lacks a number its runner needs.
public struct ParityConfigurationError: Error, CustomStringConvertible {
    public let name: String, key: String
    public var description: String { "parity case \(name): '\(key)' is missing from case.json's config" }
}
