import XCTest
@testable import Ember

/// Each layer's forward output, input gradients and parameter gradients against PyTorch
/// (`Tests/Fixtures/Core/nn_layers.json`, from `Scripts/fixtures/core_nn_layers.py`). The
/// parameters come from the fixture through `loadStateDict`, so these tests do not depend
/// on initialisation (`InitTests` covers it).
///
/// Tolerances: float32 forward outputs within rtol 1e-5 / atol 1e-6 (reductions run in a
/// different order, and Ember accumulates statistics in float64 where PyTorch uses float);
/// gradients within rtol 1e-4 / atol 1e-5, since the backward of a normalisation subtracts
/// nearly equal terms, which loses a few more bits on either side.
final class LayersTests: XCTestCase {
    private static let forwardTolerance = (rtol: 1e-5, atol: 1e-6)
    private static let gradientTolerance = (rtol: 1e-4, atol: 1e-5)

    private typealias Forward = ([Tensor]) -> Tensor

    /// The Swift layer for each fixture case, and how to call it.
    private func layer(_ name: String) -> (Module, Forward)? {
        func unary(_ module: any UnaryLayer) -> (Module, Forward) { (module, { module($0[0]) }) }
        switch name {
        case "linear": return unary(Linear(inFeatures: 4, outFeatures: 3))
        case "linear_nobias": return unary(Linear(inFeatures: 4, outFeatures: 3, bias: false))
        case "bilinear":
            let module = Bilinear(in1Features: 3, in2Features: 2, outFeatures: 4)
            return (module, { module($0[0], $0[1]) })
        case "embedding_padding": return unary(Embedding(numEmbeddings: 6, embeddingDim: 3, paddingIdx: 1))
        case "embedding_max_norm": return unary(Embedding(numEmbeddings: 5, embeddingDim: 3, maxNorm: 1))
        case "layernorm": return unary(LayerNorm(4))
        case "layernorm_2d_nobias": return unary(LayerNorm(normalizedShape: [3, 4], bias: false))
        case "layernorm_no_affine": return unary(LayerNorm(5, elementwiseAffine: false))
        case "groupnorm": return unary(GroupNorm(numGroups: 2, numChannels: 4))
        case "groupnorm_no_affine": return unary(GroupNorm(numGroups: 3, numChannels: 6, eps: 1e-3, affine: false))
        case "rmsnorm": return unary(RMSNorm(4))
        case "rmsnorm_eps": return unary(RMSNorm(normalizedShape: [2, 4], eps: 1e-3))
        case "relu": return unary(ReLU())
        case "relu6": return unary(ReLU6())
        case "gelu": return unary(GELU())
        case "gelu_tanh": return unary(GELU(approximate: .tanh))
        case "silu": return unary(SiLU())
        case "sigmoid": return unary(Sigmoid())
        case "tanh": return unary(Tanh())
        case "softplus": return unary(Softplus(beta: 2, threshold: 5))
        case "elu": return unary(ELU(alpha: 0.7))
        case "selu": return unary(SELU())
        case "celu": return unary(CELU(alpha: 1.3))
        case "leaky_relu": return unary(LeakyReLU(negativeSlope: 0.2))
        case "hardswish": return unary(Hardswish())
        case "hardsigmoid": return unary(Hardsigmoid())
        case "hardtanh": return unary(Hardtanh(minVal: -2, maxVal: 1.5))
        case "mish": return unary(Mish())
        case "logsigmoid": return unary(LogSigmoid())
        case "softsign": return unary(Softsign())
        case "tanhshrink": return unary(Tanhshrink())
        case "hardshrink": return unary(Hardshrink(lambda: 0.7))
        case "softshrink": return unary(Softshrink(lambda: 0.7))
        case "threshold": return unary(Threshold(threshold: 0.5, value: -1))
        case "glu": return unary(GLU())
        case "softmax": return unary(Softmax(dim: 1))
        case "log_softmax": return unary(LogSoftmax(dim: -1))
        case "softmin": return unary(Softmin(dim: 0))
        case "prelu_shared": return unary(PReLU())
        case "prelu_channels": return unary(PReLU(numParameters: 3))
        case "mlp": return unary(Sequential(Linear(inFeatures: 4, outFeatures: 8), ReLU(), Linear(inFeatures: 8, outFeatures: 2)))
        case "batchnorm1d": return unary(BatchNorm1d(numFeatures: 3))
        case "batchnorm1d_3d": return unary(BatchNorm1d(numFeatures: 3, momentum: 0.3))
        case "batchnorm2d_cumulative": return unary(BatchNorm2d(numFeatures: 3, momentum: nil))
        case "batchnorm2d_untracked": return unary(BatchNorm2d(numFeatures: 3, affine: false, trackRunningStats: false))
        case "instancenorm2d": return unary(InstanceNorm2d(numFeatures: 3))
        case "instancenorm2d_tracked": return unary(InstanceNorm2d(numFeatures: 3, affine: true, trackRunningStats: true))
        default: return nil
        }
    }

    private func tensors(_ value: Any?) -> [String: Tensor] {
        (value as? [String: Any] ?? [:]).mapValues { Fixtures.tensor($0) }
    }

    /// Runs `out.backward(g)` and compares the input and parameter gradients, or fails with a
    /// message when the output has no graph (a primitive without backward).
    private func checkGradients(
        _ name: String, output: Tensor, gradOutput: Tensor, inputs: [Tensor], expectedInputGrads: [Any],
        module: Module, expectedParamGrads: [String: Tensor]
    ) {
        guard output.requiresGrad else {
            XCTFail("\(name): the output has no autograd graph (a primitive op it uses records no backward)")
            return
        }
        output.backward(gradOutput)
        let tolerance = Self.gradientTolerance
        for (index, expected) in expectedInputGrads.enumerated() where !(expected is NSNull) {
            guard let grad = inputs[index].grad else {
                XCTFail("\(name): input \(index) received no gradient")
                continue
            }
            assertClose(grad, Fixtures.tensor(expected), rtol: tolerance.rtol, atol: tolerance.atol, "\(name) input \(index) grad")
        }
        let parameters = Dictionary(uniqueKeysWithValues: module.namedParameters().map { ($0.name, $0.tensor) })
        XCTAssertEqual(Set(parameters.keys), Set(expectedParamGrads.keys), "\(name): parameters with gradients")
        for (key, expected) in expectedParamGrads {
            guard let grad = parameters[key]?.grad else {
                XCTFail("\(name): parameter \(key) received no gradient")
                continue
            }
            assertClose(grad, expected, rtol: tolerance.rtol, atol: tolerance.atol, "\(name) \(key) grad")
        }
    }

    func testForwardAndBackwardMatchPyTorch() throws {
        var checked = 0
        for fixture in try Fixtures.cases("Core/nn_layers.json") where fixture["output"] != nil {
            let name = fixture["name"] as! String
            guard let (module, forward) = layer(name) else {
                XCTFail("no Swift layer for fixture case \(name)")
                continue
            }
            try module.loadStateDict(tensors(fixture["params"]))
            let inputs = (fixture["inputs"] as! [Any]).map { value -> Tensor in
                let tensor = Fixtures.tensor(value)
                return tensor.dtype.isFloatingPoint ? tensor.requiresGrad_() : tensor
            }
            let output = forward(inputs)
            let tolerance = Self.forwardTolerance
            assertClose(output, Fixtures.tensor(fixture["output"]), rtol: tolerance.rtol, atol: tolerance.atol, "\(name) output")
            if let after = fixture["weight_after"] {
                assertClose(module.parameter(named: "weight")!, Fixtures.tensor(after), rtol: 1e-6, atol: 1e-7, "\(name) renormed weight")
            }
            checkGradients(
                name, output: output, gradOutput: Fixtures.tensor(fixture["grad_output"]), inputs: inputs,
                expectedInputGrads: fixture["input_grads"] as! [Any], module: module,
                expectedParamGrads: tensors(fixture["param_grads"]))
            checked += 1
        }
        XCTAssertEqual(checked, 41)
    }

    /// Batch and instance norm: two training steps (outputs, running statistics, the first
    /// step's gradients), then the evaluation output.
    func testNormalizationTrainingStepsAndEvaluation() throws {
        var checked = 0
        for fixture in try Fixtures.cases("Core/nn_layers.json") where fixture["outputs"] != nil {
            let name = fixture["name"] as! String
            guard let (module, forward) = layer(name) else {
                XCTFail("no Swift layer for fixture case \(name)")
                continue
            }
            try module.loadStateDict(tensors(fixture["params"]))
            let inputs = (fixture["inputs"] as! [Any]).map { Fixtures.tensor($0) }
            let outputs = (fixture["outputs"] as! [Any]).map { Fixtures.tensor($0) }
            let tolerance = Self.forwardTolerance
            func checkState(_ expected: Any?, _ step: String) {
                let state = module.stateDict()
                let expected = tensors(expected)
                XCTAssertEqual(Set(state.keys), Set(expected.keys), "\(name) state keys")
                for (key, tensor) in state {
                    guard let want = expected[key] else { continue }
                    // Running statistics are updated in float64 and rounded once, as PyTorch does.
                    assertClose(tensor, want, rtol: 1e-6, atol: 1e-7, "\(name) \(key) after \(step)")
                }
            }

            module.train()
            let x1 = inputs[0].requiresGrad_()
            let out1 = forward([x1])
            assertClose(out1, outputs[0], rtol: tolerance.rtol, atol: tolerance.atol, "\(name) step 1")
            checkState(fixture["state_after_step1"], "step 1")
            checkGradients(
                name, output: out1, gradOutput: Fixtures.tensor(fixture["grad_output"]), inputs: [x1],
                expectedInputGrads: fixture["input_grads"] as! [Any], module: module,
                expectedParamGrads: tensors(fixture["param_grads"]))
            assertClose(forward([inputs[1]]), outputs[1], rtol: tolerance.rtol, atol: tolerance.atol, "\(name) step 2")
            checkState(fixture["state_after_step2"], "step 2")
            module.eval()
            let evaluated = withNoGrad { forward([inputs[2]]) }
            assertClose(evaluated, outputs[2], rtol: tolerance.rtol, atol: tolerance.atol, "\(name) eval")
            checked += 1
        }
        XCTAssertEqual(checked, 6)
    }

    /// Masks drawn from the same seed as PyTorch (on CPUs where PyTorch uses its own
    /// generator for bernoulli_, see the generator script), and the gradient is the mask.
    func testDropoutMasksMatchPyTorch() throws {
        let fixture = try XCTUnwrap(try Fixtures.cases("Core/nn_layers.json").first { $0["name"] as? String == "dropout_masks" })
        let layers: [String: any UnaryLayer] = [
            "dropout": Dropout(p: 0.3), "dropout2d": Dropout2d(p: 0.5), "dropout1d": Dropout1d(p: 0.25),
        ]
        for entry in fixture["cases"] as! [[String: Any]] {
            let name = entry["name"] as! String
            let input = Fixtures.tensor(entry["input"]).requiresGrad_()
            Random.manualSeed(7)
            let output = layers[name]!(input)
            // The mask is 0 or 1/(1-p) in float32, times integers: exact.
            assertClose(output, Fixtures.tensor(entry["output"]), name)
            guard output.requiresGrad else {
                XCTFail("\(name): no autograd graph")
                continue
            }
            output.backward(Tensor.onesLike(output))
            assertClose(input.grad!, Fixtures.tensor(entry["input_grad"]), "\(name) grad")
        }
    }
}
