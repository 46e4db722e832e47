// Every case directory under Tests/Fixtures/parity runs here, through the full registry (every
// method target the build knows): the suite dispatches on `case.json`'s `case` field, compares
// every stored output and every stored gradient, and fails on a directory it finds but cannot
// run. Dropping a case directory into parity/ is therefore enough to test it (cases of methods
// not built yet wait in parity-planned/). Each method family adds its runners in its own file.
import Foundation
import Testing
import ZooCatalog
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor
import ZooTestSupport

/// The registry of every built method, as `zoo` builds it.
let parityRegistry: Registry = try! Registry(manifest: try! Manifest.parse(ZooCatalog.manifestJSON), entries: ZooCatalog.methodEntries)

/// The case directories found under Tests/Fixtures/parity, by folder name.
let parityCaseDirectories: [String] = {
    let root = fixturesDirectory.appendingPathComponent("parity")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
    return names.filter { name in
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &isDirectory) && isDirectory.boolValue
    }.sorted()
}()

/// Runs one case and returns everything it produced, named as in outputs.safetensors.
typealias ParityRunner = @Sendable (ParityCase, _ gradInputs: [String]) throws -> [String: Tensor]

/// Case name → runner. Each family's file contributes its own table.
let parityRunners: [String: ParityRunner] = {
    var runners: [String: ParityRunner] = [:]
    for table in [headParityRunners, lossParityRunners, distillationParityRunners, xclipParityRunners,
                  teachclipParityRunners, bimodalPMAParityRunners] {
        runners.merge(table) { first, _ in first }
    }
    return runners
}()

/// `case.json`'s `grad_inputs`: the inputs whose gradients the case stores.
func gradientInputs(of parity: ParityCase) throws -> [String] {
    let data = try Data(contentsOf: parity.directory.appendingPathComponent("case.json"))
    return ((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["grad_inputs"] as? [String]) ?? []
}

@Suite("Parity with the PyTorch fixtures in Tests/Fixtures/parity")
struct ParityTests {
    @Test("every case a runner knows is present in the parity folder")
    func folderHoldsTheKnownCases() {
        for name in parityRunners.keys.sorted() {
            #expect(parityCaseDirectories.contains(name), "Tests/Fixtures/parity/\(name) is missing")
        }
    }

    @Test("every case directory reproduces every stored output and gradient", arguments: parityCaseDirectories)
    func caseReproducesOutputsAndGradients(directory: String) throws {
        let parity = try ParityCase(directory: fixturesDirectory.appendingPathComponent("parity").appendingPathComponent(directory))
        guard let run = parityRunners[parity.name] else {
            Issue.record("""
                parity/\(directory) holds case '\(parity.name)', which no test knows how to run. Add a runner for it \
                in Tests/ZooParityTests, or keep it in Tests/Fixtures/parity-planned/ until its method lands.
                """)
            return
        }
        let produced = try run(parity, try gradientInputs(of: parity))
        #expect(!parity.outputs.isEmpty)
        for (name, expected) in parity.outputs.sorted(by: { $0.key < $1.key }) {
            guard let actual = produced[name] else {
                Issue.record("\(parity.name): produced no '\(name)' (it produced \(produced.keys.sorted().joined(separator: ", ")))")
                continue
            }
            let sameShape = actual.shape == expected.shape || (actual.count == 1 && expected.count == 1)
            #expect(sameShape, "\(parity.name): '\(name)' has shape \(actual.shape), expected \(expected.shape)")
            guard sameShape else { continue }
            expectClose(actual.scalars, expected.scalars, absolute: parity.absoluteTolerance(for: name), relative: 1e-4,
                        "\(parity.name): \(name)")
        }
    }
}
