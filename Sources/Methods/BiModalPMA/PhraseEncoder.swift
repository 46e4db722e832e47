// Bi-Modal Progressive Mask Attention for Fine-Grained Recognition.
// Kaitao Song, Xiu-Shen Wei, Xiangbo Shu, Ren-Jie Song, Jianfeng Lu — IEEE TIP 2020.
// No arXiv id, no official code; formulas and choices: Tests/Fixtures/parity/README.md §2, §3.
//
// The text side before PMA: each noun phrase ("red head", "striped wing") is embedded word by
// word and read by an LSTM; z_i is the hidden state after the phrase's last word. The paper says
// only "word embeddings + LSTM"; the last valid state (rather than a mean or max over states) is
// our choice, the usual one for encoding a short phrase into one vector (the fixtures start from
// z and do not test this part). One LSTM layer, unidirectional, shared by all phrases; padding
// ids (0) never enter it: a phrase of length L_i runs exactly L_i steps.
import ZooCore
import ZooNN
import ZooTensor

/// Phrase ids → phrase embeddings z.
/// Keys: `embedding.weight` `[V, wordWidth]`, `lstm.{weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0}`.
public final class PhraseEncoder: Module {
    @Child(key: "embedding") public var embedding: Embedding
    @Child(key: "lstm") public var lstm: LSTM

    public init(vocabularySize: Int, wordWidth: Int, textWidth: Int) {
        super.init()
        embedding = Embedding(vocabularySize, wordWidth, standardDeviation: 1)
        lstm = LSTM(inputWidth: wordWidth, hiddenWidth: textWidth)
    }

    /// Words per phrase: the position after the last non-zero id (ids are padded at the end).
    /// - ids: `[B, p, L]` → `[B · p]`.
    public static func lengths(_ ids: IntTensor) -> [Int] {
        let length = ids.shape[2]
        return ids.scalars.withUnsafeBufferPointer { words in
            (0..<(ids.shape[0] * ids.shape[1])).map { phrase in
                var last = 0
                for t in 0..<length where words[phrase * length + t] != 0 { last = t + 1 }
                return last
            }
        }
    }

    /// ids `[B, p, L]` (0 = padding; an all-zero row is a padded phrase) → z `[B, p, textWidth]`.
    /// A padded phrase gets the zero vector (the model masks it anyway).
    public func callAsFunction(_ ids: IntTensor) throws -> Tensor {
        let vocabulary = embedding.weight.shape[0]
        guard ids.rank == 3, ids.shape[2] >= 1, ids.scalars.allSatisfy({ $0 >= 0 && $0 < vocabulary }) else {
            throw BiModalPMAInputError.shape(model: "bimodal-pma", input: "phrases.ids", expected: "[B, p, L] of ids in 0..<\(vocabulary)",
                                             found: ids.shape, fix: "Tokenise phrases with the dataset's vocabulary (synthfine: SynthFineVocabulary) and set vocabularySize to its size.")
        }
        let (batch, phrases, steps) = (ids.shape[0], ids.shape[1], ids.shape[2])
        let lengths = Self.lengths(ids)
        let words = embedding(ids.reshaped([batch * phrases, steps]))            // [B·p, L, W]
        let states = lstm(words, lengths: lengths)                              // [B·p, L, H]
        let width = lstm.hiddenWidth
        let last = IntTensor(lengths.enumerated().map { $0.offset * steps + Swift.max($0.element - 1, 0) })
        return states.reshaped([batch * phrases * steps, width]).indexSelect(axis: 0, indices: last).reshaped([batch, phrases, width])
    }
}
