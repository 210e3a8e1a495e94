import XCTest
@testable import Ember

/// `Functional.pad` against PyTorch (`Scripts/fixtures/core_nn_conv.py`): constant (with
/// cropping), reflect, replicate and circular, 1-3 padded dims; float64 gradient checks.
final class PaddingTests: XCTestCase {
    static func mode(_ c: [String: Any]) -> PaddingMode {
        switch c["mode"] as! String {
        case "reflect": return .reflect
        case "replicate": return .replicate
        case "circular": return .circular
        default: return .constant(Fixtures.double(c["value"] ?? 0))
        }
    }

    /// Padding copies elements: outputs are exact. Gradients of reflect/replicate/circular
    /// add up to four upstream values per element, in a different order than PyTorch's
    /// kernels (atol 1e-6).
    func testAgainstPyTorch() throws {
        for c in try Fixtures.cases("Core/nn_conv_pad.json") {
            let name = c["name"] as! String
            let x = Fixtures.tensor(c["input"]).requiresGrad_()
            let out = Functional.pad(x, c["pad"] as! [Int], mode: Self.mode(c))
            assertClose(out, Fixtures.tensor(c["out"]), name)
            out.backward(Fixtures.tensor(c["grad"]))
            assertClose(x.grad!, Fixtures.tensor(c["grad_input"]), rtol: 1e-6, atol: 1e-6, "\(name) grad")
        }
    }

    func testGradcheck() throws {
        let x = Tensor.randn([1, 2, 3, 4], dtype: .float64, generator: Generator().manualSeed(1 as Int64)).requiresGrad_()
        for mode in [PaddingMode.reflect, .replicate, .circular, .constant(2)] {
            try gradcheck(inputs: [x]) { Functional.pad($0[0], [2, 1, 1, 2], mode: mode) }
        }
        try gradcheck(inputs: [x]) { Functional.pad($0[0], [-1, 2, 0, -1, 1, 1]) }
        try gradgradcheck(inputs: [x], generator: Generator().manualSeed(2 as Int64)) {
            Functional.pad($0[0], [1, 1, 2, 0], mode: .reflect)
        }
    }

    func testOtherDTypes() {
        let x = Tensor([1, 2, 3]).reshape(1, 3)
        XCTAssertEqual(Functional.pad(x, [2, 1], mode: .reflect).toArray(Int64.self), [3, 2, 1, 2, 3, 2])
        XCTAssertEqual(Functional.pad(x, [1, 1], mode: .constant(7)).toArray(Int64.self), [7, 1, 2, 3, 7])
        XCTAssertEqual(Functional.pad(x.half(), [1, 2], mode: .replicate).toArray(Float.self), [1, 1, 2, 3, 3, 3])
    }
}
