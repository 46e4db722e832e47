// Parity of CLIP4Clip's four heads with the official code: `HeadParity` builds each head from the registry,
// loads the fixture's weights strictly, runs it and back-propagates ½[CrossEn(S) + CrossEn(Sᵀ)].
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
    "clip4clip-meanp": { try HeadParity.run($0, gradInputs: $1, registry: parityRegistry) }, "clip4clip-seqlstm": { try HeadParity.run($0, gradInputs: $1, registry: parityRegistry) },
    "clip4clip-seqtransf": { try HeadParity.run($0, gradInputs: $1, registry: parityRegistry) }, "clip4clip-tighttransf": { try HeadParity.run($0, gradInputs: $1, registry: parityRegistry) },
]

@Suite("CLIP4Clip parity with the PyTorch fixtures")
struct CLIP4ClipParityTests {
    /// The cases under Tests/Fixtures/parity named after CLIP4Clip's entries.
    static let cases = ParityFixtures.directories(ownedBy: "CLIP4Clip", in: parityRegistry.manifest)

    @Test("every CLIP4Clip case in Tests/Fixtures/parity reproduces every stored output and gradient", arguments: cases)
    func reproduces(directory: String) throws {
        try ParityFixtures.check(directory, runners: parityRunners, testFolder: "Tests/CLIP4ClipTests")
    }

    @Test("every runner here has its case in Tests/Fixtures/parity")
    func runnersHaveCases() throws { try ParityFixtures.expectCases(for: parityRunners, among: Self.cases) }
}
