// Ranking an index for queries (`zoo search`): text queries through the model's own caption
// encoder, or a video of the index, or an image through the image encoder. Vector indexes rank by
// one matrix product of every query against every video; re-ranking indexes rank the top
// `rerank` candidates of that first stage with the head itself, exactly.
import Foundation
import ZooData
import ZooTensor

/// One result: the video's row and id, and its score (the model's own score: cosine for vector
/// heads, the head's logit after re-ranking).
public struct SearchHit: Codable, Equatable, Sendable {
    public var rank: Int
    public var id: String
    public var score: Float
}

/// Searches one index with the model that made it.
public struct VideoSearch {
    public let index: VideoIndex
    public let model: any RetrievalModel
    public let tokenizer: CLIPTokenizer

    public init(index: VideoIndex, model: any RetrievalModel, tokenizer: CLIPTokenizer) {
        (self.index, self.model, self.tokenizer) = (index, model, tokenizer)
    }

    /// The `top` best videos for each text query. A vector index scores every video; a
    /// re-ranking index scores every video on first-stage vectors, then re-scores the best
    /// `rerank` of them with the head (all of them when `rerank` ≥ the index's size).
    public func search(texts: [String], top: Int, rerank: Int = 100) throws -> [[SearchHit]] {
        guard !texts.isEmpty else { return [] }
        model.eval()
        return try noGrad {
            let ids = try tokenizer.encode(texts, truncate: true, contextLength: index.record.contextLength)
            let taps = try model.encodeCaptions(ids)
            if index.isVector {
                guard let queries = taps[.textEmbedding], queries.shape.last == index.record.width else {
                    throw SearchError.queryNotSupported(what: "this model", why: "it gives no caption vector as wide as the index's (\(index.record.width))")
                }
                return rank(queries: queries, top: top)
            }
            guard let sentences = taps[.sentenceFeatures], sentences.shape.last == index.record.width else {
                throw SearchError.queryNotSupported(what: "this model", why: "it gives no sentence features as wide as the index's (\(index.record.width))")
            }
            let candidates = Swift.max(top, Swift.min(rerank, index.record.count))
            let firstStage = Self.rank(queries: sentences.l2NormalizedKeepingZeroRows(), vectors: index.vectors,
                                       halfVectors: index.halfVectors, count: index.record.count, top: candidates)
            var results: [[SearchHit]] = []
            for (query, picked) in firstStage.enumerated() {
                let rows = picked.map(\.row)
                var captionTaps: [Tap: Tensor] = [:]
                for (tap, tensor) in taps { captionTaps[tap] = tensor.slice(axis: 0, query..<(query + 1)) }
                let scores = try model.score(captions: captionTaps, videos: videoTaps(rows: rows)).scalars
                results.append(Self.best(scores: scores, ids: rows.map { index.record.ids[$0] }, top: top))
            }
            return results
        }
    }

    /// The `top` best videos for query vectors `[Q, width]` (unit rows) by dot product.
    public func rank(queries: Tensor, top: Int) -> [[SearchHit]] {
        precondition(queries.shape.count == 2 && queries.shape[1] == index.record.width,
                     "rank: queries \(queries.shape) for \(index.record.width)-wide vectors (checked by the callers)")
        return Self.rank(queries: queries, vectors: index.vectors, halfVectors: index.halfVectors, count: index.record.count, top: top).map { hits in
            hits.map { SearchHit(rank: $0.rank, id: index.record.ids[$0.row], score: $0.score) }
        }
    }

    /// The `top` best rows of `vectors` `[N, D]` for each query of `queries` `[Q, D]` by dot
    /// product, best first (ties: the earlier row). Up to 8 queries read the rows once each
    /// (`RowDotProducts`, bound by memory bandwidth), the float16 copy when there is one
    /// (`halfVectors`, the same values, so the same scores); more go through one matrix product.
    public static func rank(queries: Tensor, vectors: @autoclosure () -> Tensor, halfVectors: [Float16]? = nil,
                            count: Int, top: Int) -> [[(rank: Int, row: Int, score: Float)]] {
        let (queryCount, width) = (queries.shape[0], queries.shape[1])
        precondition(halfVectors == nil || halfVectors!.count == count * width, "rank: \(halfVectors!.count) float16 values for \(count) × \(width)")
        let scores: Tensor
        if queryCount <= 8 {
            scores = Tensor.zeros([queryCount, count])
            scores.withUnsafeMutableBufferPointer { output in
                queries.withUnsafeBufferPointer { query in
                    if let halfVectors {
                        halfVectors.withUnsafeBufferPointer { rows in
                            RowDotProducts.scores(halfRows: rows.baseAddress!, count: count, width: width, queries: query.baseAddress!,
                                                  queryCount: queryCount, into: output.baseAddress!)
                        }
                    } else {
                        let vectors = vectors()
                        precondition(vectors.shape == [count, width], "rank: vectors \(vectors.shape) for \(count) × \(width)")
                        vectors.withUnsafeBufferPointer { rows in
                            RowDotProducts.scores(rows: rows.baseAddress!, count: count, width: width, queries: query.baseAddress!,
                                                  queryCount: queryCount, into: output.baseAddress!)
                        }
                    }
                }
            }
        } else {
            // V·Qᵀ keeps the long side as the GEMM's rows, where its kernels are at their best;
            // the [N, Q] result is then transposed (Q·N floats, small next to the product).
            let vectors = vectors()
            precondition(vectors.shape == [count, width], "rank: vectors \(vectors.shape) for \(count) × \(width)")
            scores = Tensor.matmul(vectors, queries, transposeB: true).transposed()
        }
        var results = [[(rank: Int, row: Int, score: Float)]](repeating: [], count: queryCount)
        scores.withUnsafeBufferPointer { values in
            let address = Int(bitPattern: values.baseAddress!)
            results.withUnsafeMutableBufferPointer { output in
                let outputAddress = output.baseAddress!
                Threading.parallelFor(queryCount) { query in
                    let start = UnsafePointer<Float>(bitPattern: address)! + query * count
                    (outputAddress + query).pointee = best(UnsafeBufferPointer(start: start, count: count), top: top)
                }
            }
        }
        return results
    }

    /// The videos most like video `id` of the index (by its stored vector; first-stage vectors of
    /// a re-ranking index), itself included.
    public func search(videoID id: String, top: Int) throws -> [SearchHit] {
        guard let row = index.row(of: id) else {
            throw SearchError.unknownVideo(id: id, suggestions: index.record.ids.filter { $0.contains(id) || id.contains($0) }.prefix(3).map { $0 })
        }
        let width = index.record.width
        // A float16 index's row, widened on its own, rather than all its vectors.
        let query = index.halfVectors.map { Tensor($0[(row * width)..<((row + 1) * width)].map { Float($0) }, shape: [1, width]) }
            ?? index.vectors.slice(axis: 0, row..<(row + 1))
        return rank(queries: query, top: top)[0]
    }

    /// The videos most like an image (`[1, 1, 3, S, S]` pixels) through the model's image
    /// encoder: its video vector, or for a re-ranking index its first-stage vector.
    public func search(imagePixels pixels: Tensor, top: Int) throws -> [SearchHit] {
        model.eval()
        return try noGrad {
            let taps = try model.encodeVideos(pixels, kind: .pixels, mask: Tensor.ones([1, 1]))
            let vector: Tensor
            if index.isVector, let embedding = taps[.videoEmbedding] {
                vector = embedding
            } else if let frames = taps[.frameFeatures], let mask = taps[.frameMask] {
                vector = VideoIndex.firstStageVectors(frames: frames, mask: mask)
            } else {
                throw SearchError.queryNotSupported(what: "--image", why: "the model gives no vector for an image")
            }
            guard vector.shape.last == index.record.width else {
                throw SearchError.queryNotSupported(what: "--image", why: "the image's vector is not as wide as the index's (\(index.record.width))")
            }
            return rank(queries: vector, top: top)[0]
        }
    }

    /// The stored frame features and mask of `rows`, as the head reads videos.
    private func videoTaps(rows: [Int]) -> [Tap: Tensor] {
        guard let frames = index.frames, let mask = index.mask else { return [:] }
        let (f, d) = (index.record.framesPerVideo, index.record.width)
        let frameValues = frames.withUnsafeBufferPointer { all in rows.flatMap { all[($0 * f * d)..<(($0 + 1) * f * d)] } }
        let maskValues = mask.withUnsafeBufferPointer { all in rows.flatMap { all[($0 * f)..<(($0 + 1) * f)] } }
        return [.frameFeatures: Tensor(frameValues, shape: [rows.count, f, d]), .frameMask: Tensor(maskValues, shape: [rows.count, f])]
    }

    /// The `top` largest of `scores` (ties: the earlier row first), best first.
    public static func best(_ scores: UnsafeBufferPointer<Float>, top: Int) -> [(rank: Int, row: Int, score: Float)] {
        let k = Swift.min(top, scores.count)
        guard k > 0 else { return [] }
        // A sorted buffer of the k best so far: after the first rows, almost every score is below
        // the k-th and costs one comparison.
        var kept: [(score: Float, row: Int)] = []
        kept.reserveCapacity(k + 1)
        for row in 0..<scores.count {
            let score = scores[row]
            if kept.count == k, let last = kept.last, !(score > last.score) { continue }
            var low = 0, high = kept.count
            while low < high {
                let middle = (low + high) / 2
                if kept[middle].score >= score { low = middle + 1 } else { high = middle }
            }
            kept.insert((score, row), at: low)
            if kept.count > k { kept.removeLast() }
        }
        return kept.enumerated().map { (rank: $0.offset + 1, row: $0.element.row, score: $0.element.score) }
    }

    /// The `top` best of candidate `scores` with their `ids`.
    static func best(scores: [Float], ids: [String], top: Int) -> [SearchHit] {
        scores.withUnsafeBufferPointer { best($0, top: top) }.map { SearchHit(rank: $0.rank, id: ids[$0.row], score: $0.score) }
    }
}
