import XCTest
@testable import Ember

/// RNN, LSTM, GRU and their cells against PyTorch (`Scripts/fixtures/core_nn_sequence.py`):
/// 2-layer bidirectional batch-first runs with initial states, variable lengths against
/// PyTorch's packed sequences, projections, unbatched input, default init; float64 gradient
/// checks of the cells.
///
/// Tolerances: float32 outputs and states within atol 1e-5 + rtol 1e-5 (each step rounds
/// like PyTorch's, in another summation order); gradients through time within 1e-4.
final class RecurrentTests: XCTestCase {
    /// The module of the 2-layer bidirectional batch-first cases (input 5, hidden 4).
    private static func make(_ mode: String) -> RecurrentBase {
        switch mode {
        case "LSTM": return LSTM(inputSize: 5, hiddenSize: 4, numLayers: 2, batchFirst: true, bidirectional: true)
        case "GRU": return GRU(inputSize: 5, hiddenSize: 4, numLayers: 2, batchFirst: true, bidirectional: true)
        default:
            return RNN(
                inputSize: 5, hiddenSize: 4, numLayers: 2, nonlinearity: mode == "RNN_RELU" ? .relu : .tanh, batchFirst: true,
                bidirectional: true)
        }
    }

    private static func run(_ module: RecurrentBase, _ x: Tensor, h0: Tensor?, c0: Tensor?, lengths: [Int]?) -> (Tensor, Tensor, Tensor?) {
        switch module {
        case let lstm as LSTM:
            let state = h0.map { ($0, c0!) }
            let (out, (h, c)) = lstm(x, state, lengths: lengths)
            return (out, h, c)
        case let gru as GRU:
            let (out, h) = gru(x, h0, lengths: lengths)
            return (out, h, nil)
        case let rnn as RNN:
            let (out, h) = rnn(x, h0, lengths: lengths)
            return (out, h, nil)
        default: fatalError("unknown module")
        }
    }

    func testLayersMatchPyTorchIncludingPackedSequences() throws {
        let cases = try Fixtures.cases("Core/nn_seq_recurrent.json").filter {
            let name = $0["name"] as! String
            return name.hasSuffix("_plain") || name.hasSuffix("_lengths")
        }
        XCTAssertEqual(cases.count, 8)
        for c in cases {
            let name = c["name"] as! String, mode = c["mode"] as! String
            let module = Self.make(mode)
            try module.loadStateDict(sequenceFixtureState(c["state"]))
            let x = Fixtures.tensor(c["input"]).requiresGrad_()
            let h0 = Fixtures.tensor(c["h0"]).requiresGrad_()
            let c0 = c["c0"].map { Fixtures.tensor($0).requiresGrad_() }
            let (out, h, cell) = Self.run(module, x, h0: h0, c0: c0, lengths: c["lengths"] as? [Int])
            assertClose(out, Fixtures.tensor(c["out"]), rtol: 1e-5, atol: 1e-5, "\(name) output")
            assertClose(h, Fixtures.tensor(c["h_n"]), rtol: 1e-5, atol: 1e-5, "\(name) h_n")
            var loss = out.mul(Fixtures.tensor(c["grad_out"])).sum().add(h.mul(Fixtures.tensor(c["grad_h_n"])).sum())
            if let expected = c["c_n"], let cell {
                assertClose(cell, Fixtures.tensor(expected), rtol: 1e-5, atol: 1e-5, "\(name) c_n")
                loss = loss.add(cell.mul(Fixtures.tensor(c["grad_c_n"])).sum())
            }
            loss.backward()
            assertClose(x.grad ?? Tensor([0.0]), Fixtures.tensor(c["grad_input"]), rtol: 1e-4, atol: 1e-4, "\(name) dx")
            assertClose(h0.grad ?? Tensor([0.0]), Fixtures.tensor(c["grad_h0"]), rtol: 1e-4, atol: 1e-4, "\(name) dh0")
            if let c0, let expected = c["grad_c0"] {
                assertClose(c0.grad ?? Tensor([0.0]), Fixtures.tensor(expected), rtol: 1e-4, atol: 1e-4, "\(name) dc0")
            }
            for (parameterName, expected) in sequenceFixtureState(c["param_grads"]) {
                let grad = module.parameter(named: parameterName)?.grad ?? Tensor([0.0])
                assertClose(grad, expected, rtol: 1e-4, atol: 1e-4, "\(name) d\(parameterName)")
            }
        }
    }

    func testProjectionAndUnbatchedInput() throws {
        let cases = try Fixtures.cases("Core/nn_seq_recurrent.json")
        let p = sequenceFixtureCase(cases, "LSTM_proj")
        let lstm = LSTM(inputSize: 3, hiddenSize: 5, numLayers: 2, dropout: 0.5, projSize: 2)
        try lstm.loadStateDict(sequenceFixtureState(p["state"]))
        lstm.eval()
        let (out, (h, c)) = lstm(Fixtures.tensor(p["input"]))
        assertClose(out, Fixtures.tensor(p["out"]), rtol: 1e-5, atol: 1e-5, "proj output")
        assertClose(h, Fixtures.tensor(p["h_n"]), rtol: 1e-5, atol: 1e-5, "proj h_n")
        assertClose(c, Fixtures.tensor(p["c_n"]), rtol: 1e-5, atol: 1e-5, "proj c_n")

        let u = sequenceFixtureCase(cases, "GRU_unbatched")
        let gru = GRU(inputSize: 3, hiddenSize: 4)
        try gru.loadStateDict(sequenceFixtureState(u["state"]))
        let (gout, gh) = gru(Fixtures.tensor(u["input"]))
        assertClose(gout, Fixtures.tensor(u["out"]), rtol: 1e-5, atol: 1e-5, "unbatched output")
        assertClose(gh, Fixtures.tensor(u["h_n"]), rtol: 1e-5, atol: 1e-5, "unbatched h_n")
    }

    func testCellsMatchPyTorch() throws {
        let cases = try Fixtures.cases("Core/nn_seq_recurrent.json")
        for name in ["RNNCell", "RNNCellRelu", "LSTMCell", "GRUCell"] {
            let c = sequenceFixtureCase(cases, "cell_" + name)
            let x = Fixtures.tensor(c["input"]), h = Fixtures.tensor(c["h"])
            let state = sequenceFixtureState(c["state"])
            switch name {
            case "LSTMCell":
                let cell = LSTMCell(inputSize: 3, hiddenSize: 4)
                try cell.loadStateDict(state)
                let next = cell(x, (h, Fixtures.tensor(c["c"])))
                assertClose(next.h, Fixtures.tensor(c["h_next"]), rtol: 1e-5, atol: 1e-6, name)
                assertClose(next.c, Fixtures.tensor(c["c_next"]), rtol: 1e-5, atol: 1e-6, name)
            case "GRUCell":
                let cell = GRUCell(inputSize: 3, hiddenSize: 4)
                try cell.loadStateDict(state)
                assertClose(cell(x, h), Fixtures.tensor(c["h_next"]), rtol: 1e-5, atol: 1e-6, name)
                // Unbatched input gives an unbatched state.
                assertClose(cell(x[0], h[0]), Fixtures.tensor(c["h_next"])[0], rtol: 1e-5, atol: 1e-6, name)
            default:
                let cell = RNNCell(inputSize: 3, hiddenSize: 4, nonlinearity: name == "RNNCell" ? .tanh : .relu)
                try cell.loadStateDict(state)
                assertClose(cell(x, h), Fixtures.tensor(c["h_next"]), rtol: 1e-5, atol: 1e-6, name)
            }
        }
    }

    func testKeysAndDefaultInitMatchPyTorch() throws {
        // Same seed, same draws in PyTorch's parameter order (atol 1e-7: float32 bounds).
        let cases = try Fixtures.cases("Core/nn_seq_recurrent.json")
        let makers: [(String, () -> Module)] = [
            ("init_LSTM", { LSTM(inputSize: 5, hiddenSize: 4, numLayers: 2, bidirectional: true) }),
            ("init_GRU", { GRU(inputSize: 3, hiddenSize: 2, bias: false) }),
            ("init_RNN", { RNN(inputSize: 3, hiddenSize: 2, numLayers: 2) }),
            ("init_LSTM_proj", { LSTM(inputSize: 3, hiddenSize: 5, projSize: 2) }),
            ("init_LSTMCell", { LSTMCell(inputSize: 3, hiddenSize: 4) }),
            ("init_GRUCell", { GRUCell(inputSize: 3, hiddenSize: 4) }),
        ]
        for (name, make) in makers {
            Random.manualSeed(0)
            let module = make()
            let c = sequenceFixtureCase(cases, name)
            let expected = sequenceFixtureState(c["state"])
            let state = module.stateDict()
            XCTAssertEqual(Set(state.keys), Set(expected.keys), name)
            for (key, tensor) in state.entries {
                guard let reference = expected[key] else { continue }
                assertClose(tensor, reference, rtol: 0, atol: 1e-7, "\(name) \(key)")
            }
        }
        let lstm = LSTM(inputSize: 2, hiddenSize: 3, bidirectional: true)
        XCTAssertEqual(
            lstm.stateDict().keys,
            ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
             "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse"])
    }

    func testLengthsFreezeStateAndZeroOutputs() {
        // A sequence of length 2 padded to 5 gives the same final state as the 2 steps alone.
        Random.manualSeed(3)
        let gru = GRU(inputSize: 3, hiddenSize: 4, batchFirst: true, bidirectional: true)
        let x = Tensor.randn([1, 5, 3])
        let (padded, hPadded) = gru(x, lengths: [2])
        let (short, hShort) = gru(x[0..., 0..<2])
        assertClose(hPadded, hShort, rtol: 1e-6, atol: 1e-6)
        assertClose(padded[0..., 0..<2], short, rtol: 1e-6, atol: 1e-6)
        XCTAssertEqual(padded[0..., 2...].abs().sum().item(Float.self), 0)
    }

    func testDropoutBetweenLayersOnlyInTraining() {
        Random.manualSeed(4)
        let rnn = RNN(inputSize: 3, hiddenSize: 8, numLayers: 2, dropout: 0.5)
        let x = Tensor.randn([4, 2, 3])
        rnn.eval()
        let a = rnn(x).output, b = rnn(x).output
        XCTAssertTrue(a.equal(b))
        rnn.train()
        XCTAssertFalse(rnn(x).output.equal(a))
    }

    func testCellsGradcheck() throws {
        // float64 finite differences through an LSTM and a GRU step, all inputs and weights.
        let x = Tensor.randn([2, 3], dtype: .float64).requiresGrad_()
        let h = Tensor.randn([2, 2], dtype: .float64).requiresGrad_()
        let c = Tensor.randn([2, 2], dtype: .float64).requiresGrad_()
        let wih = Tensor.randn([8, 3], dtype: .float64).requiresGrad_()
        let whh = Tensor.randn([8, 2], dtype: .float64).requiresGrad_()
        let bih = Tensor.randn([8], dtype: .float64).requiresGrad_()
        let bhh = Tensor.randn([8], dtype: .float64).requiresGrad_()
        try gradcheck(inputs: [x, h, c, wih, whh, bih, bhh]) { t in
            let next = Functional.lstmCell(t[0], (t[1], t[2]), weightIH: t[3], weightHH: t[4], biasIH: t[5], biasHH: t[6])
            return [next.h, next.c]
        }
        let gih = Tensor.randn([6, 3], dtype: .float64).requiresGrad_()
        let ghh = Tensor.randn([6, 2], dtype: .float64).requiresGrad_()
        let gb = Tensor.randn([6], dtype: .float64).requiresGrad_()
        try gradcheck(inputs: [x, h, gih, ghh, gb]) { t in
            [Functional.gruCell(t[0], t[1], weightIH: t[2], weightHH: t[3], biasIH: t[4], biasHH: t[4])]
        }
        // Through time with lengths: a 2-layer bidirectional LSTM in float64.
        let lstm = LSTM(inputSize: 3, hiddenSize: 2, numLayers: 2, bidirectional: true, dtype: .float64)
        let seq = Tensor.randn([4, 2, 3], dtype: .float64).requiresGrad_()
        try gradcheck(inputs: [seq]) { t in
            let (out, (hn, cn)) = lstm(t[0], lengths: [4, 2])
            return [out, hn, cn]
        }
    }
}
