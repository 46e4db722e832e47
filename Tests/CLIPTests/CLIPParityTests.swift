// CLIP's encoders reproduce a Hugging Face CLIPModel (tiny, random, seed 0) in both checkpoint
// layouts: embeddings, logits and hidden-state spot values from Tests/Fixtures/tiny-clip.
import Foundation
import Testing
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor
import ZooTestSupport
@testable import CLIP

/// reference.json of the tiny-clip fixture.
struct TinyCLIPReference {
    let json: [String: Any]
    init() throws {
        let url = fixturesDirectory.appendingPathComponent("tiny-clip/reference.json")
        json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }
    var ids: IntTensor {
        let rows = json["input_ids"] as! [[Int]]
        return IntTensor(rows: rows)
    }
    /// raw[b,c,h,w] = ((h*8 + w*4 + c*64 + b*32) % 256) / 255, then (raw − mean[c]) / std[c].
    var pixels: Tensor {
        let mean = json["image_mean"] as! [Double], std = json["image_std"] as! [Double]
        var values: [Float] = []
        for b in 0..<2 { for c in 0..<3 { for h in 0..<32 { for w in 0..<32 {
            let raw = Float((h * 8 + w * 4 + c * 64 + b * 32) % 256) / 255
            values.append((raw - Float(mean[c])) / Float(std[c]))
        } } } }
        return Tensor(values, shape: [2, 3, 32, 32])
    }
    func floats(_ path: String...) -> [Float] {
        var node: Any = json
        for key in path { node = (node as! [String: Any])[key]! }
        return (node as! [Any]).flatMap { ($0 as? [Double]) ?? [$0 as! Double] }.map(Float.init)
    }
}

/// The tiny-clip base config: zoo.json's clip-tiny (heads are not stored in OpenAI files).
func tinyBase() throws -> CLIPConfiguration {
    try CLIPConfiguration(config: ModelConfig(entry: "clip-tiny", json: try JSONParser.parse(#"""
    {"imageSize": 32, "patchSize": 8, "visionWidth": 64, "visionLayers": 2, "visionHeads": 4, "textWidth": 64,
     "textLayers": 2, "textHeads": 4, "contextLength": 77, "vocabSize": 49408, "embedDim": 32, "mlpRatio": 2}
    """#)))
}

@Suite("CLIP parity with Hugging Face on tiny-clip")
struct CLIPParityTests {
    static let directory = fixturesDirectory.appendingPathComponent("tiny-clip")

    func expectEmbeddings(_ model: CLIPModel, _ reference: TinyCLIPReference) {
        noGrad {
            let text = model.encodeText(reference.ids).sentence
            let image = model.visual(reference.pixels)
            expectClose(text.scalars, reference.floats("text", "text_features_unnormalized"), absolute: 1e-4, relative: 1e-4, "text features")
            expectClose(text.l2Normalized().scalars, reference.floats("text", "text_embeds"), absolute: 1e-4, relative: 1e-4, "text embeds")
            expectClose(image.scalars, reference.floats("image", "image_features_unnormalized"), absolute: 1e-4, relative: 1e-4, "image features")
            let logits = Tensor.matmul(text.l2Normalized(), image.l2Normalized(), transposeB: true) * model.logitScale.exp()
            expectClose(logits.scalars, reference.floats("logits_per_text"), absolute: 1e-4, relative: 1e-4, "logits per text")
        }
    }

    @Test("a Hugging Face directory loads with no missing or unused keys and reproduces the reference")
    func huggingFaceLayout() throws {
        let model = try CLIPCheckpoint.load(Self.directory, base: try tinyBase())
        #expect(model.configuration.textMLPWidth == 128 && model.configuration.imageSize == 32)
        expectEmbeddings(model, try TinyCLIPReference())
    }

    @Test("an OpenAI-layout file loads, sizes read off the shapes, and reproduces the reference")
    func openAILayout() throws {
        let hf = try SafetensorsFile(contentsOf: Self.directory.appendingPathComponent("model.safetensors")).tensors()
        let state = try CLIPCheckpoint.openAIState(fromHuggingFace: hf)
        #expect(state.count == hf.count - 2 * 2 * 2 * 2)   // q, k, v (weight + bias) fuse into in_proj: 4 fewer keys per block
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("openai-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        var writer = SafetensorsWriter()
        for (key, tensor) in state { try writer.add(key, floats: tensor.scalars, shape: tensor.shape) }
        try writer.write(to: url)
        let model = try CLIPCheckpoint.load(url, base: try tinyBase())
        var inferred = model.configuration
        inferred.logitScaleInit = try CLIPConfiguration(huggingFaceConfig: Data(contentsOf: Self.directory.appendingPathComponent("config.json")),
                                                        source: "config.json").logitScaleInit   // an initial value, not a size
        #expect(inferred == (try CLIPCheckpoint.load(Self.directory, base: try tinyBase())).configuration)
        expectEmbeddings(model, try TinyCLIPReference())
    }

    @Test("hidden states match at the spot values the reference records")
    func hiddenStates() throws {
        let model = try CLIPCheckpoint.load(Self.directory, base: try tinyBase())
        let reference = try TinyCLIPReference()
        noGrad {
            let c = model.configuration
            let pixels = reference.pixels
            let grid = model.visual.patchEmbedding(pixels).reshaped([2, c.visionWidth, 16]).transposed(1, 2)
            let cls = model.visual.classEmbedding.reshaped([1, 1, c.visionWidth]).broadcast(to: [2, 1, c.visionWidth])
            let encoded = model.visual.transformer(model.visual.preNorm(Tensor.concatenate([cls, grid], axis: 1) + model.visual.positions))
            let token0 = encoded.select(axis: 1, index: 0).slice(axis: 1, 0..<8)
            expectClose(token0.scalars, reference.floats("image", "last_hidden_state_token0_first8"), absolute: 1e-4, relative: 1e-4, "image token 0")
            let pooled = model.visual.postNorm(encoded.select(axis: 1, index: 0)).slice(axis: 1, 0..<8)
            expectClose(pooled.scalars, reference.floats("image", "pooler_output_first8"), absolute: 1e-4, relative: 1e-4, "image pooler")

            let ids = reference.ids
            let text = model.text
            let hidden = text.finalNorm(text.transformer(text.tokenEmbedding(ids) + text.positions, causal: true))   // [3, 77, 64]
            expectClose(hidden.select(axis: 1, index: 0).slice(axis: 1, 0..<8).scalars,
                        reference.floats("text", "last_hidden_state_token0_first8"), absolute: 1e-4, relative: 1e-4, "text token 0")
            let endPositions = reference.json["eot_positions"] as! [Int]
            let endRows = Tensor.stack(endPositions.enumerated().map { row, position in
                hidden.select(axis: 0, index: row).select(axis: 0, index: position).slice(axis: 0, 0..<8)
            })
            expectClose(endRows.scalars, reference.floats("text", "last_hidden_state_eot_first8"), absolute: 1e-4, relative: 1e-4, "text EOT")
        }
    }
}
