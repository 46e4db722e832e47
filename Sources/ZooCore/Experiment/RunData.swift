// The data of a run, retrieval or classification, with what training and evaluation need of it.
import Foundation
import ZooData
import ZooManifest

/// The splits of a classification dataset.
public struct ClassificationSplits {
    public var train: any ClassificationSource
    public var test: any ClassificationSource

    public init(train: any ClassificationSource, test: any ClassificationSource) {
        (self.train, self.test) = (train, test)
    }
}

/// An evaluation of either family, as `zoo train`/`zoo eval` report it.
public enum RunEvaluation: Encodable, Sendable {
    case retrieval(RetrievalEvaluation)
    case classification(ClassificationEvaluation)

    /// What picks the best checkpoint: t2v R@1 or accuracy.
    public var primary: Double {
        switch self {
        case let .retrieval(evaluation): return evaluation.primary
        case let .classification(evaluation): return evaluation.primary
        }
    }

    /// One line for logs.
    public var summary: String {
        switch self {
        case let .retrieval(evaluation): return evaluation.metrics.textToVideo.description
        case let .classification(evaluation): return String(format: "accuracy %.2f%% (%d errors of %d)", evaluation.accuracy, evaluation.errors, evaluation.examples)
        }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case let .retrieval(evaluation): try evaluation.encode(to: encoder)
        case let .classification(evaluation): try evaluation.encode(to: encoder)
        }
    }

    /// The metrics by the names comparisons report (`t2v_r1`, …, or `accuracy`, `errors`).
    public var quality: [String: Double] {
        switch self {
        case let .retrieval(result):
            let (t, v) = (result.metrics.textToVideo, result.metrics.videoToText)
            var values = ["t2v_r1": t.recallAt1, "t2v_r5": t.recallAt5, "t2v_r10": t.recallAt10, "t2v_mdr": t.medianRank,
                          "t2v_mnr": t.meanRank, "v2t_r1": v.recallAt1, "v2t_r5": v.recallAt5, "v2t_r10": v.recallAt10,
                          "v2t_mdr": v.medianRank, "v2t_mnr": v.meanRank]
            if let temporal = result.temporalR1 { values["temporal_r1"] = temporal }
            if let pairs = result.temporalPairAccuracy { values["temporal_pair_accuracy"] = pairs }
            return values
        case let .classification(result):
            return ["accuracy": result.accuracy, "errors": Double(result.errors)]
        }
    }
}

/// A run's data.
public enum RunData {
    case retrieval(DataSplits, CLIPTokenizer)
    case classification(ClassificationSplits)

    /// Numbered batches of the training split; throws when that split could not be opened.
    public func trainBatcher(contextLength: Int) throws -> any BatchSource {
        switch self {
        case let .retrieval(splits, tokenizer):
            return RetrievalBatcher(source: try splits.trainingSplit(), tokenizer: tokenizer, contextLength: contextLength)
        case let .classification(splits): return ClassificationBatcher(source: splits.train)
        }
    }

    /// Evaluates `model` on the test split, or on the validation split (the test split when the
    /// dataset has none: digits and synthfine keep no validation split, as the papers report test).
    public func evaluate(_ model: any ZooModel, name: String, validation: Bool, contextLength: Int,
                         normalizations: [QueryNormalization] = []) throws -> (RunEvaluation, split: String) {
        switch self {
        case let .retrieval(splits, tokenizer):
            let source = validation ? (splits.validation ?? splits.test) : splits.test
            var evaluator = RetrievalEvaluator(batcher: RetrievalBatcher(source: source, tokenizer: tokenizer, contextLength: contextLength))
            evaluator.queryNormalizations = Set(normalizations)
            guard let retrieval = model.retrieval else { throw ExperimentError.notRetrieval(name) }
            return (.retrieval(try evaluator.evaluate(retrieval)), source.name)
        case let .classification(splits):
            return (.classification(try ClassificationEvaluator(source: splits.test).evaluate(model)), splits.test.name)
        }
    }

    /// The records of left-out videos (missing or broken files) of the splits that tolerate them.
    public var skippedVideoLogs: [SkippedVideos] {
        if case let .retrieval(splits, _) = self { return splits.skippedVideoLogs }
        return []
    }

    /// Writes `skipped-videos.jsonl` (one line per left-out video, with its split) into
    /// `directory` when any video was left out; removes a stale one otherwise.
    public func writeSkippedVideos(to directory: URL) throws {
        let url = directory.appendingPathComponent("skipped-videos.jsonl")
        var text = ""
        for log in skippedVideoLogs where !log.all.isEmpty { text += try log.jsonLines(includingSplit: true) }
        if text.isEmpty {
            if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
            return
        }
        try Data(text.utf8).write(to: url, options: .atomic)
    }

    /// Whether the dataset keeps a validation split apart from its test split.
    public var hasValidationSplit: Bool {
        if case let .retrieval(splits, _) = self { return splits.validation != nil }
        return false
    }
}

extension DataSpec {
    /// The splits for a model of `family`, or an error when data and model disagree.
    public func loadRun(family: Family, model: String, imageSize: Int, options: DataOptions) throws -> RunData {
        let (frames, paths) = (options.frames, options.paths)
        guard family == self.family else {
            throw ExperimentError.dataFamilyMismatch(dataset: "\(self)", dataFamily: self.family, model: model, modelFamily: family)
        }
        try requireApplicable(frames: frames, paths: paths)
        try requireApplicable(options)
        switch self {
        case .digits:
            let (train, test) = try DigitsSource.splits()
            return .classification(ClassificationSplits(train: train, test: test))
        case .synthfine:
            let (train, test) = SynthFineSource.splits()
            return .classification(ClassificationSplits(train: train, test: test))
        default:
            return .retrieval(try load(imageSize: imageSize, options: options), try CLIPTokenizer.shared())
        }
    }
}

extension DataSpec {
    /// The `DataPathOption` names that move one of this dataset's files.
    var pathOptions: Set<String> {
        switch self {
        case .msrvtt: ["msrvtt-annotations", "msrvtt-train-csv", "msrvtt-test-csv", "msrvtt-videos"]
        case .msvd, .lsmdc, .didemo, .activitynet: ["videos-folder"]
        case .features: ["features-file", "captions-file"]
        case .list, .synthvtt, .digits, .synthfine: []
        }
    }

    /// Refuses settings that would have no effect on this dataset (a frame count for images, the
    /// path of another dataset's file), rather than ignoring them in silence.
    func requireApplicable(_ options: DataOptions) throws {
        func refuse(_ flag: String, _ value: String, _ why: String) -> ExperimentError {
            .badValue(field: flag, value: value, expected: "left out: \(why), but the data is \(self)")
        }
        if let words = options.words, family == .classification {
            throw refuse("--words", "\(words)", "caption tokens apply to retrieval data")
        }
        if let normalizations = options.queryNormalizations, !normalizations.isEmpty, family == .classification {
            throw refuse("--\(normalizations[0].rawValue)", "", "it re-scores text–video retrieval")
        }
        if let fraction = options.maxMissing, !annotatedSplitKind {
            throw refuse("--max-missing", "\(fraction)", "it applies to datasets of video files (msrvtt, msvd, lsmdc, didemo, activitynet, list)")
        }
        switch self {
        case .synthvtt, .digits, .synthfine:
            if let split = options.trainSplit ?? options.testSplit {
                throw refuse(options.trainSplit != nil ? "--train-split" : "--test-split", "\"\(split)\"",
                             "\(self)'s splits are fixed (train, val, test); other splits are chosen on datasets read from disk")
            }
        default: break
        }
    }

    func requireApplicable(frames: Int?, paths: [String: String]) throws {
        if let frames, family == .classification {
            throw ExperimentError.badValue(field: "--frames", value: "\(frames)",
                                           expected: "left out: \(self) holds images, not videos (frames apply to the retrieval datasets)")
        }
        if let stray = paths.keys.sorted().first(where: { !pathOptions.contains($0) }) {
            let owner = stray.hasPrefix("msrvtt-") ? "msrvtt:DIR" : stray == "videos-folder" ? "msvd:, lsmdc:, didemo: and activitynet:DIR" : "features:DIR"
            throw ExperimentError.badValue(field: "--\(stray)", value: "\"\(paths[stray] ?? "")\"",
                                           expected: "left out: it moves a file of \(owner), but the data is \(self)")
        }
    }
}
