/// Recurrent layers over whole sequences: `RNN`, `LSTM`, `GRU` (`nn.RNN`, `nn.LSTM`, `nn.GRU`)
/// and what they share (`RecurrentBase`, PyTorch's `nn.RNNBase`).

/// The parameters and sequence loop shared by `RNN`, `LSTM` and `GRU`.
///
/// Parameters are registered under PyTorch's names, layer by layer and direction by direction:
/// `weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0` (`weight_hr_l0` with a
/// projection), then `..._l0_reverse` when bidirectional, then `..._l1`, ... The weights hold
/// the gates as row blocks in PyTorch's order (LSTM: input, forget, cell, output; GRU: reset,
/// update, new), so a PyTorch state dict loads as is. Every parameter starts uniform in
/// ±1/√hiddenSize, drawn in that order.
public class RecurrentBase: Module {
    public let mode: RecurrentMode
    public let inputSize: Int
    public let hiddenSize: Int
    public let numLayers: Int
    public let bias: Bool
    /// Inputs and outputs are `[N, L, features]` instead of `[L, N, features]` (states are not).
    public let batchFirst: Bool
    /// Dropout on the outputs of every layer but the last, in training.
    public let dropout: Double
    public let bidirectional: Bool
    /// LSTM output projection size (0 = none).
    public let projSize: Int
    /// The generator inter-layer dropout draws from; nil uses the default generator.
    public var generator: Generator?
    /// Parameter names per layer and direction, in `RecurrentWeights` order.
    private let weightNames: [(ih: String, hh: String, biasIH: String?, biasHH: String?, hr: String?)]

    init(
        mode: RecurrentMode, inputSize: Int, hiddenSize: Int, numLayers: Int, bias: Bool, batchFirst: Bool,
        dropout: Double, bidirectional: Bool, projSize: Int, dtype: DType, generator: Generator?
    ) {
        let name = mode == .lstm ? "LSTM" : mode == .gru ? "GRU" : "RNN"
        precondition(dropout >= 0 && dropout <= 1, "\(name): dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got \(dropout)")
        precondition(hiddenSize > 0, "\(name): hidden_size must be greater than zero, got \(hiddenSize)")
        precondition(numLayers > 0, "\(name): num_layers must be greater than zero, got \(numLayers)")
        precondition(projSize >= 0, "\(name): proj_size should be a positive integer or zero to disable projections")
        precondition(projSize < hiddenSize, "\(name): proj_size has to be smaller than hidden_size")
        precondition(projSize == 0 || mode == .lstm, "\(name): proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode = mode
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.bias = bias
        self.batchFirst = batchFirst
        self.dropout = dropout
        self.bidirectional = bidirectional
        self.projSize = projSize
        self.generator = generator
        let directions = bidirectional ? 2 : 1
        var names: [(ih: String, hh: String, biasIH: String?, biasHH: String?, hr: String?)] = []
        var shapes: [[Int]] = []
        let gateSize = mode.gateCount * hiddenSize
        let realHidden = projSize > 0 ? projSize : hiddenSize
        for layer in 0..<numLayers {
            for direction in 0..<directions {
                let suffix = "_l\(layer)" + (direction == 1 ? "_reverse" : "")
                let layerInput = layer == 0 ? inputSize : realHidden * directions
                names.append((
                    "weight_ih" + suffix, "weight_hh" + suffix, bias ? "bias_ih" + suffix : nil,
                    bias ? "bias_hh" + suffix : nil, projSize > 0 ? "weight_hr" + suffix : nil))
                shapes.append([gateSize, layerInput])
                shapes.append([gateSize, realHidden])
                if bias { shapes += [[gateSize], [gateSize]] }
                if projSize > 0 { shapes.append([projSize, hiddenSize]) }
            }
        }
        weightNames = names
        super.init()
        var shapeIterator = shapes.makeIterator()
        for entry in names {
            for parameterName in [entry.ih, entry.hh, entry.biasIH, entry.biasHH, entry.hr].compactMap({ $0 }) {
                registerParameter(parameterName, Tensor(empty: shapeIterator.next()!, dtype: dtype))
            }
        }
        resetParameters(generator: generator)
    }

    /// Re-draws every parameter uniform in ±1/√hiddenSize, in registration order
    /// (`reset_parameters`).
    public func resetParameters(generator: Generator? = nil) {
        let bound = 1 / Double(hiddenSize).squareRoot()
        for parameter in parameters() { Init.uniform_(parameter, a: -bound, b: bound, generator: generator) }
    }

    /// The weights of every layer and direction, layer-major.
    public var allWeights: [RecurrentWeights] {
        weightNames.map { names in
            RecurrentWeights(
                weightIH: parameter(named: names.ih)!, weightHH: parameter(named: names.hh)!,
                biasIH: names.biasIH.flatMap { parameter(named: $0) }, biasHH: names.biasHH.flatMap { parameter(named: $0) },
                weightHR: names.hr.flatMap { parameter(named: $0) })
        }
    }

    func runSequence(_ input: Tensor, hx: Tensor?, cx: Tensor?, lengths: [Int]?) -> (output: Tensor, h: Tensor, c: Tensor?) {
        Functional.recurrent(
            mode, input: input, hx: hx, cx: cx, weights: allWeights, numLayers: numLayers, bidirectional: bidirectional,
            dropout: dropout, training: training, batchFirst: batchFirst, lengths: lengths, generator: generator)
    }

    public override var extraRepr: String {
        var text = "\(inputSize), \(hiddenSize)"
        if projSize != 0 { text += ", proj_size=\(projSize)" }
        if numLayers != 1 { text += ", num_layers=\(numLayers)" }
        if !bias { text += ", bias=False" }
        if batchFirst { text += ", batch_first=True" }
        if dropout != 0 { text += ", dropout=\(dropout)" }
        if bidirectional { text += ", bidirectional=True" }
        return text
    }
}

/// An Elman RNN (`nn.RNN`): `h_t = tanh(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh)` (or ReLU).
public final class RNN: RecurrentBase {
    /// The nonlinearity of `nn.RNN(nonlinearity=)`.
    public enum Nonlinearity: String, Sendable {
        case tanh, relu
    }

    public init(
        inputSize: Int, hiddenSize: Int, numLayers: Int = 1, nonlinearity: Nonlinearity = .tanh, bias: Bool = true,
        batchFirst: Bool = false, dropout: Double = 0, bidirectional: Bool = false, dtype: DType = .defaultFloat,
        generator: Generator? = nil
    ) {
        super.init(
            mode: nonlinearity == .tanh ? .rnnTanh : .rnnRelu, inputSize: inputSize, hiddenSize: hiddenSize,
            numLayers: numLayers, bias: bias, batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional,
            projSize: 0, dtype: dtype, generator: generator)
    }

    /// Runs the sequence `input` (`[L, N, in]`, `[N, L, in]` with `batchFirst`, or `[L, in]`)
    /// from `hx` (`[numLayers·directions, N, H]`, zeros when nil). With `lengths` (one per
    /// sequence), steps past a sequence's end leave its state alone and output zeros, as a
    /// packed sequence would. Returns every step's output of the last layer and the final
    /// hidden state of each layer and direction.
    public func callAsFunction(_ input: Tensor, _ hx: Tensor? = nil, lengths: [Int]? = nil) -> (output: Tensor, h: Tensor) {
        let result = runSequence(input, hx: hx, cx: nil, lengths: lengths)
        return (result.output, result.h)
    }

    public override var extraRepr: String {
        super.extraRepr + (mode == .rnnRelu ? ", nonlinearity=relu" : "")
    }
}

/// Long short-term memory (`nn.LSTM`), optionally with an output projection (`projSize`):
/// gates input, forget, cell, output in PyTorch's order.
public final class LSTM: RecurrentBase {
    public init(
        inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
        dropout: Double = 0, bidirectional: Bool = false, projSize: Int = 0, dtype: DType = .defaultFloat,
        generator: Generator? = nil
    ) {
        super.init(
            mode: .lstm, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
            batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional, projSize: projSize, dtype: dtype,
            generator: generator)
    }

    /// Runs the sequence from `state` (`h [numLayers·directions, N, projSize or H]`,
    /// `c [numLayers·directions, N, H]`; zeros when nil). `lengths` as in `RNN`. Returns the
    /// last layer's outputs and the final `(h, c)` of each layer and direction.
    public func callAsFunction(
        _ input: Tensor, _ state: (h: Tensor, c: Tensor)? = nil, lengths: [Int]? = nil
    ) -> (output: Tensor, state: (h: Tensor, c: Tensor)) {
        let result = runSequence(input, hx: state?.h, cx: state?.c, lengths: lengths)
        return (result.output, (result.h, result.c!))
    }
}

/// Gated recurrent unit (`nn.GRU`): gates reset, update, new in PyTorch's order, with
/// `n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn))`.
public final class GRU: RecurrentBase {
    public init(
        inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
        dropout: Double = 0, bidirectional: Bool = false, dtype: DType = .defaultFloat, generator: Generator? = nil
    ) {
        super.init(
            mode: .gru, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
            batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional, projSize: 0, dtype: dtype,
            generator: generator)
    }

    /// Runs the sequence from `hx` (zeros when nil); `lengths` as in `RNN`. Returns the last
    /// layer's outputs and the final hidden state of each layer and direction.
    public func callAsFunction(_ input: Tensor, _ hx: Tensor? = nil, lengths: [Int]? = nil) -> (output: Tensor, h: Tensor) {
        let result = runSequence(input, hx: hx, cx: nil, lengths: lengths)
        return (result.output, result.h)
    }
}
