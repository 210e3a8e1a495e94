/// Single-step recurrent cells (`nn.RNNCell`, `nn.LSTMCell`, `nn.GRUCell`), with PyTorch's
/// parameter names (`weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`) and initialisation
/// (every parameter uniform in ±1/√hiddenSize, in that order).

/// The parameters every cell has; `gates` row blocks of `hiddenSize` rows each.
public class RecurrentCellBase: Module {
    public let inputSize: Int
    public let hiddenSize: Int
    public let bias: Bool
    @Parameter(key: "weight_ih") public var weightIH: Tensor
    @Parameter(key: "weight_hh") public var weightHH: Tensor
    @Parameter(key: "bias_ih") public var biasIH: Tensor?
    @Parameter(key: "bias_hh") public var biasHH: Tensor?

    init(inputSize: Int, hiddenSize: Int, bias: Bool, gates: Int, dtype: DType, generator: Generator?) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.bias = bias
        super.init()
        weightIH = Tensor(empty: [gates * hiddenSize, inputSize], dtype: dtype)
        weightHH = Tensor(empty: [gates * hiddenSize, hiddenSize], dtype: dtype)
        if bias {
            biasIH = Tensor(empty: [gates * hiddenSize], dtype: dtype)
            biasHH = Tensor(empty: [gates * hiddenSize], dtype: dtype)
        }
        resetParameters(generator: generator)
    }

    /// Re-draws every parameter uniform in ±1/√hiddenSize (`reset_parameters`).
    public func resetParameters(generator: Generator? = nil) {
        let bound = hiddenSize > 0 ? 1 / Double(hiddenSize).squareRoot() : 0
        for parameter in parameters() { Init.uniform_(parameter, a: -bound, b: bound, generator: generator) }
    }

    /// `input` as a batch (`[N, in]`), whether it was one, and `state` shaped to match (zeros
    /// when nil).
    func batched(_ input: Tensor, _ state: Tensor?, name: String) -> (input: Tensor, state: Tensor, isBatched: Bool) {
        precondition(input.dim == 1 || input.dim == 2, "\(name): Expected input to be 1D or 2D, got \(input.dim)D instead")
        if let state {
            precondition(state.dim == 1 || state.dim == 2, "\(name): Expected hidden to be 1D or 2D, got \(state.dim)D instead")
        }
        let isBatched = input.dim == 2
        let x = isBatched ? input : input.unsqueeze(0)
        let h = state.map { isBatched ? $0 : $0.unsqueeze(0) } ?? Tensor.zeros([x.shape[0], hiddenSize], dtype: x.dtype)
        return (x, h, isBatched)
    }

    public override var extraRepr: String { "\(inputSize), \(hiddenSize)" + (bias ? "" : ", bias=False") }
}

/// One step of an Elman RNN (`nn.RNNCell`): `h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)` (or ReLU).
public final class RNNCell: RecurrentCellBase {
    public let nonlinearity: RNN.Nonlinearity

    public init(
        inputSize: Int, hiddenSize: Int, bias: Bool = true, nonlinearity: RNN.Nonlinearity = .tanh,
        dtype: DType = .defaultFloat, generator: Generator? = nil
    ) {
        self.nonlinearity = nonlinearity
        super.init(inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, gates: 1, dtype: dtype, generator: generator)
    }

    /// The next hidden state for `input` (`[N, in]` or `[in]`) from `hx` (zeros when nil).
    public func callAsFunction(_ input: Tensor, _ hx: Tensor? = nil) -> Tensor {
        let (x, h, isBatched) = batched(input, hx, name: "RNNCell")
        let next = nonlinearity == .tanh
            ? Functional.rnnTanhCell(x, h, weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH)
            : Functional.rnnReluCell(x, h, weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH)
        return isBatched ? next : next.squeeze(dim: 0)
    }

    public override var extraRepr: String { super.extraRepr + (nonlinearity == .tanh ? "" : ", nonlinearity=relu") }
}

/// One LSTM step (`nn.LSTMCell`), gates input, forget, cell, output.
public final class LSTMCell: RecurrentCellBase {
    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, dtype: DType = .defaultFloat, generator: Generator? = nil) {
        super.init(inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, gates: 4, dtype: dtype, generator: generator)
    }

    /// The next `(h, c)` for `input` from `state` (zeros when nil).
    public func callAsFunction(_ input: Tensor, _ state: (h: Tensor, c: Tensor)? = nil) -> (h: Tensor, c: Tensor) {
        let (x, h, isBatched) = batched(input, state?.h, name: "LSTMCell")
        let c = state.map { isBatched ? $0.c : $0.c.unsqueeze(0) } ?? Tensor.zeros(h.shape, dtype: h.dtype)
        let next = Functional.lstmCell(x, (h, c), weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH)
        return isBatched ? next : (next.h.squeeze(dim: 0), next.c.squeeze(dim: 0))
    }
}

/// One GRU step (`nn.GRUCell`), gates reset, update, new.
public final class GRUCell: RecurrentCellBase {
    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, dtype: DType = .defaultFloat, generator: Generator? = nil) {
        super.init(inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, gates: 3, dtype: dtype, generator: generator)
    }

    /// The next hidden state for `input` from `hx` (zeros when nil).
    public func callAsFunction(_ input: Tensor, _ hx: Tensor? = nil) -> Tensor {
        let (x, h, isBatched) = batched(input, hx, name: "GRUCell")
        let next = Functional.gruCell(x, h, weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH)
        return isBatched ? next : next.squeeze(dim: 0)
    }
}
