// Holistic Features are almost Sufficient for Text-to-Video Retrieval (TeachCLIP).
// Kaibin Tian, Ruixiang Zhao, Zijie Xin, Bangxiang Lan, Xirong Li — 2024 (CVPR), arXiv:2308.01217.
// Mirrors ruc-aimc-lab/TeachCLIP train.py, fine_method "ce" (the fine-grained teaching term for
// one teacher), and the teacher relevance its X-CLIP returns with `return_fine=True`.
// Deviations: one call per teacher (the trainer averages). The official code takes
// `log(softmax(a))`; this takes `logSoftmax(a)`, the same value without underflow. The relevance
// is computed here from the teacher's sentence and frame features rather than inside the teacher.
// A frame row of zeros (zero-padded precomputed features) normalises to zero, a cosine of 0,
// where the official x / ‖x‖ gives NaN; its padded frames are CLIP features of black frames.
import ZooCore
import ZooManifest
import ZooNN
import ZooTensor

/// "teachclip-fine": `L = mean_{i,f} −r_if · log softmax_f(a)_if` (a mean over B·F entries, i.e.
/// the soft cross-entropy divided by F), where a `[B, F]` are the student's AFA scores (tap
/// `frame_scores`) and `r_if = softmax_f(n(s_i) · n(f_if))` the teacher's relevance of frame f to
/// caption i on matched pairs (no temperature, padded frames included, as in the official code),
/// from the teacher's `sentence` `[B, D]` and `frames` `[B, F, D]` taps (X-CLIP: its input frames,
/// before the temporal transformer), or its own `frameRelevance` `[B, F]` when it exposes one.
public final class FineTeachingLoss: Module, DistillationLoss {
    /// Frames and width of `exampleInputs`.
    static let exampleFrames = 6, exampleWidth = 8

    public override init() { super.init() }

    public var requiredStudentTaps: Set<Tap> { [.frameScores] }
    public var requiredTeacherTaps: Set<Tap> { [.sentenceFeatures, .frameFeatures] }
    public var families: Set<Family> { [.retrieval] }

    /// The teacher's frame relevance r `[B, F]` (a constant) from sentence features `[B, D]` and
    /// frame features `[B, F, D]` of matched pairs.
    public static func relevance(sentence: Tensor, frames: Tensor) -> Tensor {
        noGrad {
            let (count, width) = (sentence.shape[0], sentence.shape[1])
            let cosines = Tensor.matmul(frames.l2NormalizedKeepingZeroRows(), sentence.l2Normalized().reshaped([count, width, 1]))
            return cosines.reshaped([count, frames.shape[1]]).softmax(axis: -1)
        }
    }

    /// The loss of the student's scores a `[B, F]` against a relevance r `[B, F]` (rows sum to 1).
    public func callAsFunction(scores: Tensor, relevance: Tensor) -> Tensor {
        -(relevance.detached() * scores.logSoftmax(axis: -1)).mean()
    }

    /// Reads the student's `frame_scores`; from the teacher, its `frameRelevance` `[B, F]` when it
    /// provides one (a teacher with its own notion of relevance), else its `sentence` and `frames`.
    public func loss(student: Outputs, teacher: Outputs, batch: Batch) throws -> Tensor {
        let scores = try student.require(.frameScores, from: "the student")
        if let relevance = teacher[.frameRelevance] {
            guard relevance.shape == scores.shape else {
                throw ZooError.incompatibleCombination([
                    "teachclip-fine compares the student's frame scores \(scores.shape) with the teacher's frame relevance, which is \(relevance.shape)",
                ])
            }
            return self(scores: scores, relevance: relevance)
        }
        let sentence = try teacher.require(.sentenceFeatures, from: "the teacher")
        let frames = try teacher.require(.frameFeatures, from: "the teacher")
        guard scores.rank == 2, sentence.rank == 2, frames.rank == 3, sentence.shape[0] == scores.shape[0],
              frames.shape[0] == scores.shape[0], frames.shape[1] == scores.shape[1], frames.shape[2] == sentence.shape[1] else {
            throw ZooError.incompatibleCombination([
                "teachclip-fine needs matched pairs: student frame scores [B, F] with teacher sentences [B, D] and frames [B, F, D], but got \(scores.shape), \(sentence.shape) and \(frames.shape)",
            ])
        }
        return self(scores: scores, relevance: Self.relevance(sentence: sentence, frames: frames))
    }

    public func exampleInputs(size: Int, seed: UInt64) -> (student: Outputs, teacher: Outputs, batch: Batch) {
        let (frames, width) = (Self.exampleFrames, Self.exampleWidth)
        let scores = Tensor.randomNormal([size, frames], seed: seed)
        scores.requiresGrad = true
        let teacher = Outputs([.sentenceFeatures: Tensor.randomNormal([size, width], seed: seed &+ 1),
                               .frameFeatures: Tensor.randomNormal([size, frames, width], seed: seed &+ 2)])
        return (Outputs([.frameScores: scores]), teacher, Batch(indices: Array(0..<size)))
    }
}
