// A one-layer LSTM with PyTorch's gate order (i, f, g, o) and parameter names.
import ZooTensor

/// `nn.LSTM(input, hidden, num_layers=1, batch_first=True)` with keys `weight_ih_l0` `[4H, I]`,
/// `weight_hh_l0` `[4H, H]`, `bias_ih_l0`, `bias_hh_l0`; initialised U(−1/√H, 1/√H).
public final class LSTM: Module {
    @Parameter(key: "weight_ih_l0") public var inputWeight: Tensor
    @Parameter(key: "weight_hh_l0") public var hiddenWeight: Tensor
    @Parameter(key: "bias_ih_l0") public var inputBias: Tensor
    @Parameter(key: "bias_hh_l0") public var hiddenBias: Tensor
    public let hiddenWidth: Int

    public init(inputWidth: Int, hiddenWidth: Int) {
        self.hiddenWidth = hiddenWidth
        super.init()   // wrappers exist before init; keyed ones are assigned after
        let bound = 1 / Float(hiddenWidth).squareRoot()
        func uniform(_ shape: [Int]) -> Tensor {
            Tensor.randomUniform(shape, low: -bound, high: bound, using: &GlobalRandom.stream.generator)
        }
        inputWeight = uniform([4 * hiddenWidth, inputWidth])
        hiddenWeight = uniform([4 * hiddenWidth, hiddenWidth])
        inputBias = uniform([4 * hiddenWidth])
        hiddenBias = uniform([4 * hiddenWidth])
    }

    /// x: `[B, T, I]`; lengths: valid steps per sequence (as `pack_padded_sequence` would use),
    /// all T when nil. Returns hidden states `[B, T, H]`, zero at steps ≥ length (like
    /// `pad_packed_sequence`); state starts at zero.
    public func callAsFunction(_ x: Tensor, lengths: [Int]? = nil) -> Tensor {
        let (batch, steps) = (x.shape[0], x.shape[1])
        let lengths = lengths ?? [Int](repeating: steps, count: batch)
        precondition(lengths.count == batch && lengths.allSatisfy { $0 >= 0 && $0 <= steps },
                     "LSTM: lengths \(lengths) must be \(batch) values in 0...\(steps)")
        let h = hiddenWidth
        // Input projections for every step at once: one GEMM instead of T small ones.
        let projected = Tensor.matmul(x, inputWeight, transposeB: true) + (inputBias + hiddenBias)   // [B, T, 4H]
        var hidden = Tensor.zeros([batch, h]), cell = Tensor.zeros([batch, h])
        var outputs: [Tensor] = []
        for t in 0..<steps {
            let gates = projected.select(axis: 1, index: t) + Tensor.matmul(hidden, hiddenWeight, transposeB: true)
            let parts = gates.split(axis: 1, sizes: [h, h, h, h])
            let input = parts[0].sigmoid(), forget = parts[1].sigmoid(), candidate = parts[2].tanh(), output = parts[3].sigmoid()
            let newCell = forget * cell + input * candidate
            let newHidden = output * newCell.tanh()
            // Sequences that have ended keep their state and emit zeros.
            let active = Tensor(lengths.map { t < $0 ? 1 : 0 }, shape: [batch, 1])
            cell = active * newCell + (1 - active) * cell
            hidden = active * newHidden + (1 - active) * hidden
            outputs.append(active * newHidden)
        }
        return Tensor.stack(outputs, axis: 1)
    }
}
