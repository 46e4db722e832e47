// What a head can do beyond scoring is asked through `SimilarityHead`, never found by a downcast:
// the loose heads factorise, only seqTransf copies from a backbone (through its base class's
// method, so the subclass's version must be the one called), tightTransf does neither.
import Testing
import ZooCore
import ZooTensor
@testable import CLIP4Clip

@Suite("CLIP4Clip head abilities")
struct HeadAbilitiesTests {
    @Test("meanP, seqLSTM and seqTransf factorise; tightTransf does not")
    func factorisation() throws {
        for name in ["clip4clip-meanp", "clip4clip-seqlstm", "clip4clip-seqtransf"] {
            #expect(try clip4clipRegistry.createHead(name, tiny: true).factorized != nil, "\(name)")
        }
        #expect(try clip4clipRegistry.createHead("clip4clip-tighttransf", tiny: true).factorized == nil)
    }

    @Test("seqTransf and tightTransf copy from the backbone, called through the protocol; meanP and seqLSTM do not")
    func backboneInitialisation() throws {
        for name in ["clip4clip-seqtransf", "clip4clip-tighttransf"] {
            let head: any SimilarityHead = try clip4clipRegistry.createHead(name, tiny: true)
            guard case let .failure(reason)? = head.initialize(fromBackbone: [:]) else {
                Issue.record("\(name)'s own initialize(fromBackbone:) was not called")
                continue
            }
            #expect(reason.description.contains("positional_embedding"), "\(name)")
        }
        for name in ["clip4clip-meanp", "clip4clip-seqlstm"] {
            #expect(try clip4clipRegistry.createHead(name, tiny: true).initialize(fromBackbone: [:]) == nil, "\(name)")
        }
    }
}
