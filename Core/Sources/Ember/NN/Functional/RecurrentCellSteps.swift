/// Recurrent cells (`torch._VF.rnn_tanh_cell`, `lstm_cell`, `gru_cell`): one time step, with
/// PyTorch's gate order and formulas. Written in differentiable ops.
extension Functional {
    /// One step of an Elman RNN: `tanh(x · W_ihᵀ + b_ih + h · W_hhᵀ + b_hh)`.
    /// `input [N, in]` (or `[in]`), `hx [N, H]` (or `[H]`).
    public static func rnnTanhCell(
        _ input: Tensor, _ hx: Tensor, weightIH: Tensor, weightHH: Tensor, biasIH: Tensor? = nil, biasHH: Tensor? = nil
    ) -> Tensor {
        RecurrentCell.checkStep(input, hx, weightIH: weightIH, weightHH: weightHH, gates: 1, op: "rnn_tanh_cell")
        let w = RecurrentWeights(weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH)
        return RecurrentCell.simple(RecurrentCell.inputGates(input, w), hx, w, relu: false)
    }

    /// One step of an Elman RNN with ReLU: `relu(x · W_ihᵀ + b_ih + h · W_hhᵀ + b_hh)`.
    public static func rnnReluCell(
        _ input: Tensor, _ hx: Tensor, weightIH: Tensor, weightHH: Tensor, biasIH: Tensor? = nil, biasHH: Tensor? = nil
    ) -> Tensor {
        RecurrentCell.checkStep(input, hx, weightIH: weightIH, weightHH: weightHH, gates: 1, op: "rnn_relu_cell")
        let w = RecurrentWeights(weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH)
        return RecurrentCell.simple(RecurrentCell.inputGates(input, w), hx, w, relu: true)
    }

    /// One LSTM step. The gates are the four row blocks of the weights in PyTorch's order
    /// input, forget, cell, output: `i, f, o = σ(·)`, `g = tanh(·)`, `c' = f ⊙ c + i ⊙ g`,
    /// `h' = o ⊙ tanh(c')` (then `h' · W_hrᵀ` when `weightHR` projects it).
    public static func lstmCell(
        _ input: Tensor, _ state: (h: Tensor, c: Tensor), weightIH: Tensor, weightHH: Tensor, biasIH: Tensor? = nil,
        biasHH: Tensor? = nil, weightHR: Tensor? = nil
    ) -> (h: Tensor, c: Tensor) {
        RecurrentCell.checkStep(input, state.h, weightIH: weightIH, weightHH: weightHH, gates: 4, op: "lstm_cell")
        let w = RecurrentWeights(weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH, weightHR: weightHR)
        return RecurrentCell.lstm(RecurrentCell.inputGates(input, w), state.h, state.c, w)
    }

    /// One GRU step, PyTorch's formulas with the row blocks reset, update, new:
    /// `r = σ(x_r + h_r)`, `z = σ(x_z + h_z)`, `n = tanh(x_n + r ⊙ h_n)` (where `h_n` includes
    /// `b_hn`), `h' = (h - n) ⊙ z + n`.
    public static func gruCell(
        _ input: Tensor, _ hx: Tensor, weightIH: Tensor, weightHH: Tensor, biasIH: Tensor? = nil, biasHH: Tensor? = nil
    ) -> Tensor {
        RecurrentCell.checkStep(input, hx, weightIH: weightIH, weightHH: weightHH, gates: 3, op: "gru_cell")
        let w = RecurrentWeights(weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH)
        return RecurrentCell.gru(RecurrentCell.inputGates(input, w), hx, w)
    }
}

/// The weights of one direction of one recurrent layer (PyTorch's `weight_ih_l{k}`,
/// `weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}`, `weight_hr_l{k}`).
public struct RecurrentWeights {
    /// `[gates·H, in]`.
    public var weightIH: Tensor
    /// `[gates·H, Hout]` (`Hout` is the projection size when projecting, else `H`).
    public var weightHH: Tensor
    public var biasIH: Tensor?
    public var biasHH: Tensor?
    /// LSTM projection `[Hout, H]`, nil without `projSize`.
    public var weightHR: Tensor?

    public init(weightIH: Tensor, weightHH: Tensor, biasIH: Tensor? = nil, biasHH: Tensor? = nil, weightHR: Tensor? = nil) {
        self.weightIH = weightIH
        self.weightHH = weightHH
        self.biasIH = biasIH
        self.biasHH = biasHH
        self.weightHR = weightHR
    }
}

/// The step functions, taking the input's contribution to the gates precomputed (so a
/// sequence projects every time step in one product).
enum RecurrentCell {
    static func checkStep(_ input: Tensor, _ hx: Tensor, weightIH: Tensor, weightHH: Tensor, gates: Int, op: String) {
        precondition(
            input.dim == 1 || input.dim == 2, "\(op): Expected input to be 1D or 2D, got \(input.dim)D instead (shape \(input.shape))")
        precondition(
            hx.dim == input.dim && (input.dim == 1 || hx.shape[0] == input.shape[0]),
            "\(op): Input batch size \(input.dim == 2 ? input.shape[0] : 1) doesn't match hidden batch size (hx shape \(hx.shape), input shape \(input.shape))")
        precondition(
            weightIH.dim == 2 && weightIH.shape[1] == input.shape[input.dim - 1],
            "\(op): input has inconsistent input_size: got \(input.shape[input.dim - 1]) expected \(weightIH.dim == 2 ? weightIH.shape[1] : -1) (weight_ih \(weightIH.shape))")
        precondition(
            weightHH.dim == 2 && weightHH.shape[1] == hx.shape[hx.dim - 1] && weightHH.shape[0] == weightIH.shape[0]
                && weightIH.shape[0] % gates == 0,
            "\(op): hidden has inconsistent hidden_size: got \(hx.shape[hx.dim - 1]) (weight_ih \(weightIH.shape), weight_hh \(weightHH.shape))")
    }

    /// `x · W_ihᵀ + b_ih` (`params.linear_ih`), the bias folded into the product as `addmm`.
    static func inputGates(_ x: Tensor, _ w: RecurrentWeights) -> Tensor {
        AttentionLinear.apply(x, weight: w.weightIH, bias: w.biasIH)
    }

    /// `h · W_hhᵀ + b_hh` (`params.linear_hh`).
    static func hiddenGates(_ h: Tensor, _ w: RecurrentWeights) -> Tensor {
        AttentionLinear.apply(h, weight: w.weightHH, bias: w.biasHH)
    }

    static func simple(_ inputGates: Tensor, _ h: Tensor, _ w: RecurrentWeights, relu: Bool) -> Tensor {
        let preactivation = hiddenGates(h, w).add(inputGates)
        return relu ? preactivation.relu() : preactivation.tanh()
    }

    static func lstm(_ inputGates: Tensor, _ h: Tensor, _ c: Tensor, _ w: RecurrentWeights) -> (h: Tensor, c: Tensor) {
        let gates = hiddenGates(h, w).add(inputGates).chunk(4, dim: -1)
        let (i, f, g, o) = (gates[0].sigmoid(), gates[1].sigmoid(), gates[2].tanh(), gates[3].sigmoid())
        let cNext = f.mul(c).add(i.mul(g))
        var hNext = o.mul(cNext.tanh())
        if let weightHR = w.weightHR { hNext = Functional.linear(hNext, weight: weightHR) }
        return (hNext, cNext)
    }

    static func gru(_ inputGates: Tensor, _ h: Tensor, _ w: RecurrentWeights) -> Tensor {
        let x = inputGates.chunk(3, dim: -1), hg = hiddenGates(h, w).chunk(3, dim: -1)
        let r = hg[0].add(x[0]).sigmoid()
        let z = hg[1].add(x[1]).sigmoid()
        let n = x[2].add(hg[2].mul(r)).tanh()
        return h.sub(n).mul(z).add(n)
    }
}
