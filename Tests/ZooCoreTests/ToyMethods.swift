// Small methods registered only by these tests, to exercise the registry and the
// registry-driven checks without depending on which papers are built.
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor

/// A two-layer classifier on `[B, inputs]`.
final class ToyClassifier: Module, ZooModel {
    @Child var hidden: Linear
    @Child var output: Linear
    let inputs: Int
    var family: Family { .classification }
    var exposedTaps: Set<Tap> { [.logits, .features] }

    init(config: ModelConfig) throws {
        inputs = try config.positiveInt("inputs")
        let width = try config.positiveInt("width"), classes = try config.positiveInt("classes")
        super.init()
        hidden = Linear(inputs, width)
        output = Linear(width, classes)
    }

    func forward(_ batch: Batch) throws -> Outputs {
        // Dropout makes the random state part of what a resumed run must restore.
        let features = hidden(try batch.tensor("inputs")).relu().dropout(0.2, training: isTraining)
        return Outputs([.features: features, .logits: output(features)])
    }

    func taskLoss(_ outputs: Outputs, batch: Batch) throws -> Tensor {
        try outputs.require(.logits, from: "toy-classifier").crossEntropy(labels: try batch.integers("labels"))
    }

    func exampleBatch(size: Int, seed: UInt64) -> Batch {
        var generator = RandomGenerator(seed: seed)
        return Batch(tensors: ["inputs": Tensor.randomNormal([size, inputs], using: &generator)],
                     integers: ["labels": IntTensor((0..<size).map { _ in generator.nextInt(below: output.weight.shape[0]) })],
                     indices: Array(0..<size))
    }
}

/// Cosine similarity scaled by a learnable temperature.
final class ToyHead: Module, SimilarityHead {
    @Parameter var scale: Tensor
    let width: Int
    var exposedTaps: Set<Tap> { [.logits, .textEmbedding, .videoEmbedding] }

    init(config: ModelConfig) throws {
        width = try config.positiveInt("width")
        super.init()
        scale = Tensor(scalar: try config.float("scale"))
    }

    func similarity(text: TextFeatures, video: VideoFeatures) -> Outputs {
        let t = text.sentence.l2Normalized(), v = video.frames.mean(axis: 1).l2Normalized()
        return Outputs([.logits: Tensor.matmul(t, v, transposeB: true) * scale, .textEmbedding: t, .videoEmbedding: v])
    }

    func exampleFeatures(textCount: Int, videoCount: Int, seed: UInt64) -> (TextFeatures, VideoFeatures) {
        (TextFeatures(sentence: Tensor.randomNormal([textCount, width], seed: seed)),
         VideoFeatures(frames: Tensor.randomNormal([videoCount, 3, width], seed: seed + 1), mask: Tensor.ones([videoCount, 3])))
    }
}

/// Mean squared difference of logits: the simplest distillation loss on a tap.
final class ToyLoss: Module, DistillationLoss {
    var requiredStudentTaps: Set<Tap> { [.logits] }
    var requiredTeacherTaps: Set<Tap> { [.logits] }
    var families: Set<Family> { [.classification] }

    func loss(student: Outputs, teacher: Outputs, batch: Batch) throws -> Tensor {
        let difference = try student.require(.logits, from: "student") - (try teacher.require(.logits, from: "teacher"))
        return (difference * difference).mean()
    }

    func exampleInputs(size: Int, seed: UInt64) -> (student: Outputs, teacher: Outputs, batch: Batch) {
        let logits = Tensor.randomNormal([size, 3], seed: seed)
        logits.requiresGrad = true
        return (Outputs([.logits: logits]), Outputs([.logits: Tensor.randomNormal([size, 3], seed: seed + 1)]), Batch(indices: Array(0..<size)))
    }
}

enum ToyEntry: MethodEntry {
    static func register(in registry: inout Registry) throws {
        try registry.add(model: "toy-classifier") { try ToyClassifier(config: $0) }
        try registry.add(head: "toy-head") { try ToyHead(config: $0) }
        try registry.add(loss: "toy-loss") { _ in ToyLoss() }
    }
}

enum DuplicateToyEntry: MethodEntry {
    static func register(in registry: inout Registry) throws {
        try registry.add(model: "toy-classifier") { try ToyClassifier(config: $0) }
    }
}

/// A manifest listing the toy methods (what a zoo.json for them would say).
let toyManifest: Manifest = try! Manifest.parse(#"""
{
  "version": 1,
  "entries": [
    {"name": "toy-classifier", "kind": "model", "family": "classification", "target": "Toys", "entry": "ToyEntry",
     "paper": {"title": "A toy", "authors": ["Nobody"], "year": 2026, "arxiv": null, "code": null},
     "config": {"inputs": 6, "width": 16, "classes": 3}, "tinyConfig": {"width": 4}, "status": "experimental"},
    {"name": "toy-head", "kind": "head", "family": "retrieval", "target": "Toys", "entry": "ToyEntry",
     "paper": {"title": "A toy", "authors": ["Nobody"], "year": 2026, "arxiv": null, "code": null},
     "config": {"width": 8, "scale": 10.0}, "tinyConfig": {}, "status": "experimental"},
    {"name": "toy-loss", "kind": "loss", "family": "classification", "target": "Toys", "entry": "ToyEntry",
     "paper": {"title": "A toy", "authors": ["Nobody"], "year": 2026, "arxiv": null, "code": null},
     "config": {}, "tinyConfig": {}, "status": "experimental"},
    {"name": "toy-planned", "kind": "model", "family": "retrieval", "target": "Toys", "entry": "ToyEntry",
     "paper": {"title": "A toy", "authors": ["Nobody"], "year": 2026, "arxiv": null, "code": null},
     "config": {}, "tinyConfig": {}, "status": "planned"}
  ]
}
"""#)
