import XCTest
@testable import Ember

/// In-place variants, the float32 fast paths against the generic kernels, and the Bool-valued
/// helpers (`equal`, `allclose`). Values here are small exact cases worked out by hand from
/// PyTorch's definitions; tolerances are stated per assertion.
final class ElementwiseInPlaceTests: XCTestCase {
    func testInPlaceOpsWriteThroughViews() {
        let base = Tensor([1.0, -2.0, 3.0, -4.0, 5.0, -6.0], dtype: .float32).view(2, 3)
        let column = base.select(1, 1)  // a strided view: [-2, 5]
        column.abs_()
        XCTAssertEqual(base.toArray(Float.self), [1, 2, 3, -4, 5, -6])  // exact
        base.clamp_(min: -1, max: 4)
        XCTAssertEqual(base.toArray(Float.self), [1, 2, 3, -1, 4, -1])  // exact
        base.maskedFill_(base.lt(0), 0)
        XCTAssertEqual(base.toArray(Float.self), [1, 2, 3, 0, 4, 0])  // exact
        let ints = Tensor([5, -7, 9], dtype: .int32)
        ints.remainder_(4)
        XCTAssertEqual(ints.toArray(Int32.self), [1, 1, 1])  // Python's modulo, exact
        ints.add_(Tensor([1, 2, 3], dtype: .int32), alpha: 2)
        XCTAssertEqual(ints.toArray(Int32.self), [3, 5, 7])  // exact
    }

    func testFloat32FastPathsAgreeWithGenericKernels() {
        // Contiguous float32 takes the C kernels; a transposed view takes the generic Swift
        // kernels (libm in float32). They must agree within 1e-6 relative (gelu 1e-6 too).
        let x = (Tensor.rand([64, 32]) - 0.5) * 16
        let strided = x.t().contiguous().t()
        XCTAssertFalse(strided.isContiguous)
        let ops: [(String, (Tensor) -> Tensor)] = [
            ("exp", { $0.exp() }), ("sigmoid", { $0.sigmoid() }), ("tanh", { $0.tanh() }),
            ("silu", { $0.silu() }), ("gelu", { $0.gelu() }), ("gelu tanh", { $0.gelu(approximate: .tanh) }),
        ]
        for (name, f) in ops {
            assertClose(f(x), f(strided), rtol: 1e-6, atol: 1e-30, name)
        }
        let y = x.clone()
        y.exp_()
        assertClose(y, x.exp(), rtol: 0, atol: 0, "exp_ equals exp exactly")
    }

    func testLargeFloat32ArithmeticMatchesSmallOpPath() {
        // Above 2M elements add/sub/mul/div use the streaming-store C kernels; slices of the
        // result must equal the same op on slices (the ordinary path) exactly, head and tail,
        // and with inputs that start off the vector alignment.
        let n = 2 * 1024 * 1024 + 37
        let a = Tensor.rand([n]), b = Tensor.rand([n]).add(0.5)
        let ops: [(String, (Tensor, Tensor) -> Tensor)] = [("add", { $0 + $1 }), ("sub", { $0 - $1 }), ("mul", { $0 * $1 }), ("div", { $0 / $1 })]
        for (name, f) in ops {
            let big = f(a, b)
            for start in [0, n - 1000] {
                assertClose(big.narrow(0, start: start, length: 1000), f(a.narrow(0, start: start, length: 1000), b.narrow(0, start: start, length: 1000)), name)
            }
            let shifted = f(a.narrow(0, start: 3, length: n - 3), b.narrow(0, start: 1, length: n - 3))
            assertClose(shifted.narrow(0, start: n - 1003, length: 1000), f(a.narrow(0, start: n - 1000, length: 1000), b.narrow(0, start: n - 1002, length: 1000)), "\(name) unaligned")
        }
    }

    func testEqualAndAllclose() {
        let a = Tensor([1.0, 2.0, .nan])
        XCTAssertFalse(a.equal(a))  // NaN != NaN, as torch.equal
        XCTAssertTrue(a.allclose(a + 1e-9, equalNan: true))
        XCTAssertFalse(a.allclose(a + 1e-3, equalNan: true))
        XCTAssertTrue(Tensor([1, 2, 3]).equal(Tensor([1, 2, 3])))
        XCTAssertFalse(Tensor([1, 2, 3]).equal(Tensor([1, 2])))
    }

    func testScalarPromotionAndOperators() {
        let ints = Tensor([1, 2, 3], dtype: .int32)
        XCTAssertEqual((ints * 2.5).dtype, .float32)  // int tensor * Python float -> float32
        XCTAssertEqual((ints * 2).dtype, .int32)  // Python int keeps the tensor's dtype
        XCTAssertEqual((ints .> 1).toArray(Bool.self), [false, true, true])
        let mask = Tensor([true, false, true])
        XCTAssertEqual((~mask).toArray(Bool.self), [false, true, false])
        XCTAssertEqual((mask & Tensor([true, true, false])).toArray(Bool.self), [true, false, false])
        XCTAssertEqual((ints << 2).toArray(Int32.self), [4, 8, 12])
        XCTAssertEqual(ints.pow(2).toArray(Int32.self), [1, 4, 9])
        XCTAssertEqual(Tensor.pow(2, ints).toArray(Int32.self), [2, 4, 8])
        XCTAssertEqual(Tensor.where(mask, ints, 0).toArray(Int32.self), [1, 0, 3])
    }
}
