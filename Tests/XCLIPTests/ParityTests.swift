// Parity runner of the X-CLIP case: the shared head runner (registry build, strict weight load,
// ½[CrossEn(S) + CrossEn(Sᵀ)], every tap and gradient), with the word count set as well, since
// X-CLIP's T×T matrices are sized by it. The four scaled scores are taps named like the outputs.
import Foundation
import Testing
import ZooCatalog
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor
import ZooTestSupport

/// The registry of every built method, as `zoo` builds it.
private let parityRegistry = try! ZooCatalog.registry()

private let parityRunners: [String: ParityRunner] = [
    "xclip": { parity, gradInputs in
        let sizes = [("embedDim", "D"), ("frames", "F"), ("words", "Lw"), ("layers", "layers"), ("heads", "heads")]
        return try HeadParity.run(parity, gradInputs: gradInputs, registry: parityRegistry,
                               overrides: try HeadParity.overrides(parity, registry: parityRegistry, sizes: sizes))
    },
]

@Suite("XCLIP parity with the PyTorch fixtures")
struct XCLIPParityTests {
    /// The cases under Tests/Fixtures/parity named after XCLIP's entries.
    static let cases = ParityFixtures.directories(ownedBy: "XCLIP", in: parityRegistry.manifest)

    @Test("every XCLIP case in Tests/Fixtures/parity reproduces every stored output and gradient", arguments: cases)
    func reproduces(directory: String) throws {
        try ParityFixtures.check(directory, runners: parityRunners, testFolder: "Tests/XCLIPTests")
    }

    @Test("every runner here has its case in Tests/Fixtures/parity")
    func runnersHaveCases() throws { try ParityFixtures.expectCases(for: parityRunners, among: Self.cases) }
}
