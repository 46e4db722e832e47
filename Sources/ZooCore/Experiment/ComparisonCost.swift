// What a trained combination costs: parameters, FLOPs counted by the engine, inference
// throughput (for retrieval: embedding captions, embedding videos and scoring pairs separately,
// since that decides serving cost) and the process's peak memory.
import Foundation
import ZooData
import ZooTensor

/// Cost measurements of a trained run, by the keys comparisons report (`params`,
/// `flops_per_caption`, `videos_per_second`, `peak_mb`, …).
public enum ComparisonCost {
    /// Measures `run`'s model (trained) on a few real examples of its test split.
    public static func measure(_ run: BuiltRun) throws -> [String: Double] {
        let (model, data, contextLength) = (run.model, run.data, run.recipe.contextLength)
        var cost: [String: Double] = ["params": Double(model.parameterCount)]
        model.eval()
        defer { model.train() }
        switch data {
        case let .retrieval(splits, tokenizer):
            guard let retrieval = model.retrieval else { return cost }
            // Inference always starts from pixels, even when training used cached features.
            let source = (splits.test as? EncodedVideoSource)?.base ?? splits.test
            let batcher = RetrievalBatcher(source: source, tokenizer: tokenizer, contextLength: contextLength)
            let captionCount = Swift.min(128, source.captions.count), videoCount = Swift.min(32, source.videoCount)
            let ids = try batcher.captionIDs(Array(0..<captionCount))
            let (frames, kind, mask) = try batcher.videos(Array(0..<videoCount))
            try noGrad {
                let (captions, captionFLOPs, captionSeconds) = try timed { try retrieval.encodeCaptions(ids) }
                let (videos, videoFLOPs, videoSeconds) = try timed { try retrieval.encodeVideos(frames, kind: kind, mask: mask) }
                let (_, scoreFLOPs, scoreSeconds) = try timed { try retrieval.score(captions: captions, videos: videos) }
                let pairs = Double(captionCount * videoCount)
                cost["flops_per_caption"] = captionFLOPs / Double(captionCount)
                cost["flops_per_video"] = videoFLOPs / Double(videoCount)
                cost["flops_per_pair"] = scoreFLOPs / pairs
                cost["captions_per_second"] = Double(captionCount) / captionSeconds
                cost["videos_per_second"] = Double(videoCount) / videoSeconds
                cost["pairs_per_second"] = pairs / scoreSeconds
                cost["stored_floats_per_video"] = Double(videos.values.reduce(0) { $0 + $1.count }) / Double(videoCount)
                // One query against a gallery of 1,000 videos: embed it, score 1,000 pairs.
                cost["flops_per_query_1k"] = cost["flops_per_caption"]! + 1000 * cost["flops_per_pair"]!
            }
        case let .classification(splits):
            let count = Swift.min(256, splits.test.count)
            let batch = try splits.test.batch(Array(0..<count))
            let (_, flops, seconds) = try noGrad { try timed { try model.forward(batch) } }
            cost["flops_per_example"] = flops / Double(count)
            cost["examples_per_second"] = Double(count) / seconds
        }
        if let peak = ProcessMemory.peakResidentMegabytes() { cost["peak_mb"] = peak }
        return cost
    }

    /// Runs `body` once to warm up, then again counting FLOPs and seconds.
    static func timed<R>(_ body: () throws -> R) throws -> (R, Double, Double) {
        _ = try body()
        let start = Date()
        let (result, flops) = try FLOPCounter.count { try body() }
        return (result, flops, Swift.max(Date().timeIntervalSince(start), 1e-9))
    }
}
