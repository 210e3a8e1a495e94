import XCTest
@testable import Ember

/// `Functional.interpolate` against PyTorch (`Scripts/fixtures/core_nn_conv.py`): every mode,
/// sizes vs scale factors, align_corners; float64 gradient checks.
final class InterpolationTests: XCTestCase {
    static func run(_ c: [String: Any], _ x: Tensor) -> Tensor {
        var size: IntOrTuple?
        if let list = c["size"] as? [Int] { size = IntOrTuple(list) } else if let n = c["size"] as? Int { size = IntOrTuple(n) }
        var scale: ScaleFactor?
        if let list = c["scale_factor"] as? [Any] {
            scale = ScaleFactor(list.map { ($0 as! NSNumber).doubleValue })
        } else if let value = c["scale_factor"] as? NSNumber {
            scale = ScaleFactor([value.doubleValue])
        }
        let mode = InterpolationMode(rawValue: (c["mode"] as? String) ?? "nearest")!
        return Functional.interpolate(
            x, size: size, scaleFactor: scale, mode: mode, alignCorners: c["align_corners"] as? Bool,
            recomputeScaleFactor: c["recompute_scale_factor"] as? Bool)
    }

    /// Nearest modes copy elements, so they must match exactly: this checks PyTorch's
    /// float32 source-index rules, including a given scale factor against the size ratio.
    /// Linear and cubic modes: the weights are computed with PyTorch's roundings; sums of
    /// 2 to 16 float32 products may differ by a few ulps (rtol 1e-5, atol 1e-6).
    func testAgainstPyTorch() throws {
        for c in try Fixtures.cases("Core/nn_conv_interpolate.json") {
            let name = c["name"] as! String
            let mode = (c["mode"] as? String) ?? "nearest"
            let exact = mode.hasPrefix("nearest")
            let x = Fixtures.tensor(c["input"]).requiresGrad_()
            let out = Self.run(c, x)
            assertClose(out, Fixtures.tensor(c["out"]), rtol: exact ? 0 : 1e-5, atol: exact ? 0 : 1e-6, name)
            out.backward(Fixtures.tensor(c["grad"]))
            assertClose(x.grad!, Fixtures.tensor(c["grad_input"]), rtol: 1e-5, atol: 1e-6, "\(name) grad")
        }
    }

    func testGradcheck() throws {
        func randn(_ shape: [Int], _ seed: UInt64) -> Tensor {
            Tensor.randn(shape, dtype: .float64, generator: Generator().manualSeed(seed)).requiresGrad_()
        }
        let x1 = randn([1, 2, 5], 1), x2 = randn([1, 1, 4, 3], 2), x3 = randn([1, 1, 2, 3, 2], 3)
        try gradcheck(inputs: [x1]) { Functional.interpolate($0[0], size: 7, mode: .linear) }
        try gradcheck(inputs: [x1]) { Functional.interpolate($0[0], scaleFactor: 0.7, mode: .linear, alignCorners: true) }
        try gradcheck(inputs: [x1]) { Functional.interpolate($0[0], scaleFactor: 1.6, mode: .nearest) }
        try gradcheck(inputs: [x2]) { Functional.interpolate($0[0], size: [6, 5], mode: .bilinear) }
        try gradcheck(inputs: [x2]) { Functional.interpolate($0[0], size: [3, 5], mode: .bicubic, alignCorners: true) }
        try gradcheck(inputs: [x2]) { Functional.interpolate($0[0], scaleFactor: [1.5, 2], mode: .bicubic) }
        try gradcheck(inputs: [x2]) { Functional.interpolate($0[0], size: [5, 2], mode: .nearestExact) }
        try gradcheck(inputs: [x2]) { Functional.interpolate($0[0], size: [3, 2], mode: .area) }
        try gradcheck(inputs: [x3]) { Functional.interpolate($0[0], size: [3, 2, 4], mode: .trilinear) }
        try gradgradcheck(inputs: [x2], generator: Generator().manualSeed(4 as Int64)) {
            Functional.interpolate($0[0], size: [5, 4], mode: .bilinear)
        }
    }

    func testDTypes() {
        let bytes = Tensor([1, 2, 3, 4], dtype: .uint8).reshape(1, 1, 2, 2)
        let up = Functional.interpolate(bytes, scaleFactor: 2)
        XCTAssertEqual(up.dtype, .uint8)
        XCTAssertEqual(up.toArray(UInt8.self), [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
        let x = Tensor.randn([1, 2, 3, 3])
        let half = Functional.interpolate(x.half(), size: [5, 5], mode: .bilinear)
        XCTAssertEqual(half.dtype, .float16)
        assertClose(half.float(), Functional.interpolate(x.half().float(), size: [5, 5], mode: .bilinear), rtol: 1e-2, atol: 1e-2)
    }
}
