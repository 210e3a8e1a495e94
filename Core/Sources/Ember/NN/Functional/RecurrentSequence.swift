/// Multi-layer, optionally bidirectional recurrences over whole sequences (`_VF.rnn_tanh`,
/// `_VF.lstm`, `_VF.gru`), with variable lengths given as per-sequence lengths instead of a
/// packed sequence.
///
/// Each layer and direction projects the input of every time step in one matrix product,
/// then runs the time loop with one hidden-state product per step; everything is written in
/// differentiable ops, so gradients flow through time (backpropagation through time).

/// The recurrence a layer runs (`mode` of `nn.RNNBase`).
public enum RecurrentMode: String, Sendable {
    case rnnTanh = "RNN_TANH"
    case rnnRelu = "RNN_RELU"
    case lstm = "LSTM"
    case gru = "GRU"

    /// How many row blocks the weights hold (gate size / hidden size).
    public var gateCount: Int {
        switch self {
        case .rnnTanh, .rnnRelu: return 1
        case .lstm: return 4
        case .gru: return 3
        }
    }
}

extension Functional {
    /// Runs a stack of recurrent layers over `input`, like `nn.RNN`/`nn.LSTM`/`nn.GRU`'s forward.
    ///
    /// - `input`: `[L, N, in]` (`[N, L, in]` with `batchFirst`) or unbatched `[L, in]`.
    /// - `weights`: one entry per layer and direction, layer-major (`l0`, `l0_reverse`, `l1`, ...).
    /// - `hx`: initial hidden states `[numLayers·directions, N, Hout]` (zeros when nil); `cx`:
    ///   LSTM initial cell states `[numLayers·directions, N, H]`.
    /// - `dropout`: applied to the outputs of every layer but the last, when `training`.
    /// - `lengths`: the valid length of each sequence of the batch (at most `L`). Steps at or
    ///   after a sequence's length leave its state unchanged and output zeros, so the final
    ///   states are those of each sequence's last valid step and the reverse direction starts
    ///   at that step: the numbers `pack_padded_sequence` → RNN → `pad_packed_sequence` give
    ///   (the output keeps length `L` rather than shrinking to the longest sequence).
    ///
    /// Returns the last layer's outputs for every step (`[L, N, directions·Hout]` in the input's
    /// layout), and the final hidden (and, for LSTM, cell) states of every layer and direction.
    public static func recurrent(
        _ mode: RecurrentMode, input: Tensor, hx: Tensor? = nil, cx: Tensor? = nil, weights: [RecurrentWeights],
        numLayers: Int, bidirectional: Bool = false, dropout: Double = 0, training: Bool = false,
        batchFirst: Bool = false, lengths: [Int]? = nil, generator: Generator? = nil
    ) -> (output: Tensor, h: Tensor, c: Tensor?) {
        let op = mode.rawValue.lowercased()
        let directions = bidirectional ? 2 : 1
        precondition(numLayers >= 1, "\(op): num_layers must be at least 1, got \(numLayers)")
        precondition(
            weights.count == numLayers * directions,
            "\(op): expected \(numLayers * directions) sets of weights (layers × directions), got \(weights.count)")
        precondition(input.dim == 2 || input.dim == 3, "\(op): Expected input to be 2D or 3D, got \(input.dim)D instead (shape \(input.shape))")
        let gateSize = weights[0].weightIH.shape[0]
        let hiddenSize = gateSize / mode.gateCount
        let outSize = weights[0].weightHR?.shape[0] ?? hiddenSize
        let batched = input.dim == 3
        let timeDim = batched && batchFirst ? 1 : 0
        let x = batched ? input : input.unsqueeze(1)
        let (steps, batch) = (x.shape[timeDim], x.shape[1 - timeDim])
        precondition(steps > 0, "\(op): Expected sequence length to be larger than 0 in RNN (input shape \(input.shape))")
        precondition(
            x.shape[2] == weights[0].weightIH.shape[1],
            "\(op): input.size(-1) must be equal to input_size. Expected \(weights[0].weightIH.shape[1]), got \(x.shape[2])")

        func initial(_ state: Tensor?, size: Int, name: String) -> Tensor {
            let expected = [numLayers * directions, batch, size]
            guard let state else { return Tensor.zeros(expected, dtype: x.dtype) }
            let s = batched ? state : state.unsqueeze(1)
            precondition(
                s.dim == 3 && s.shape == expected,
                "\(op): Expected \(name) size \(batched ? expected : [expected[0], expected[2]]), got \(state.shape)")
            return s
        }
        let h0 = initial(hx, size: outSize, name: "hidden")
        let c0 = mode == .lstm ? initial(cx, size: hiddenSize, name: "cell state") : nil

        // valid[t] is [N, 1]: whether step t is inside each sequence.
        var valid: Tensor? = nil
        if let lengths {
            precondition(
                lengths.count == batch,
                "\(op): expected one length per sequence (\(batch)), got \(lengths.count)")
            precondition(
                lengths.allSatisfy { $0 >= 0 && $0 <= steps },
                "\(op): lengths must lie in 0...\(steps) (the padded length), got \(lengths)")
            valid = Tensor.arange(Scalar.int(Int64(steps))).unsqueeze(1).lt(Tensor(lengths).unsqueeze(0)).unsqueeze(2)
        }

        var layerInput = x
        var finalH: [Tensor] = [], finalC: [Tensor] = []
        for layer in 0..<numLayers {
            var outputs: [Tensor] = []
            for direction in 0..<directions {
                let index = layer * directions + direction
                let w = weights[index]
                precondition(
                    w.weightIH.shape[1] == layerInput.shape[2],
                    "\(op): weight_ih of layer \(layer) expects \(w.weightIH.shape[1]) input features, got \(layerInput.shape[2])")
                let run = RecurrentLoop.run(
                    mode, layerInput, h: h0.select(0, index), c: c0?.select(0, index), weights: w,
                    reverse: direction == 1, valid: valid, timeDim: timeDim)
                outputs.append(run.output)
                finalH.append(run.h)
                if let c = run.c { finalC.append(c) }
            }
            layerInput = outputs.count == 1 ? outputs[0] : Tensor.cat(outputs, dim: 2)
            if dropout > 0 && training && layer < numLayers - 1 {
                layerInput = Functional.dropout(layerInput, p: dropout, training: true, generator: generator)
            }
        }
        var h = Tensor.stack(finalH, dim: 0)
        var c = finalC.isEmpty ? nil : Tensor.stack(finalC, dim: 0)
        var output = layerInput
        if !batched {
            output = output.squeeze(dim: 1)
            h = h.squeeze(dim: 1)
            c = c?.squeeze(dim: 1)
        }
        return (output, h, c)
    }
}

/// The time loop of one layer in one direction.
enum RecurrentLoop {
    static func run(
        _ mode: RecurrentMode, _ x: Tensor, h: Tensor, c: Tensor?, weights w: RecurrentWeights, reverse: Bool,
        valid: Tensor?, timeDim: Int
    ) -> (output: Tensor, h: Tensor, c: Tensor?) {
        let steps = x.shape[timeDim]
        // The input's share of the gates for every step: one product.
        let inputGates = RecurrentCell.inputGates(x, w)
        var h = h, c = c
        var outputs = [Tensor](repeating: h, count: steps)
        for t in reverse ? Array((0..<steps).reversed()) : Array(0..<steps) {
            let gates = inputGates.select(timeDim, t)
            var hNext: Tensor, cNext: Tensor? = nil
            switch mode {
            case .rnnTanh: hNext = RecurrentCell.simple(gates, h, w, relu: false)
            case .rnnRelu: hNext = RecurrentCell.simple(gates, h, w, relu: true)
            case .gru: hNext = RecurrentCell.gru(gates, h, w)
            case .lstm:
                guard let cell = c else { preconditionFailure("lstm: missing cell state") }
                (hNext, cNext) = RecurrentCell.lstm(gates, h, cell, w)
            }
            if let valid {
                // Padded steps keep the state and output zeros.
                let inside = valid.select(0, t)
                outputs[t] = Tensor.where(inside, hNext, 0)
                hNext = Tensor.where(inside, hNext, h)
                if let next = cNext, let cell = c { cNext = Tensor.where(inside, next, cell) }
            } else {
                outputs[t] = hNext
            }
            h = hNext
            c = cNext
        }
        return (Tensor.stack(outputs, dim: timeDim), h, c)
    }
}
