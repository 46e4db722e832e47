// What the bimodal-pma and cnn-small models promise: checkpoint keys as the fixtures name them,
// configs and inputs that cannot work are refused with the fix, phrases are read only up to their
// last word, and one optimizer step on a synthfine batch lowers the loss.
import Testing
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor
@testable import BiModalPMA

private func overrides(_ arguments: String...) throws -> JSONNode { try ConfigOverrides(arguments: arguments).overrides() }

@Suite("Bi-modal PMA models")
struct ModelTests {
    @Test("bimodal-pma keeps the head's keys at the root, the CNN under backbone. and the LSTM under text.")
    func checkpointKeys() throws {
        let model = try pmaRegistry.createModel("bimodal-pma", tiny: true)
        let keys = Set(model.namedParameters().map(\.key))
        for key in ["stages.0.sam_v.fc1.weight", "stages.2.sam_t.fc2.weight", "stages.1.local_conv.bias", "stages.1.qrm.wq.weight",
                    "fc.weight", "classifier.bias", "backbone.features.0.weight", "backbone.features.1.bias",
                    "text.embedding.weight", "text.lstm.weight_ih_l0"] {
            #expect(keys.contains(key), "missing \(key)")
        }
        let head = try pmaRegistry.createModel("bimodal-pma", overrides: try overrides("precomputedInputs=true", "backboneChannels=[32]"))
        #expect(head.namedParameters().allSatisfy { $0.key.hasPrefix("stages.") || $0.key.hasPrefix("fc.") || $0.key.hasPrefix("classifier.") })
        #expect(head.namedParameters().count == 3 * 7 + 4)
    }

    @Test("a cnn-small checkpoint's trunk fits bimodal-pma's backbone under the backbone. prefix")
    func cnnSmallTrunkFitsTheTeacher() throws {
        let cnn = try pmaRegistry.createModel("cnn-small", overrides: try overrides("channels=[16, 32, 64]"))
        let pma = try pmaRegistry.createModel("bimodal-pma")
        let trunk = Dictionary(uniqueKeysWithValues: cnn.namedParameters().filter { $0.key.hasPrefix("features.") }.map { ("backbone." + $0.key, $0.tensor) })
        let report = try pma.load(state: trunk, strict: false)
        #expect(report.loaded == 6 && report.mismatched.isEmpty && report.unused.isEmpty)
    }

    @Test("configs that cannot work throw ZooError naming the key", arguments: [
        "backbone=resnet50", "imageSize=20", "backboneChannels=[16, 24]", "textWidth=20", "blockSize=3", "vocabularySize=1",
    ])
    func badConfigs(argument: String) throws {
        let key = String(argument.prefix { $0 != "=" })
        let error = #expect(throws: ZooError.self) { try pmaRegistry.createModel("bimodal-pma", overrides: try overrides(argument)) }
        if case let .invalidConfig(_, errorKey, _)? = error { #expect(errorKey == key) } else { Issue.record("unexpected \(String(describing: error))") }
    }

    @Test("the default vocabulary is synthfine's")
    func vocabularyIsSynthFines() throws {
        let effective = try #require(try pmaRegistry.effectiveConfiguration(for: "bimodal-pma"))
        #expect(effective["vocabularySize"]?.intValue == SynthFineVocabulary.size)
        #expect(PMAConfiguration().vocabularySize == SynthFineVocabulary.size)
    }

    @Test("inputs of the wrong shape throw with the expected shape")
    func badInputs() throws {
        let head = smallHead()
        #expect(throws: BiModalPMAInputError.self) {
            try head(Tensor.zeros([2, 3, 4, 16]), phrases: Tensor.zeros([2, 3, 16]), phraseMask: Tensor.ones([2, 3]))   // odd h
        }
        #expect(throws: BiModalPMAInputError.self) {
            try head(Tensor.zeros([2, 2, 4, 16]), phrases: Tensor.zeros([2, 3, 16]), phraseMask: Tensor.ones([2, 3]))   // 2 blocks < 3 stages
        }
        #expect(throws: BiModalPMAInputError.self) {
            try head(Tensor.zeros([2, 4, 4, 16]), phrases: Tensor.zeros([2, 3, 8]), phraseMask: Tensor.ones([2, 3]))    // d_t
        }
        let model = try pmaRegistry.createModel("bimodal-pma", tiny: true)
        var batch = model.exampleBatch(size: 2, seed: 1)
        batch.tensors["images"] = Tensor.zeros([2, 3, 12, 12])
        #expect(throws: BiModalPMAInputError.self) { try model.forward(batch) }
    }

    @Test("a phrase's embedding is the LSTM state after its last word: padding slots are never read")
    func phraseEmbeddingIgnoresPadding() throws {
        let encoder = GlobalRandom.withSeed(4) { PhraseEncoder(vocabularySize: 28, wordWidth: 8, textWidth: 16) }
        let short = try noGrad { try encoder(IntTensor([8, 1, 17, 2, 0, 0], shape: [1, 3, 2])) }           // "red head", "striped wing", padding
        let long = try noGrad { try encoder(IntTensor([8, 1, 0, 0, 17, 2, 0, 0, 0, 0, 0, 0], shape: [1, 3, 4])) }
        expectCloseScalars(short.scalars, long.scalars)
        #expect(short.scalars[32..<48].allSatisfy { $0 == 0 })                                           // the padded phrase
        #expect(PhraseEncoder.lengths(IntTensor([8, 1, 0, 0, 5, 0, 0, 0], shape: [1, 2, 4])) == [2, 1])
    }

    @Test("on synthfine, both models give logits per class and one optimizer step lowers the loss", arguments: ["bimodal-pma", "cnn-small"])
    func oneStepLowersTheLoss(name: String) throws {
        let (train, _) = SynthFineSource.splits(seed: 0)
        let batch = try train.batch(Array(0..<16))
        let model = try GlobalRandom.withSeed(7) { try pmaRegistry.createModel(name) }
        let outputs = try model.forward(batch)
        #expect(outputs[.logits]?.shape == [16, 10])
        let loss = try model.taskLoss(outputs, batch: batch)
        loss.backward()
        let optimizer = SGD(parameters: model.optimizedParameters(weightDecay: 0), learningRate: 0.05)
        optimizer.step()
        let after = try noGrad { try model.taskLoss(try model.forward(batch), batch: batch) }
        #expect(after.item < loss.item, "\(name): \(loss.item) → \(after.item)")
    }

    @Test("the teacher's taps have the documented shapes on a synthfine batch")
    func tapShapes() throws {
        let (_, test) = SynthFineSource.splits(seed: 1)
        let model = try GlobalRandom.withSeed(2) { try pmaRegistry.createModel("bimodal-pma") }
        let outputs = try noGrad { try model.forward(try test.batch([3, 1, 4, 1])) }
        #expect(outputs[.features]?.shape == [4, 64 + 3 * 64])
        #expect(outputs[.visualAttention]?.shape == [3, 4, 16])                                         // 8×8 map → 16 blocks
        #expect(outputs[.textLocalAttention]?.shape == [3, 4, 10])
        #expect(outputs[.stageFeatures]?.shape == [3, 4, 64])
        #expect(model.exposedTaps == Set(outputs.names))
    }
}

/// Element-wise closeness for float arrays of equal length.
func expectCloseScalars(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count, sourceLocation: sourceLocation)
    for (x, y) in zip(a, b) where abs(x - y) > tolerance {
        Issue.record("\(x) vs \(y)", sourceLocation: sourceLocation)
        return
    }
}
