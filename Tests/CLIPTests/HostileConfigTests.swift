// Sizes read from files people bring are checked before anything divides or allocates by them:
// a zero patch size or head count, a negative width, a wrongly typed field, a reshaped tensor.
import Foundation
import Testing
import ZooCore
import ZooTensor
@testable import CLIP

private func huggingFaceConfig(vision: [String: Any] = [:], text: [String: Any] = [:]) throws -> Data {
    let visionConfig: [String: Any] = ["image_size": 32, "patch_size": 8, "hidden_size": 64, "num_hidden_layers": 2,
                                       "num_attention_heads": 4, "intermediate_size": 128].merging(vision) { $1 }
    let textConfig: [String: Any] = ["hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
                                     "intermediate_size": 128].merging(text) { $1 }
    return try JSONSerialization.data(withJSONObject: ["projection_dim": 32, "vision_config": visionConfig, "text_config": textConfig])
}

@Suite("CLIP configurations from outside files")
struct HostileConfigTests {
    @Test("the intact config reads")
    func intact() throws {
        #expect(try CLIPConfiguration(huggingFaceConfig: try huggingFaceConfig(), source: "config.json").patchSize == 8)
    }

    @Test("zero, negative and wrongly typed fields are errors naming the field, not crashes or defaults")
    func badFields() throws {
        let cases: [(vision: [String: Any], text: [String: Any], field: String)] = [
            (["patch_size": 0], [:], "patchSize"), (["num_attention_heads": 0], [:], "visionHeads"),
            (["hidden_size": -64], [:], "visionWidth"), ([:], ["layer_norm_eps": "small"], "layer_norm_eps"),
            ([:], ["num_hidden_layers": 2.5], "num_hidden_layers"),
        ]
        for (vision, text, field) in cases {
            do {
                _ = try CLIPConfiguration(huggingFaceConfig: try huggingFaceConfig(vision: vision, text: text), source: "config.json")
                Issue.record("\(vision) \(text) was accepted")
            } catch {
                #expect("\(error)".contains(field), "\(error)")
            }
        }
    }

    @Test("an OpenAI-layout tensor of the wrong rank is refused with its name")
    func reshapedTensor() throws {
        let base = try CLIPConfiguration(huggingFaceConfig: try huggingFaceConfig(), source: "config.json")
        let state = ["visual.conv1.weight": Tensor.zeros([64 * 3 * 8 * 8])]
        do {
            _ = try CLIPConfiguration(openAIState: state, headsFrom: base, source: "clip.safetensors")
            Issue.record("a 1-D conv1 was accepted")
        } catch {
            #expect("\(error)".contains("visual.conv1.weight"), "\(error)")
        }
    }

    @Test("sizes of 10^12 are refused with the bytes they ask for and what the machine has, before any allocation")
    func absurdSizes() throws {
        for (vision, text) in [(["hidden_size": 1_000_000_000_000, "num_attention_heads": 1], [String: Any]()),
                               ([:], ["vocab_size": 1_000_000_000_000]), ([:], ["num_hidden_layers": Int.max / 2])] {
            do {
                _ = try CLIPConfiguration(huggingFaceConfig: try huggingFaceConfig(vision: vision, text: text), source: "config.json")
                Issue.record("\(vision) \(text) was accepted")
            } catch let error as ZooError {
                guard case .tooLarge = error else { Issue.record("\(error)"); continue }
                #expect("\(error)".contains("available") && "\(error)".contains("for the weights"), "\(error)")
            }
        }
    }

    @Test("the memory estimate counts exactly the weights the model builds")
    func parameterCountIsExact() throws {
        let configuration = try CLIPConfiguration(huggingFaceConfig: try huggingFaceConfig(), source: "config.json")
        let built = CLIPModel(configuration).namedParameters().reduce(0) { $0 + $1.tensor.count }
        #expect(configuration.parameterCount == built)
    }
}
