import XCTest
@testable import Ember

/// A fixture's state dict (`{"key": tensor}`) as tensors.
func sequenceFixtureState(_ value: Any?) -> [String: Tensor] {
    guard let dict = value as? [String: Any] else { fatalError("fixture state is not a dict") }
    return dict.mapValues { Fixtures.tensor($0) }
}

/// The fixture case named `name` of `cases`.
func sequenceFixtureCase(_ cases: [[String: Any]], _ name: String) -> [String: Any] {
    guard let found = cases.first(where: { $0["name"] as? String == name }) else { fatalError("no fixture case \(name)") }
    return found
}

/// Scaled dot-product attention and multi-head attention against PyTorch
/// (`Scripts/fixtures/core_nn_sequence.py`), and float64 gradient checks.
///
/// Tolerances: float32 outputs within atol 1e-5 + rtol 1e-5 (a few float32 roundings apart:
/// the products are summed in another order than MKL's); gradients within 1e-4 (they sum
/// over more terms).
final class AttentionTests: XCTestCase {
    func testScaledDotProductAttentionMatchesPyTorch() throws {
        for c in try Fixtures.cases("Core/nn_seq_attention.json") {
            let name = c["name"] as! String
            let q = Fixtures.tensor(c["query"]).requiresGrad_()
            let k = Fixtures.tensor(c["key"]).requiresGrad_()
            let v = Fixtures.tensor(c["value"]).requiresGrad_()
            let mask = c["mask"].map { Fixtures.tensor($0) }
            if let mask, mask.dtype.isFloatingPoint { mask.requiresGrad_() }
            let scale = (c["scale"] as? String).flatMap(Double.init)
            let out = Functional.scaledDotProductAttention(
                q, k, v, attnMask: mask, isCausal: c["causal"] as! Bool, scale: scale, enableGQA: c["gqa"] as! Bool)
            assertClose(out, Fixtures.tensor(c["out"]), rtol: 1e-5, atol: 1e-5, name)
            out.mul(Fixtures.tensor(c["grad_out"])).sum().backward()
            assertClose(q.grad ?? Tensor([0.0]), Fixtures.tensor(c["grad_query"]), rtol: 1e-4, atol: 1e-4, "\(name) dq")
            assertClose(k.grad ?? Tensor([0.0]), Fixtures.tensor(c["grad_key"]), rtol: 1e-4, atol: 1e-4, "\(name) dk")
            assertClose(v.grad ?? Tensor([0.0]), Fixtures.tensor(c["grad_value"]), rtol: 1e-4, atol: 1e-4, "\(name) dv")
            if let expected = c["grad_mask"] {
                assertClose(mask?.grad ?? Tensor([0.0]), Fixtures.tensor(expected), rtol: 1e-4, atol: 1e-4, "\(name) dmask")
            }
        }
    }

    func testFullyMaskedQueryGivesZerosAndPlainAttentionIsAWeightedMean() {
        // One query, two keys: equal scores average the values.
        let q = Tensor([[0.0, 0.0]]), k = Tensor([[1.0, 0.0], [0.0, 1.0]]), v = Tensor([[2.0, 4.0], [6.0, 8.0]])
        XCTAssertEqual(Functional.scaledDotProductAttention(q, k, v).toArray(Float.self), [4, 6])
        let none = Tensor([[false, false]])
        XCTAssertEqual(Functional.scaledDotProductAttention(q, k, v, attnMask: none).toArray(Float.self), [0, 0])
        let first = Tensor([[true, false]])
        XCTAssertEqual(Functional.scaledDotProductAttention(q, k, v, attnMask: first).toArray(Float.self), [2, 4])
    }

    func testDropoutZeroesWeightsAndScalesTheRest() {
        // With p = 0.5 every weight is 0 or 2× the plain weight; values of ones make each output
        // row the sum of its kept weights, so it is a multiple of 2/S.
        let g = Generator(seed: 5)
        let q = Tensor.zeros([1, 64, 4]), k = Tensor.zeros([1, 8, 4]), v = Tensor.ones([1, 8, 1])
        let out = Functional.scaledDotProductAttention(q, k, v, dropoutP: 0.5, generator: g).toArray(Float.self)
        for x in out {
            let kept = x * 4  // x = kept · 2 / 8
            XCTAssertEqual(kept, kept.rounded(), accuracy: 1e-5)
        }
        let mean = out.reduce(0, +) / Float(out.count)
        XCTAssertEqual(mean, 1, accuracy: 0.15)
        XCTAssertEqual(Functional.scaledDotProductAttention(q, k, v, dropoutP: 1, generator: g).sum().item(Float.self), 0)
    }

    // float64 finite differences against the analytic backward: float mask, causal, dropout
    // with a generator reseeded per call (so each evaluation draws the same mask), and second
    // derivatives.
    private func sdpaInputs() -> [Tensor] {
        let g = Generator(seed: 21)
        return [
            Tensor.randn([1, 2, 3, 4], dtype: .float64, generator: g).requiresGrad_(),
            Tensor.randn([1, 2, 4, 4], dtype: .float64, generator: g).requiresGrad_(),
            Tensor.randn([1, 2, 4, 3], dtype: .float64, generator: g).requiresGrad_(),
            Tensor.randn([3, 4], dtype: .float64, generator: g).requiresGrad_(),
        ]
    }

    func testScaledDotProductAttentionGradcheckWithFloatMask() throws {
        try gradcheck(inputs: sdpaInputs()) { x in
            [Functional.scaledDotProductAttention(x[0], x[1], x[2], attnMask: x[3])]
        }
    }

    func testScaledDotProductAttentionGradcheckCausal() throws {
        try gradcheck(inputs: Array(sdpaInputs().prefix(3))) { x in
            [Functional.scaledDotProductAttention(x[0], x[1], x[2], isCausal: true, scale: 0.7)]
        }
    }

    func testScaledDotProductAttentionGradcheckDropout() throws {
        try gradcheck(inputs: Array(sdpaInputs().prefix(3))) { x in
            [Functional.scaledDotProductAttention(x[0], x[1], x[2], dropoutP: 0.3, generator: Generator(seed: 9))]
        }
    }

    func testScaledDotProductAttentionGradgradcheck() throws {
        try gradgradcheck(inputs: Array(sdpaInputs().prefix(3))) { x in
            [Functional.scaledDotProductAttention(x[0], x[1], x[2], attnMask: Tensor([[true, true, false, true]]))]
        }
    }

    func testBiasFoldedLinearMatchesReference() {
        // Few rows and many columns: the product is split by columns over the pool. The
        // reference is an elementwise sum in float64; float32 within 1e-4 (300-term sums).
        let g = Generator(seed: 8)
        let x = Tensor.randn([2, 50, 300], generator: g)
        let w = Tensor.randn([200, 300], generator: g), b = Tensor.randn([200], generator: g)
        let reference = (x.double().unsqueeze(2) * w.double().unsqueeze(0).unsqueeze(0)).sum(dim: 3) + b.double()
        assertClose(AttentionLinear.apply(x, weight: w, bias: b).double(), reference, rtol: 1e-4, atol: 1e-4)
        assertClose(x.matmul(w.t()).add(b).double(), reference, rtol: 1e-4, atol: 1e-4)
        let wt = w.t().contiguous()
        assertClose(x.matmul(wt).add(b).double(), reference, rtol: 1e-4, atol: 1e-4)
        let x64 = Tensor.randn([3, 4], dtype: .float64).requiresGrad_()
        let w64 = Tensor.randn([5, 4], dtype: .float64).requiresGrad_(), b64 = Tensor.randn([5], dtype: .float64).requiresGrad_()
        XCTAssertNoThrow(try gradcheck(inputs: [x64, w64, b64]) { t in [AttentionLinear.apply(t[0], weight: t[1], bias: t[2])] })
    }

    // MARK: MultiheadAttention

    static func makeMultihead(_ c: [String: Any]) throws -> MultiheadAttention {
        let embed = c["embed_dim"] as! Int, kdim = c["kdim"] as! Int, vdim = c["vdim"] as! Int
        let mha = MultiheadAttention(
            embedDim: embed, numHeads: c["num_heads"] as! Int, bias: c["bias"] as! Bool,
            addBiasKV: c["add_bias_kv"] as! Bool, addZeroAttn: c["add_zero_attn"] as! Bool, kdim: kdim, vdim: vdim,
            batchFirst: c["batch_first"] as! Bool)
        try mha.loadStateDict(sequenceFixtureState(c["state"]))
        return mha.eval()
    }

    func testMultiheadAttentionMatchesPyTorch() throws {
        for c in try Fixtures.cases("Core/nn_seq_multihead.json") {
            let name = c["name"] as! String
            if name.hasPrefix("init_") { continue }
            let mha = try Self.makeMultihead(c)
            let query = Fixtures.tensor(c["query"]).requiresGrad_()
            let selfAttention = c["self_attention"] as! Bool
            let key = selfAttention ? query : Fixtures.tensor(c["key"]).requiresGrad_()
            let value = selfAttention ? query : Fixtures.tensor(c["value"]).requiresGrad_()
            let (out, weights) = mha(
                query, key, value, keyPaddingMask: c["key_padding_mask"].map { Fixtures.tensor($0) },
                needWeights: c["need_weights"] as! Bool, attnMask: c["attn_mask"].map { Fixtures.tensor($0) },
                averageAttnWeights: c["average"] as! Bool, isCausal: c["is_causal"] as! Bool)
            assertClose(out, Fixtures.tensor(c["out"]), rtol: 1e-5, atol: 1e-5, name)
            var loss = out.mul(Fixtures.tensor(c["grad_out"])).sum()
            if let expected = c["weights"] {
                guard let weights else { XCTFail("\(name): no weights"); continue }
                assertClose(weights, Fixtures.tensor(expected), rtol: 1e-5, atol: 1e-6, "\(name) weights")
                loss = loss.add(weights.mul(Fixtures.tensor(c["grad_weights"])).sum())
            } else {
                XCTAssertNil(weights, name)
            }
            loss.backward()
            assertClose(query.grad ?? Tensor([0.0]), Fixtures.tensor(c["grad_query"]), rtol: 1e-4, atol: 1e-4, "\(name) dq")
            if !selfAttention {
                assertClose(key.grad ?? Tensor([0.0]), Fixtures.tensor(c["grad_key"]), rtol: 1e-4, atol: 1e-4, "\(name) dk")
                assertClose(value.grad ?? Tensor([0.0]), Fixtures.tensor(c["grad_value"]), rtol: 1e-4, atol: 1e-4, "\(name) dv")
            }
            for (parameterName, expected) in sequenceFixtureState(c["param_grads"]) {
                let grad = mha.parameter(named: parameterName)?.grad ?? Tensor([0.0])
                assertClose(grad, expected, rtol: 1e-4, atol: 1e-4, "\(name) d\(parameterName)")
            }
        }
    }

    func testMultiheadAttentionKeysAndDefaultInitMatchPyTorch() throws {
        // Same seed, same draws in the same order: the numbers are PyTorch's up to float32
        // rounding of the bounds (atol 1e-7).
        let cases = try Fixtures.cases("Core/nn_seq_multihead.json")
        let makers: [(String, () -> MultiheadAttention)] = [
            ("init_mha", { MultiheadAttention(embedDim: 8, numHeads: 2) }),
            ("init_mha_kdim", { MultiheadAttention(embedDim: 8, numHeads: 2, kdim: 5, vdim: 3) }),
            ("init_mha_bias_kv", { MultiheadAttention(embedDim: 4, numHeads: 2, addBiasKV: true) }),
        ]
        for (name, make) in makers {
            Random.manualSeed(0)
            let mha = make()
            let expected = sequenceFixtureState(sequenceFixtureCase(cases, name)["state"])
            let state = mha.stateDict()
            XCTAssertEqual(Set(state.keys), Set(expected.keys), name)
            for (key, tensor) in state.entries {
                guard let reference = expected[key] else { continue }
                assertClose(tensor, reference, rtol: 0, atol: 1e-7, "\(name) \(key)")
            }
        }
    }

    func testMultiheadAttentionChecksShapes() {
        let mha = MultiheadAttention(embedDim: 8, numHeads: 2, batchFirst: true)
        let x = Tensor.randn([2, 3, 8])
        let (out, weights) = mha(x, x, x)
        XCTAssertEqual(out.shape, [2, 3, 8])
        XCTAssertEqual(weights?.shape, [2, 3, 3])
        let perHead = mha(x, x, x, averageAttnWeights: false).weights
        XCTAssertEqual(perHead?.shape, [2, 2, 3, 3])
        XCTAssertNil(mha(x, x, x, needWeights: false).weights)
        XCTAssertEqual(mha.stateDict().keys, ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"])
    }
}
