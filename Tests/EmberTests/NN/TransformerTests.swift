import XCTest
@testable import Ember

/// Transformer encoder/decoder layers, stacks and the whole model against PyTorch
/// (`Scripts/fixtures/core_nn_sequence.py`), in eval mode from the generator's weights.
///
/// Tolerances: float32 outputs within atol 1e-5 + rtol 1e-5 (layer norm rescales the
/// rounding differences of the products, so 1e-5 absolute); input and parameter gradients
/// within 1e-4.
final class TransformerTests: XCTestCase {
    private func checkGrads(_ module: Module, _ c: [String: Any], _ name: String) {
        for (parameterName, expected) in sequenceFixtureState(c["param_grads"]) {
            let grad = module.parameter(named: parameterName)?.grad ?? Tensor([0.0])
            assertClose(grad, expected, rtol: 1e-4, atol: 1e-4, "\(name) d\(parameterName)")
        }
    }

    private func mask(_ c: [String: Any], _ key: String) -> Tensor? { c[key].map { Fixtures.tensor($0) } }

    func testEncoderLayerMatchesPyTorch() throws {
        let cases = try Fixtures.cases("Core/nn_seq_transformer.json").filter { $0["kind"] as? String == "encoder_layer" }
        XCTAssertEqual(cases.count, 4)
        for c in cases {
            let name = c["name"] as! String
            let layer = TransformerEncoderLayer(
                dModel: 8, nhead: 2, dimFeedforward: 16, activation: c["activation"] as! String == "gelu" ? .gelu : .relu,
                batchFirst: c["batch_first"] as! Bool, normFirst: c["norm_first"] as! Bool)
            try layer.loadStateDict(sequenceFixtureState(c["state"]))
            layer.eval()
            let src = Fixtures.tensor(c["src"]).requiresGrad_()
            let out = layer(src, srcMask: mask(c, "src_mask"), srcKeyPaddingMask: mask(c, "src_key_padding_mask"))
            assertClose(out, Fixtures.tensor(c["out"]), rtol: 1e-5, atol: 1e-5, name)
            out.mul(Fixtures.tensor(c["grad_out"])).sum().backward()
            assertClose(src.grad ?? Tensor([0.0]), Fixtures.tensor(c["grad_src"]), rtol: 1e-4, atol: 1e-4, "\(name) dsrc")
            checkGrads(layer, c, name)
        }
    }

    func testEncoderStackMatchesPyTorch() throws {
        let c = sequenceFixtureCase(try Fixtures.cases("Core/nn_seq_transformer.json"), "encoder_2_layers_norm")
        let layer = TransformerEncoderLayer(dModel: 8, nhead: 2, dimFeedforward: 16, dropout: 0)
        let encoder = TransformerEncoder(encoderLayer: layer, numLayers: 2, norm: LayerNorm(8))
        try encoder.loadStateDict(sequenceFixtureState(c["state"]))
        encoder.eval()
        let src = Fixtures.tensor(c["src"]).requiresGrad_()
        let out = encoder(
            src, mask: Transformer.generateSquareSubsequentMask(5), srcKeyPaddingMask: mask(c, "src_key_padding_mask"))
        assertClose(out, Fixtures.tensor(c["out"]), rtol: 1e-5, atol: 1e-5, "encoder")
        out.mul(Fixtures.tensor(c["grad_out"])).sum().backward()
        assertClose(src.grad ?? Tensor([0.0]), Fixtures.tensor(c["grad_src"]), rtol: 1e-4, atol: 1e-4, "encoder dsrc")
        checkGrads(encoder, c, "encoder")
    }

    func testDecoderLayerMatchesPyTorch() throws {
        let cases = try Fixtures.cases("Core/nn_seq_transformer.json").filter { $0["kind"] as? String == "decoder_layer" }
        XCTAssertEqual(cases.count, 2)
        for c in cases {
            let name = c["name"] as! String
            let layer = TransformerDecoderLayer(
                dModel: 8, nhead: 2, dimFeedforward: 16, activation: .gelu, batchFirst: true, normFirst: c["norm_first"] as! Bool)
            try layer.loadStateDict(sequenceFixtureState(c["state"]))
            layer.eval()
            let tgt = Fixtures.tensor(c["tgt"]).requiresGrad_()
            let memory = Fixtures.tensor(c["memory"]).requiresGrad_()
            let out = layer(
                tgt, memory: memory, tgtMask: mask(c, "tgt_mask"), memoryMask: mask(c, "memory_mask"),
                tgtKeyPaddingMask: mask(c, "tgt_key_padding_mask"), memoryKeyPaddingMask: mask(c, "memory_key_padding_mask"))
            assertClose(out, Fixtures.tensor(c["out"]), rtol: 1e-5, atol: 1e-5, name)
            out.mul(Fixtures.tensor(c["grad_out"])).sum().backward()
            assertClose(tgt.grad ?? Tensor([0.0]), Fixtures.tensor(c["grad_tgt"]), rtol: 1e-4, atol: 1e-4, "\(name) dtgt")
            assertClose(memory.grad ?? Tensor([0.0]), Fixtures.tensor(c["grad_memory"]), rtol: 1e-4, atol: 1e-4, "\(name) dmem")
            checkGrads(layer, c, name)
        }
    }

    func testDecoderStackWithCausalHintMatchesPyTorch() throws {
        let c = sequenceFixtureCase(try Fixtures.cases("Core/nn_seq_transformer.json"), "decoder_2_layers_causal")
        let decoder = TransformerDecoder(
            decoderLayer: TransformerDecoderLayer(dModel: 8, nhead: 2, dimFeedforward: 16), numLayers: 2, norm: LayerNorm(8))
        try decoder.loadStateDict(sequenceFixtureState(c["state"]))
        decoder.eval()
        let tgt = Fixtures.tensor(c["tgt"]).requiresGrad_()
        let memory = Fixtures.tensor(c["memory"]).requiresGrad_()
        let out = decoder(tgt, memory: memory, tgtMask: Transformer.generateSquareSubsequentMask(4), tgtIsCausal: true)
        assertClose(out, Fixtures.tensor(c["out"]), rtol: 1e-5, atol: 1e-5, "decoder")
        out.mul(Fixtures.tensor(c["grad_out"])).sum().backward()
        assertClose(tgt.grad ?? Tensor([0.0]), Fixtures.tensor(c["grad_tgt"]), rtol: 1e-4, atol: 1e-4, "decoder dtgt")
        assertClose(memory.grad ?? Tensor([0.0]), Fixtures.tensor(c["grad_memory"]), rtol: 1e-4, atol: 1e-4, "decoder dmem")
        checkGrads(decoder, c, "decoder")
    }

    func testTransformerModelMatchesPyTorch() throws {
        let c = sequenceFixtureCase(try Fixtures.cases("Core/nn_seq_transformer.json"), "transformer")
        let model = Transformer(
            dModel: 8, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 1, dimFeedforward: 16, batchFirst: true)
        try model.loadStateDict(sequenceFixtureState(c["state"]))
        model.eval()
        let out = model(
            Fixtures.tensor(c["src"]), Fixtures.tensor(c["tgt"]), tgtMask: Transformer.generateSquareSubsequentMask(3),
            srcKeyPaddingMask: mask(c, "src_key_padding_mask"))
        assertClose(out, Fixtures.tensor(c["out"]), rtol: 1e-5, atol: 1e-5, "transformer")
    }

    func testKeysOrderAndDefaultInitMatchPyTorch() throws {
        // Same seed, same draws in the same order (copies of layers draw nothing): PyTorch's
        // numbers and keys in PyTorch's order (atol 1e-7 for float32 rounding of the bounds).
        let cases = try Fixtures.cases("Core/nn_seq_transformer.json")
        let makers: [(String, () -> Module)] = [
            ("init_encoder_layer", { TransformerEncoderLayer(dModel: 8, nhead: 2, dimFeedforward: 16) }),
            ("init_decoder_layer", { TransformerDecoderLayer(dModel: 8, nhead: 2, dimFeedforward: 16) }),
            ("init_encoder", {
                TransformerEncoder(encoderLayer: TransformerEncoderLayer(dModel: 8, nhead: 2, dimFeedforward: 16), numLayers: 2)
            }),
            ("init_transformer", {
                Transformer(dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16)
            }),
        ]
        for (name, make) in makers {
            Random.manualSeed(0)
            let module = make()
            let c = sequenceFixtureCase(cases, name)
            let expectedKeys = (c["state"] as! [String: Any]).keys
            let state = module.stateDict()
            XCTAssertEqual(Set(state.keys), Set(expectedKeys), name)
            let expected = sequenceFixtureState(c["state"])
            for (key, tensor) in state.entries {
                guard let reference = expected[key] else { continue }
                assertClose(tensor, reference, rtol: 0, atol: 1e-7, "\(name) \(key)")
            }
        }
    }

    func testStackLayersAreIndependentCopies() {
        let layer = TransformerEncoderLayer(dModel: 8, nhead: 2, dimFeedforward: 16)
        let encoder = TransformerEncoder(encoderLayer: layer, numLayers: 2)
        let w0 = encoder.layers[0].linear1.weight, w1 = encoder.layers[1].linear1.weight
        XCTAssertTrue(w0.equal(layer.linear1.weight))
        XCTAssertFalse(w0.isSameTensor(w1))
        withNoGrad { _ = w0.add_(1) }
        XCTAssertFalse(w0.equal(w1))
        XCTAssertEqual(encoder.stateDict().keys.first, "layers.0.self_attn.in_proj_weight")
        XCTAssertEqual(encoder.parameters().count, 24)
        XCTAssertTrue(encoder.description.contains("(layers.1): TransformerEncoderLayer("), encoder.description)
        XCTAssertTrue(encoder.description.contains("(self_attn): MultiheadAttention("), encoder.description)
    }

    func testSquareSubsequentMask() {
        let m = Transformer.generateSquareSubsequentMask(3)
        let inf = Float.infinity
        XCTAssertEqual(m.toArray(Float.self), [0, -inf, -inf, 0, 0, -inf, 0, 0, 0])
        XCTAssertTrue(TransformerMasks.detectIsCausal(m, isCausal: nil))
        XCTAssertFalse(TransformerMasks.detectIsCausal(Tensor.zeros([3, 3]), isCausal: nil))
    }

    /// The example of Docs/Core.md ("Attention, Transformers and RNNs"), run as written.
    func testGuideExample() {
        Random.manualSeed(0)
        let layer = TransformerEncoderLayer(dModel: 32, nhead: 4, dimFeedforward: 64, batchFirst: true)
        let encoder = TransformerEncoder(encoderLayer: layer, numLayers: 2).eval()
        let tokens = Tensor.randn([2, 10, 32])
        let padding = Tensor.arange(10).unsqueeze(0).ge(Tensor([10, 7]).unsqueeze(1))  // [2, 10], true = padded
        let encoded = encoder(tokens, srcKeyPaddingMask: padding)
        XCTAssertEqual(encoded.shape, [2, 10, 32])

        let lstm = LSTM(inputSize: 32, hiddenSize: 16, numLayers: 2, batchFirst: true, bidirectional: true)
        let (output, (h, c)) = lstm(encoded, lengths: [10, 7])
        XCTAssertEqual(output.shape, [2, 10, 32])
        XCTAssertEqual(h.shape, [4, 2, 16])
        XCTAssertEqual(c.shape, [4, 2, 16])
        XCTAssertEqual(output[1, 7...].abs().sum().item(Float.self), 0)
    }
}
