// Why an evaluation reports no numbers: scores or logits that are not numbers, or a ground truth
// that points nowhere. Metrics on such input would be invented (a NaN compares false with
// everything, so counting "candidates scoring at least as high" once made every NaN a hit).

/// An evaluation that cannot give real numbers, explained.
public enum EvaluationError: Error, CustomStringConvertible, Equatable {
    /// `count` of the `texts × videos` scores are NaN or ±Inf; the first, in row-major order, is
    /// `value` at (`firstText`, `firstVideo`); `caption` is that caption's text when known.
    case nonFiniteScores(count: Int, texts: Int, videos: Int, firstText: Int, firstVideo: Int, value: Float, caption: String?)
    /// `count` of the `examples × classes` logits are NaN or ±Inf; the first is at (`firstExample`, `firstClass`).
    case nonFiniteLogits(count: Int, examples: Int, classes: Int, firstExample: Int, firstClass: Int, value: Float)
    /// A score matrix whose size is not `texts × videos`.
    case shapeMismatch(scores: Int, texts: Int, videos: Int)
    /// `captions` ground truths for a score matrix of `texts` rows.
    case groundTruthCount(captions: Int, texts: Int)
    /// Caption `text` names video `video`, but there are `videos` videos; or label `video` of
    /// example `text` is not one of `videos` classes (`what` says which).
    case groundTruthOutOfRange(what: String, index: Int, target: Int, count: Int)

    public var description: String {
        switch self {
        case let .nonFiniteScores(count, texts, videos, text, video, value, caption):
            let quoted = caption.map { " \"\($0.count > 60 ? String($0.prefix(57)) + "..." : $0)\"" } ?? ""
            return """
                \(count) of the \(texts) × \(videos) text–video scores are not finite numbers (NaN or ±Inf); the first is \
                \(value) at caption \(text)\(quoted), video \(video). Recall ranked on such scores would not be real, so none \
                is reported. Usual causes: NaN or Inf in the model's weights (a run that diverged: evaluate an \
                earlier checkpoint), NaN or Inf in that video's input (precomputed features), or a video with no \
                real frame.
                """
        case let .nonFiniteLogits(count, examples, classes, example, klass, value):
            return """
                \(count) of a batch's \(examples) × \(classes) class logits are not finite numbers (NaN or ±Inf); the first is \
                \(value) at example \(example), class \(klass). Accuracy on such logits would not be real, so none is \
                reported. Usual causes: NaN or Inf in the model's weights (a run that diverged: evaluate an earlier \
                checkpoint) or in that example's input.
                """
        case let .shapeMismatch(scores, texts, videos):
            return "a score matrix of \(scores) values cannot be \(texts) texts × \(videos) videos; the model's scoring returned the wrong shape"
        case let .groundTruthCount(captions, texts):
            return "\(captions) ground-truth videos were given for a score matrix of \(texts) captions; the dataset's index is inconsistent"
        case let .groundTruthOutOfRange(what, index, target, count):
            return "\(what) \(index) points to \(target), but there are only \(count); the dataset's index is inconsistent"
        }
    }
}
