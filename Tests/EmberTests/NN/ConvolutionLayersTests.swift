import XCTest
@testable import Ember

/// The convolution, pooling, upsampling, padding and fold layers against PyTorch
/// (`Scripts/fixtures/core_nn_conv.py`): default initialisation under a seed, printed form,
/// forward with each padding mode, parameter names.
final class ConvolutionLayersTests: XCTestCase {
    /// PyTorch's default init draws kaiming_uniform_(a=√5) for the weight, then the bias, from
    /// the default generator. The bounds are computed in double as in Python; the draws are
    /// PyTorch's float32 uniforms (rtol 1e-6 covers the float rounding of `from + (to-from)·u`).
    func testDefaultInitialisationMatchesPyTorch() throws {
        let cases = try Fixtures.cases("Core/nn_conv_init.json")
        let makers: [String: () -> ConvolutionLayer] = [
            "Conv1d": { Conv1d(inChannels: 3, outChannels: 4, kernelSize: 3) },
            "Conv2d": { Conv2d(inChannels: 4, outChannels: 6, kernelSize: [3, 2], groups: 2) },
            "Conv3d": { Conv3d(inChannels: 2, outChannels: 3, kernelSize: 2) },
            "ConvTranspose1d": { ConvTranspose1d(inChannels: 3, outChannels: 4, kernelSize: 3) },
            "ConvTranspose2d": { ConvTranspose2d(inChannels: 4, outChannels: 6, kernelSize: 3, groups: 2) },
        ]
        XCTAssertEqual(cases.count, makers.count)
        for c in cases {
            let name = c["name"] as! String
            Random.manualSeed(7)
            let layer = makers[name]!()
            assertClose(layer.weight, Fixtures.tensor(c["weight"]), rtol: 1e-6, atol: 1e-7, "\(name) weight")
            assertClose(layer.bias!, Fixtures.tensor(c["bias"]), rtol: 1e-6, atol: 1e-7, "\(name) bias")
            XCTAssertEqual(layer.namedParameters().map(\.name), ["weight", "bias"])
            XCTAssertTrue(layer.weight.requiresGrad)
        }
    }

    static func make(_ name: String) -> (Module, (Tensor) -> Tensor) {
        func unary<L: UnaryLayer>(_ layer: L) -> (Module, (Tensor) -> Tensor) { (layer, { layer($0) }) }
        switch name {
        case "Conv2d": return unary(Conv2d(inChannels: 3, outChannels: 4, kernelSize: 3, padding: 1))
        case "Conv2d_reflect":
            return unary(Conv2d(inChannels: 2, outChannels: 3, kernelSize: [3, 2], padding: [1, 2], paddingMode: .reflect))
        case "Conv2d_replicate_stride":
            return unary(
                Conv2d(inChannels: 2, outChannels: 2, kernelSize: 3, stride: 2, padding: 1, bias: false, paddingMode: .replicate))
        case "Conv1d_circular_same":
            return unary(Conv1d(inChannels: 2, outChannels: 3, kernelSize: 4, padding: .same, paddingMode: .circular))
        case "Conv3d_groups_dil":
            return unary(Conv3d(inChannels: 4, outChannels: 2, kernelSize: 2, dilation: [1, 2, 1], groups: 2))
        case "Conv2d_same_unbatched":
            return unary(Conv2d(inChannels: 2, outChannels: 2, kernelSize: 4, padding: .same, dilation: 2))
        case "ConvTranspose2d":
            return unary(ConvTranspose2d(inChannels: 3, outChannels: 2, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1))
        case "ConvTranspose1d_groups":
            return unary(ConvTranspose1d(inChannels: 4, outChannels: 2, kernelSize: 3, groups: 2, bias: false, dilation: 2))
        case "MaxPool2d": return unary(MaxPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true))
        case "MaxPool1d": return unary(MaxPool1d(kernelSize: 2, dilation: 2))
        case "AvgPool2d": return unary(AvgPool2d(kernelSize: [2, 3], stride: [1, 2], padding: 1))
        case "AvgPool1d": return unary(AvgPool1d(kernelSize: 3))
        case "AdaptiveAvgPool2d": return unary(AdaptiveAvgPool2d(outputSize: [4, 3]))
        case "AdaptiveMaxPool2d": return unary(AdaptiveMaxPool2d(outputSize: 2))
        case "Upsample": return unary(Upsample(scaleFactor: 2, mode: .bilinear))
        case "Upsample_size": return unary(Upsample(size: [4, 5]))
        case "PixelShuffle": return unary(PixelShuffle(upscaleFactor: 3))
        case "Unfold": return unary(Unfold(kernelSize: [2, 3], padding: 1))
        case "Fold": return unary(Fold(outputSize: [4, 5], kernelSize: 2, stride: 2))
        case "ZeroPad2d": return unary(ZeroPad2d([1, 2, 0, 1]))
        case "ConstantPad1d": return unary(ConstantPad1d(2, value: 3.5))
        case "ReflectionPad2d": return unary(ReflectionPad2d(1))
        case "ReplicationPad3d": return unary(ReplicationPad3d([1, 0, 2, 1, 0, 1]))
        default: return unary(CircularPad1d([1, 2]))
        }
    }

    /// Printed forms are PyTorch's exactly. Forward passes load PyTorch's parameters through
    /// the state dict (so the keys must match) and agree to float32 rounding of sums of at
    /// most 24 products (rtol/atol 1e-5).
    func testLayersAgainstPyTorch() throws {
        for c in try Fixtures.cases("Core/nn_conv_layers.json") {
            let name = c["name"] as! String
            let (module, forward) = Self.make(name)
            XCTAssertEqual("\(module)", c["repr"] as? String, name)
            guard let input = c["input"] else { continue }
            let params = (c["params"] as! [String: Any]).mapValues { Fixtures.tensor($0) }
            try module.loadStateDict(params)
            assertClose(forward(Fixtures.tensor(input)), Fixtures.tensor(c["out"]), rtol: 1e-5, atol: 1e-5, name)
        }
    }

    func testTransposedOutputSizeAndIndices() {
        let up = ConvTranspose2d(inChannels: 2, outChannels: 1, kernelSize: 3, stride: 2, padding: 1)
        let x = Tensor.randn([1, 2, 4, 4])
        XCTAssertEqual(up(x).shape, [1, 1, 7, 7])
        XCTAssertEqual(up(x, outputSize: [8, 8]).shape, [1, 1, 8, 8])
        XCTAssertEqual(up(x, outputSize: [1, 1, 7, 8]).shape, [1, 1, 7, 8])
        let pool = MaxPool2d(kernelSize: 2, returnIndices: true)
        let (values, indices) = pool.forwardWithIndices(Tensor.arange(16).float().reshape(1, 1, 4, 4))
        XCTAssertEqual(values.toArray(Float.self), [5, 7, 13, 15])
        XCTAssertEqual(indices.toArray(Int64.self), [5, 7, 13, 15])
    }

    /// A small CNN trains: conv, pool and linear layers compose and their gradients flow.
    func testTinyCNNLearns() {
        Random.manualSeed(0)
        let conv = Conv2d(inChannels: 1, outChannels: 4, kernelSize: 3, padding: 1)
        let head = Linear(inFeatures: 4 * 4 * 4, outFeatures: 2)
        let x = Tensor.randn([8, 1, 8, 8])
        let target = x.mean(dims: [1, 2, 3]).gt(0).long()
        var first = 0.0, last = 0.0
        for step in 0..<30 {
            let h = Functional.maxPool2d(conv(x).relu(), kernelSize: 2).flatten(startDim: 1)
            let loss = Functional.crossEntropy(head(h), target)
            if step == 0 { first = loss.item(Double.self) }
            last = loss.item(Double.self)
            conv.zeroGrad()
            head.zeroGrad()
            loss.backward()
            withNoGrad {
                for p in conv.parameters() + head.parameters() { p.sub_(p.grad!.mul(0.5)) }
            }
        }
        XCTAssertLessThan(last, first * 0.5)
    }
}
