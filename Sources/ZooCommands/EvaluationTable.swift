// The human form of a retrieval evaluation.
import Foundation
import ZooCommandLine
import ZooCore

enum EvaluationTable {
    static func render(_ evaluation: RetrievalEvaluation, split: String) -> String {
        func row(_ name: String, _ m: RankMetrics) -> [String] {
            [name, String(format: "%.1f", m.recallAt1), String(format: "%.1f", m.recallAt5), String(format: "%.1f", m.recallAt10),
             String(format: "%.1f", m.medianRank), String(format: "%.1f", m.meanRank), "\(m.queries)"]
        }
        var rows = [row("text→video", evaluation.metrics.textToVideo), row("video→text", evaluation.metrics.videoToText)]
        for (name, metrics) in [("dual softmax", evaluation.dualSoftmax), ("inverted softmax", evaluation.invertedSoftmax)] {
            guard let metrics else { continue }
            rows += [row("text→video, \(name)", metrics.textToVideo), row("video→text, \(name)", metrics.videoToText)]
        }
        let table = TextTable(headers: ["DIRECTION", "R@1", "R@5", "R@10", "MdR", "MnR", "QUERIES"], rows: rows)
        var text = "\(split)\n" + table.render()
        if let r1 = evaluation.temporalR1, let accuracy = evaluation.temporalPairAccuracy {
            text += String(format: "temporal hard negatives (%d pairs): R@1 %.1f, own video above its order-swapped twin %.1f%%\n",
                           evaluation.temporalPairs, r1, accuracy)
        }
        if let skipped = evaluation.skippedVideos {
            text += "left out \(skipped.count) video(s) (their captions are not queries):\n"
                + skipped.map { "  \($0.id)  \($0.path)  \($0.reason)\n" }.joined()
        }
        return text
    }
}

extension RunEvaluation {
    /// The evaluation for people: a table of both directions, or the accuracy line.
    func render(split: String) -> String {
        switch self {
        case let .retrieval(evaluation): return EvaluationTable.render(evaluation, split: split)
        case let .classification(evaluation):
            return String(format: "%@: accuracy %.2f%%, %d errors of %d, mean cross-entropy %.4f\n",
                          split, evaluation.accuracy, evaluation.errors, evaluation.examples, evaluation.loss)
        }
    }
}
