// `zoo index MODEL --weights CKPT --features DIR --out INDEX`: what a retrieval model keeps per
// video, computed once over a features folder (from `zoo embed --videos`), for `zoo search`.
import Foundation
import ZooCommandLine
import ZooCore
import ZooData
import ZooManifest

/// `zoo index MODEL --weights CKPT --features DIR --out INDEX [--frames F] [--backbone NAME] [--half]`
public struct IndexCommand: Command {
    let registry: Registry

    public init(registry: Registry) { self.registry = registry }

    public var name: String { "index" }
    public var summary: String { "Index a features folder with a retrieval model or head, for zoo search" }

    public var arguments: ArgumentSpec {
        ArgumentSpec(
            options: [
                .value("weights", valueName: "CKPT", help: "The model's or head's weights (a zoo checkpoint, or a format the model loads)"),
                .value("features", valueName: "DIR", help: "A features folder (zoo embed --videos) with features.safetensors"),
                .value("out", valueName: "INDEX", help: "The index folder to write (index.json, vectors.safetensors)"),
                .value("frames", valueName: "F", help: "Frames per video the model reads (default 12)"),
                .value("backbone", valueName: "NAME", help: "A head's backbone (default: the head's)"),
                .flag("half", help: "Store the vectors (and frames) at float16: half the disk, and one to eight queries read half the bytes"),
                OutputFile.forceOption,
            ],
            positionals: [PositionalSpec("MODEL", help: "A retrieval model or similarity head (`zoo list --family retrieval`)")])
    }

    public var discussion: String {
        """
        A model or head whose score is a dot product of one caption vector and one video vector
        stores one vector per video. A head whose score needs the caption itself stores the frame
        features and a first-stage vector, and `zoo search` re-ranks the first stage's best with
        the head. `zoo info NAME` says which a head is (its factorised ability); index.json records
        the model, the weights' checksum, the features and the ids (docs/search.md).

        Examples:
          zoo index HEAD --weights runs/head/best.safetensors --features my-features --out my-index
          zoo index clip-vit-b32 --weights ViT-B-32.safetensors --features my-features --out clip-index --half
        """
    }

    public func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        guard let weights = arguments.value("weights") else { throw UsageError("--weights CKPT is required") }
        guard let features = arguments.value("features") else { throw UsageError("--features DIR is required (a folder made by zoo embed --videos)") }
        guard let out = arguments.value("out") else { throw UsageError("--out INDEX is required") }
        let featuresFolder = URL(fileURLWithPath: features).standardizedFileURL
        let featuresFile = featuresFolder.appendingPathComponent("features.safetensors")
        guard FileManager.default.fileExists(atPath: featuresFile.path) else {
            throw RuntimeError("'\(featuresFile.path)' was not found; make the features with `zoo embed MODEL --videos SOURCE --out \(features)`")
        }
        let outURL = URL(fileURLWithPath: out).standardizedFileURL
        if FileManager.default.fileExists(atPath: outURL.path) {
            let isIndex = FileManager.default.fileExists(atPath: outURL.appendingPathComponent("index.json").path)
            guard isIndex, arguments.flag("force") else {
                throw UsageError(isIndex ? "'\(out)' already holds an index; add --force to replace it"
                                         : "'\(out)' exists and is not an index; choose a new folder")
            }
        }
        let frames = try arguments.integer("frames", default: 12, in: 1...256)
        var experiment = try Experiment(resolving: arguments.positionals[0], in: registry)
        experiment.student.weights = URL(fileURLWithPath: weights).standardizedFileURL.path
        experiment.data = DataOptions(dataset: "features:\(featuresFolder.path)", frames: frames)
        if let backbone = arguments.value("backbone") { experiment.backbone = ModelSpec(name: backbone.lowercased()) }
        let (built, contextLength) = try BuiltRun.studentModel(experiment, registry: registry)
        guard let model = built.retrieval else {
            throw RuntimeError("\(experiment.student.name) is not a retrieval model; `zoo index` needs one (`zoo list --family retrieval`)")
        }
        let backbone = try registry.entry(experiment.student.name).kind == .head
            ? (experiment.backbone?.name ?? Experiment.defaultBackbone(forHead: experiment.student.name, dataset: DataSpec(experiment.data.dataset), registry: registry))
            : nil
        var files: [String: String]?
        let filesURL = featuresFolder.appendingPathComponent("files.json")
        if FileManager.default.fileExists(atPath: filesURL.path) {
            files = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: filesURL))
        }
        let base = IndexRecord(format: IndexRecord.currentFormat, model: experiment.student.name, backbone: backbone,
                               weights: experiment.student.weights ?? weights, weightsChecksum: try ContentChecksum.of(URL(fileURLWithPath: weights)),
                               kind: "vector", count: 0, width: 0, framesPerVideo: frames, contextLength: contextLength,
                               storage: arguments.flag("half") ? "float16" : "float32", features: featuresFolder.path,
                               featuresChecksum: try ContentChecksum.of(featuresFile), ids: [], files: files)
        let started = Date()
        let index = try VideoIndex.build(model: model, features: featuresFile, framesPerVideo: frames, base: base)
        try index.write(to: outURL)
        console.write(String(format: "indexed %d videos with %@ (%@, %d-d %@) into %@ in %.1f s\n", index.record.count, index.record.model,
                             index.isVector ? "one vector per video" : "frames kept for re-ranking", index.record.width,
                             index.record.storage, out, Date().timeIntervalSince(started)))
        return ExitStatus.success
    }
}
