// How heads start, as CLIP4Clip's CLIP4Clip.__init__ (`self.apply(self.init_weights)`) and
// from_pretrained start them: linears N(0, 0.02) with zero biases, and tightTransf's cross encoder
// holding CLIP's text blocks and positions when the widths allow.
import Foundation
import Testing
import CLIP
import CLIP4Clip
import ZooCore
import ZooNN
import ZooTensor

@Suite("Head initialisation")
struct HeadInitializationTests {
    @Test("tightTransf's and seqTransf's linears start N(0, 0.02) with zero biases; layer norms at 1 and 0")
    func officialInitWeights() {
        var configuration = CLIP4ClipConfiguration(width: 64, layers: 2, heads: 4)
        configuration.frames = 4
        for head in [TightTransformer(configuration) as Module, SequentialTransformer(configuration)] {
            var weights: [Float] = []
            for (_, module) in head.namedModules() {
                if let linear = module as? Linear {
                    weights += linear.weight.scalars
                    #expect(linear.bias?.scalars.allSatisfy { $0 == 0 } ?? true)
                }
                if let norm = module as? LayerNorm {
                    #expect(norm.weight.scalars.allSatisfy { $0 == 1 } && norm.bias.scalars.allSatisfy { $0 == 0 })
                }
            }
            let mean = weights.reduce(0, +) / Float(weights.count)
            let std = (weights.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(weights.count)).squareRoot()
            #expect(abs(mean) < 0.002 && abs(std - 0.02) < 0.002, "\(type(of: head)): mean \(mean), std \(std)")
        }
    }

    @Test("tightTransf's cross encoder starts from CLIP's text blocks and positions when the widths match")
    func tightTransfCopiesCLIP() throws {
        var settings = CLIPConfiguration.Settings()
        (settings.imageSize, settings.patchSize, settings.visionWidth, settings.visionLayers, settings.visionHeads) = (32, 16, 32, 1, 2)
        (settings.textWidth, settings.textLayers, settings.textHeads, settings.embedDim) = (32, 3, 2, 32)
        let clip = CLIPModel(try CLIPConfiguration(settings: settings))
        var configuration = CLIP4ClipConfiguration(width: 32, layers: 2, heads: 2)
        configuration.frames = 4
        let head = TightTransformer(configuration)
        let result = try #require(head.initialize(fromBackbone: clip.state()))
        let keys = try result.get()
        #expect(keys.contains("cross.embeddings.position_embeddings.weight"))
        let headState = head.state(), clipState = clip.state()
        #expect(headState["cross.embeddings.position_embeddings.weight"]!.scalars == clipState["positional_embedding"]!.scalars)
        for layer in 0..<2 {
            for name in ["attn.in_proj_weight", "attn.out_proj.weight", "ln_1.weight", "mlp.c_fc.weight", "mlp.c_proj.bias", "ln_2.bias"] {
                let key = "transformer.resblocks.\(layer).\(name)"
                #expect(headState["cross." + key]!.scalars == clipState[key]!.scalars, "\(key)")
            }
        }
        #expect(!keys.contains { $0.contains("resblocks.2") })   // only blocks 0…layers−1
        #expect(!keys.contains { $0.hasPrefix("cross.pooler") } && !keys.contains { $0.hasPrefix("similarity_dense") })
    }

    @Test("with CLIP's text narrower or wider than the head, tightTransf keeps its fresh start and says why")
    func tightTransfSkipsOtherWidths() throws {
        var configuration = CLIP4ClipConfiguration(width: 16, layers: 1, heads: 2)
        configuration.frames = 4
        let head = TightTransformer(configuration)
        let state = ["positional_embedding": Tensor.zeros([77, 64])]
        guard case let .failure(reason)? = head.initialize(fromBackbone: state) else { Issue.record("copied"); return }
        #expect(reason.description.contains("text width ≠ embedding width"))
    }
}
