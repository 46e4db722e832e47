// The data of a run, retrieval or classification, with what training and evaluation need of it.
import Foundation
import ZooCommandLine
import ZooCore
import ZooData
import ZooManifest

/// The splits of a classification dataset.
struct ClassificationSplits {
    var train: any ClassificationSource
    var test: any ClassificationSource
}

/// An evaluation of either family, as `zoo train`/`zoo eval` report it.
enum RunEvaluation: Encodable {
    case retrieval(RetrievalEvaluation)
    case classification(ClassificationEvaluation)

    /// What picks the best checkpoint: t2v R@1 or accuracy.
    var primary: Double {
        switch self {
        case let .retrieval(evaluation): return evaluation.primary
        case let .classification(evaluation): return evaluation.primary
        }
    }

    var summary: String {
        switch self {
        case let .retrieval(evaluation): return evaluation.metrics.textToVideo.description
        case let .classification(evaluation): return String(format: "accuracy %.2f%% (%d errors of %d)", evaluation.accuracy, evaluation.errors, evaluation.examples)
        }
    }

    func encode(to encoder: Encoder) throws {
        switch self {
        case let .retrieval(evaluation): try evaluation.encode(to: encoder)
        case let .classification(evaluation): try evaluation.encode(to: encoder)
        }
    }

    func render(split: String) -> String {
        switch self {
        case let .retrieval(evaluation): return EvaluationTable.render(evaluation, split: split)
        case let .classification(evaluation):
            return String(format: "%@: accuracy %.2f%%, %d errors of %d, mean cross-entropy %.4f\n",
                          split, evaluation.accuracy, evaluation.errors, evaluation.examples, evaluation.loss)
        }
    }
}

/// A run's data.
enum RunData {
    case retrieval(DataSplits, CLIPTokenizer)
    case classification(ClassificationSplits)

    func trainBatcher(contextLength: Int) -> any BatchSource {
        switch self {
        case let .retrieval(splits, tokenizer): return RetrievalBatcher(source: splits.train, tokenizer: tokenizer, contextLength: contextLength)
        case let .classification(splits): return ClassificationBatcher(source: splits.train)
        }
    }

    /// Names of the splits `zoo eval --split` accepts, and the one used during training.
    var validationName: String {
        switch self {
        case let .retrieval(splits, _): return (splits.validation ?? splits.test).name
        case let .classification(splits): return splits.test.name
        }
    }

    /// Evaluates `model` on the test split, or on the validation split (the test split when the
    /// dataset has none: digits and synthfine keep no validation split, as the papers report test).
    func evaluate(_ model: any ZooModel, name: String, validation: Bool, contextLength: Int) throws -> (RunEvaluation, split: String) {
        switch self {
        case let .retrieval(splits, tokenizer):
            let source = validation ? (splits.validation ?? splits.test) : splits.test
            let evaluator = RetrievalEvaluator(batcher: RetrievalBatcher(source: source, tokenizer: tokenizer, contextLength: contextLength))
            return (.retrieval(try evaluator.evaluate(try RunSetup.retrievalModel(model, name: name))), source.name)
        case let .classification(splits):
            return (.classification(try ClassificationEvaluator(source: splits.test).evaluate(model)), splits.test.name)
        }
    }

    var hasValidationSplit: Bool {
        if case let .retrieval(splits, _) = self { return splits.validation != nil }
        return false
    }
}

extension DataSpec {
    /// The splits for a model of `family`, or an error when data and model disagree.
    func loadRun(family: Family, imageSize: Int, frames: Int?, arguments: ParsedArguments) throws -> RunData {
        guard family == self.family else {
            throw UsageError("--data \(self) is \(self.family.rawValue) data but the model is a \(family.rawValue) model; use "
                             + (family == .retrieval ? "synthvtt, msrvtt:DIR or features:DIR" : "digits or synthfine"))
        }
        switch self {
        case .digits:
            let (train, test) = try DigitsSource.splits()
            return .classification(ClassificationSplits(train: train, test: test))
        case .synthfine:
            let (train, test) = SynthFineSource.splits()
            return .classification(ClassificationSplits(train: train, test: test))
        default:
            return .retrieval(try load(imageSize: imageSize, frames: frames, arguments: arguments), try CLIPTokenizer.shared())
        }
    }
}
