import XCTest
@testable import Ember

/// Max, average and adaptive pooling against PyTorch (`Scripts/fixtures/core_nn_conv.py`), and
/// float64 gradient checks.
final class PoolingTests: XCTestCase {
    static func ints(_ c: [String: Any], _ key: String) -> IntOrTuple? {
        if let list = c[key] as? [Int] { return IntOrTuple(list) }
        return (c[key] as? Int).map { IntOrTuple($0) }
    }

    /// Runs a fixture case; returns the output and, for max pooling, the indices.
    static func run(_ c: [String: Any], _ x: Tensor) -> (Tensor, Tensor?) {
        let op = c["op"] as! String
        let k = ints(c, "kernel_size") ?? 1, s = ints(c, "stride"), p = ints(c, "padding") ?? 0
        let d = ints(c, "dilation") ?? 1, ceil = (c["ceil_mode"] as? Bool) ?? false
        let include = (c["count_include_pad"] as? Bool) ?? true, divisor = c["divisor_override"] as? Int
        let size = ints(c, "output_size") ?? 1
        switch op {
        case "max_pool1d":
            let r = Functional.maxPool1dWithIndices(x, kernelSize: k, stride: s, padding: p, dilation: d, ceilMode: ceil)
            return (r.output, r.indices)
        case "max_pool2d":
            let r = Functional.maxPool2dWithIndices(x, kernelSize: k, stride: s, padding: p, dilation: d, ceilMode: ceil)
            return (r.output, r.indices)
        case "max_pool3d":
            let r = Functional.maxPool3dWithIndices(x, kernelSize: k, stride: s, padding: p, dilation: d, ceilMode: ceil)
            return (r.output, r.indices)
        case "avg_pool1d":
            return (Functional.avgPool1d(x, kernelSize: k, stride: s, padding: p, ceilMode: ceil, countIncludePad: include), nil)
        case "avg_pool2d":
            return (
                Functional.avgPool2d(
                    x, kernelSize: k, stride: s, padding: p, ceilMode: ceil, countIncludePad: include, divisorOverride: divisor), nil
            )
        case "avg_pool3d":
            return (
                Functional.avgPool3d(
                    x, kernelSize: k, stride: s, padding: p, ceilMode: ceil, countIncludePad: include, divisorOverride: divisor), nil
            )
        case "adaptive_avg_pool1d": return (Functional.adaptiveAvgPool1d(x, outputSize: size), nil)
        case "adaptive_avg_pool2d": return (Functional.adaptiveAvgPool2d(x, outputSize: size), nil)
        case "adaptive_avg_pool3d": return (Functional.adaptiveAvgPool3d(x, outputSize: size), nil)
        case "adaptive_max_pool1d":
            let r = Functional.adaptiveMaxPool1dWithIndices(x, outputSize: size)
            return (r.output, r.indices)
        case "adaptive_max_pool2d":
            let r = Functional.adaptiveMaxPool2dWithIndices(x, outputSize: size)
            return (r.output, r.indices)
        default:
            let r = Functional.adaptiveMaxPool3dWithIndices(x, outputSize: size)
            return (r.output, r.indices)
        }
    }

    /// Max pooling selects elements: outputs and indices are exact. Averages are float32 sums
    /// of at most 12 terms divided once (rtol/atol 1e-6 for the different order of the sum);
    /// max gradients add up to four upstream values where windows overlap (atol 1e-6).
    func testAgainstPyTorch() throws {
        for c in try Fixtures.cases("Core/nn_conv_pool.json") {
            let name = c["name"] as! String, op = c["op"] as! String
            let x = Fixtures.tensor(c["input"]).requiresGrad_()
            let (out, indices) = Self.run(c, x)
            let exact = op.contains("max")
            assertClose(out, Fixtures.tensor(c["out"]), rtol: exact ? 0 : 1e-6, atol: exact ? 0 : 1e-6, name)
            if let expected = c["indices"] {
                XCTAssertEqual(indices?.toArray(Int64.self), Fixtures.tensor(expected).toArray(Int64.self), name)
            }
            guard let grad = c["grad"] else { continue }
            out.backward(Fixtures.tensor(grad))
            assertClose(x.grad!, Fixtures.tensor(c["grad_input"]), rtol: 1e-6, atol: 1e-6, "\(name) grad")
        }
    }

    private func randn(_ shape: [Int], _ seed: UInt64) -> Tensor {
        Tensor.randn(shape, dtype: .float64, generator: Generator().manualSeed(seed)).requiresGrad_()
    }

    func testGradcheck() throws {
        let x1 = randn([2, 2, 9], 1), x2 = randn([1, 2, 6, 5], 2), x3 = randn([1, 1, 4, 3, 5], 3)
        try gradcheck(inputs: [x1]) { Functional.maxPool1d($0[0], kernelSize: 3, stride: 2, padding: 1, dilation: 1, ceilMode: true) }
        try gradcheck(inputs: [x2]) { Functional.maxPool2d($0[0], kernelSize: [2, 3], stride: 1, padding: 1, dilation: [2, 1]) }
        try gradcheck(inputs: [x3]) { Functional.maxPool3d($0[0], kernelSize: 2, stride: 1) }
        try gradcheck(inputs: [x1]) { Functional.avgPool1d($0[0], kernelSize: 4, stride: 3, padding: 2, ceilMode: true, countIncludePad: false) }
        try gradcheck(inputs: [x2]) { Functional.avgPool2d($0[0], kernelSize: 3, stride: 2, padding: 1, divisorOverride: 5) }
        try gradcheck(inputs: [x3]) { Functional.avgPool3d($0[0], kernelSize: [2, 2, 3], stride: 2, padding: 1, countIncludePad: false) }
        try gradcheck(inputs: [x1]) { Functional.adaptiveAvgPool1d($0[0], outputSize: 4) }
        try gradcheck(inputs: [x2]) { Functional.adaptiveAvgPool2d($0[0], outputSize: [4, 3]) }
        try gradcheck(inputs: [x3]) { Functional.adaptiveAvgPool3d($0[0], outputSize: [3, 2, 2]) }
        try gradcheck(inputs: [x1]) { Functional.adaptiveMaxPool1d($0[0], outputSize: 5) }
        try gradcheck(inputs: [x2]) { Functional.adaptiveMaxPool2d($0[0], outputSize: [4, 3]) }
        try gradcheck(inputs: [x3]) { Functional.adaptiveMaxPool3d($0[0], outputSize: 2) }
    }

    /// Second derivatives: the scatter of max pooling's backward gathers in its own backward;
    /// average pooling's adjoint pools.
    func testGradgradcheck() throws {
        let x = randn([1, 2, 5, 5], 4)
        try gradgradcheck(inputs: [x], generator: Generator().manualSeed(5 as Int64)) {
            Functional.maxPool2d($0[0], kernelSize: 2, stride: 1)
        }
        try gradgradcheck(inputs: [x], generator: Generator().manualSeed(6 as Int64)) {
            Functional.avgPool2d($0[0], kernelSize: 3, stride: 2, padding: 1, countIncludePad: false)
        }
    }

    /// float32 2-d max pooling runs a vectorised C kernel (8 outputs at a time, loads for
    /// strides 1 and 2, gathers otherwise); float64 runs the generic Swift loop. Both must pick
    /// the same elements, NaN and -inf windows included, on rows wide enough for the vector path.
    func testVectorisedMaxMatchesGenericKernel() {
        let g = Generator().manualSeed(9 as Int64)
        let x = Tensor.randn([2, 3, 29, 53], generator: g)
        x[0, 0, 3, 10] = Tensor(scalar: Float.nan)
        x[1, 2, 7, 20] = Tensor(scalar: Float.nan)
        x[1, 2, 7, 21] = Tensor(scalar: Float.nan)
        x[0, 1, 0..<4, 0..<30] = Tensor.full([4, 30], .double(-.infinity))
        let configs: [(IntOrTuple, IntOrTuple, IntOrTuple, IntOrTuple, Bool)] = [
            (2, 2, 0, 1, false), (3, 2, 1, 1, true), (3, 1, 1, 1, false), ([2, 3], [1, 3], [1, 1], [2, 1], false),
            (3, 2, 1, 2, true), ([1, 4], [2, 1], 0, [1, 3], false), (3, 3, 0, 1, false), ([2, 3], [1, 2], 0, [2, 1], false),
            (2, 2, 0, 1, true),
        ]
        for (k, s, p, d, ceil) in configs {
            let fast = Functional.maxPool2dWithIndices(x, kernelSize: k, stride: s, padding: p, dilation: d, ceilMode: ceil)
            let reference = Functional.maxPool2dWithIndices(
                x.double(), kernelSize: k, stride: s, padding: p, dilation: d, ceilMode: ceil)
            assertClose(fast.output, reference.output.float(), "k=\(k) s=\(s) p=\(p) d=\(d)")
            XCTAssertEqual(fast.indices.toArray(Int64.self), reference.indices.toArray(Int64.self), "k=\(k) s=\(s) p=\(p) d=\(d)")
        }
        let row = Tensor.randn([4, 1, 70], generator: g)
        let fast1 = Functional.maxPool1dWithIndices(row, kernelSize: 3, stride: 2, padding: 1)
        let reference1 = Functional.maxPool1dWithIndices(row.double(), kernelSize: 3, stride: 2, padding: 1)
        XCTAssertEqual(fast1.indices.toArray(Int64.self), reference1.indices.toArray(Int64.self))
    }

    func testHalfAndShapes() {
        let x = Tensor.randn([2, 3, 8, 8])
        let half = Functional.maxPool2d(x.half(), kernelSize: 2)
        XCTAssertEqual(half.dtype, .float16)
        XCTAssertEqual(half.shape, [2, 3, 4, 4])
        assertClose(half.float(), Functional.maxPool2d(x.half().float(), kernelSize: 2))
        XCTAssertEqual(Functional.avgPool2d(x.bfloat16(), kernelSize: 3, stride: 2).shape, [2, 3, 3, 3])
        // ceil mode: the last window must start inside the input or its left padding.
        XCTAssertEqual(Functional.maxPool1d(Tensor.zeros([1, 1, 5]), kernelSize: 2, stride: 2, ceilMode: true).shape, [1, 1, 3])
        XCTAssertEqual(Functional.maxPool1d(Tensor.zeros([1, 1, 4]), kernelSize: 2, stride: 2, padding: 1, ceilMode: true).shape, [1, 1, 3])
    }
}
