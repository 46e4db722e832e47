// Parity cases of the core (named after no method): the symmetric cross-entropy every head
// trains with. Each method's cases run in its own test folder (Tests/<Target>Tests/ParityTests.swift);
// this suite also checks that every case under Tests/Fixtures/parity has an owner.
import Foundation
import Testing
import ZooCatalog
import ZooCore
import ZooManifest
import ZooTensor
import ZooTestSupport

private let coreRegistry = try! ZooCatalog.registry()

private let parityRunners: [String: ParityRunner] = ["symmetric-ce": { try runSymmetricCrossEntropyCase($0, gradInputs: $1) }]

/// `symmetric-ce`: the row and column cross-entropies, their mean, and ∂loss/∂logits.
private func runSymmetricCrossEntropyCase(_ parity: ParityCase, gradInputs: [String]) throws -> [String: Tensor] {
    let logits = try parity.inputs.tensor("logits")
    logits.requiresGrad = true
    let labels = IntTensor(Array(0..<Swift.min(logits.shape[0], logits.shape[1])))
    let rows = noGrad { logits.crossEntropy(labels: labels) }
    let columns = noGrad { logits.transposed().crossEntropy(labels: labels) }
    let loss = logits.symmetricCrossEntropy()
    loss.backward()
    return ["loss_rows": rows, "loss_cols": columns, "loss": loss, "grad.input.logits": logits.grad ?? Tensor.zeros(logits.shape)]
}

@Suite("Core parity with the PyTorch fixtures")
struct CoreParityTests {
    static let cases = ParityFixtures.directories(ownedBy: nil, in: coreRegistry.manifest)

    @Test("every core case reproduces every stored output and gradient", arguments: cases)
    func reproduces(directory: String) throws {
        try ParityFixtures.check(directory, runners: parityRunners, testFolder: "Tests/ZooCoreTests")
    }

    @Test("every case directory belongs to a built method's test folder or to the core")
    func everyCaseHasAnOwner() throws {
        #expect(!ParityFixtures.directories.isEmpty)
        let targets = Set(coreRegistry.manifest.methodTargets.map(\.name))
        for directory in ParityFixtures.directories {
            let name = try ParityFixtures.caseName(of: directory)
            if let entry = ParityFixtures.entry(ofCase: name, in: coreRegistry.manifest) {
                #expect(targets.contains(entry.target), "parity/\(directory) belongs to \(entry.target), which is not built")
                let testFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                    .appendingPathComponent("\(entry.target)Tests/ParityTests.swift")
                #expect(FileManager.default.fileExists(atPath: testFolder.path), "parity/\(directory) belongs to \(entry.target), whose tests have no ParityTests.swift")
            } else {
                #expect(parityRunners[name] != nil, "parity/\(directory) ('\(name)') is named after no entry and no core runner knows it")
            }
        }
    }
}
