import XCTest
@testable import Ember

/// Backward formulas of the matrix products (mm, bmm, mv, dot, every matmul shape case,
/// addmm, baddbmm) and einsum: float64 gradcheck (default tolerances) on tiny shapes,
/// gradgradcheck for matmul, and a float32 fixture from PyTorch.
final class LinearAlgebraGradTests: XCTestCase {
    func testProducts() {
        let a = gradLeaf([3, 4], seed: 51), b = gradLeaf([4, 2], seed: 52)
        checkGradient([a, b]) { $0[0].mm($0[1]) }
        // Transposed (non-contiguous) operands go to the GEMM as flags.
        checkGradient([a, b]) { $0[1].t().mm($0[0].t()) }
        let p = gradLeaf([2, 3, 4], seed: 53), q = gradLeaf([2, 4, 5], seed: 54)
        checkGradient([p, q]) { $0[0].bmm($0[1]) }
        checkGradient([p, q]) { $0[1].mT.bmm($0[0].mT) }
        let v = gradLeaf([4], seed: 55), w = gradLeaf([4], seed: 56)
        checkGradient([a, v]) { $0[0].mv($0[1]) }
        checkGradient([v, w]) { $0[0].dot($0[1]) }
        XCTAssertEqual(a.mm(b).gradFn?.name, "MmBackward0")
        XCTAssertEqual(p.bmm(q).gradFn?.name, "BmmBackward0")
        XCTAssertEqual(a.mv(v).gradFn?.name, "MvBackward0")
        XCTAssertEqual(v.dot(w).gradFn?.name, "DotBackward0")
    }

    func testOnlyTheOperandThatNeedsGradGetsOne() {
        let a = gradLeaf([3, 4], seed: 57)
        let b = Tensor.randn([4, 2], dtype: .float64)
        let y = a.mm(b)
        let grads = Autograd.grad(outputs: [y], inputs: [a], gradOutputs: [Tensor.onesLike(y)])
        // d(sum(a·b))/da = 1·bᵀ: every row is the row sums of b.
        let rowSums = b.sum(dim: 1).toArray(Double.self)
        XCTAssertEqual(grads[0]?.toArray(Double.self), Array([[Double]](repeating: rowSums, count: 3).joined()))
    }

    func testMatmulShapeCases() {
        let v3 = gradLeaf([3], seed: 60), v4 = gradLeaf([4], seed: 61)
        let m34 = gradLeaf([3, 4], seed: 62), m42 = gradLeaf([4, 2], seed: 63)
        let t234 = gradLeaf([2, 3, 4], seed: 64), t242 = gradLeaf([2, 4, 2], seed: 65)
        checkGradient([v4, v4.detach().clone().requiresGrad_()]) { $0[0].matmul($0[1]) }  // 1-D · 1-D
        checkGradient([m34, v4]) { $0[0].matmul($0[1]) }  // 2-D · 1-D
        checkGradient([v3, m34]) { $0[0].matmul($0[1]) }  // 1-D · 2-D
        checkGradient([m34, m42]) { $0[0].matmul($0[1]) }  // 2-D · 2-D
        checkGradient([t234, m42]) { $0[0].matmul($0[1]) }  // 3-D · 2-D (folded)
        checkGradient([t234, v4]) { $0[0].matmul($0[1]) }  // 3-D · 1-D (folded)
        checkGradient([v3, t234]) { $0[0].matmul($0[1]) }  // 1-D · 3-D
        checkGradient([m34, t242]) { $0[0].matmul($0[1]) }  // 2-D · 3-D (broadcast batch)
        checkGradient([t234, t242]) { $0[0].matmul($0[1]) }  // 3-D · 3-D
        // Batch dims that broadcast against each other.
        let b = gradLeaf([2, 1, 3, 4], seed: 66), c = gradLeaf([3, 4, 2], seed: 67)
        checkGradient([b, c]) { $0[0].matmul($0[1]) }
        let d = gradLeaf([1, 4, 2], seed: 68)
        checkGradient([t234, d]) { $0[0].matmul($0[1]) }
        XCTAssertEqual(t234.matmul(m42).gradFn?.name, "UnsafeViewBackward0")
        XCTAssertEqual(v3.matmul(m34).gradFn?.name, "SqueezeBackward4")
    }

    func testInPlaceOnAMatmulResultEditsTheResultAlone() {
        // The folded result is PyTorch's `_unsafe_view`, not a view: `add_` records on it
        // directly instead of rewriting the product's history through a base.
        let x = gradLeaf([2, 3, 4], seed: 69), w = gradLeaf([4, 2], seed: 77), bias = gradLeaf([2], seed: 78)
        checkGradient([x, w, bias]) { inputs in
            let y = inputs[0].matmul(inputs[1])
            y.add_(inputs[2])
            return y
        }
        let y = x.matmul(w)
        y.add_(bias)
        XCTAssertEqual(y.gradFn?.name, "AddBackward0")
        let row = gradLeaf([4], seed: 79).matmul(w)
        row.mul_(2)
        XCTAssertEqual(row.gradFn?.name, "MulBackward0")
    }

    func testAddmmAndBaddbmm() {
        let bias = gradLeaf([2], seed: 70), full = gradLeaf([3, 2], seed: 71)
        let a = gradLeaf([3, 4], seed: 72), b = gradLeaf([4, 2], seed: 73)
        checkGradient([bias, a, b]) { $0[0].addmm($0[1], $0[2]) }
        checkGradient([full, a, b]) { $0[0].addmm($0[1], $0[2], beta: 0.5, alpha: -2) }
        checkGradient([full, a, b]) { $0[0].addmm($0[1], $0[2], beta: 0) }
        let c = gradLeaf([3, 1], seed: 74), p = gradLeaf([2, 3, 4], seed: 75), q = gradLeaf([2, 4, 5], seed: 76)
        checkGradient([c, p, q]) { $0[0].baddbmm($0[1], $0[2], beta: 2, alpha: -1) }
        XCTAssertEqual(bias.addmm(a, b).gradFn?.name, "AddmmBackward0")
        XCTAssertEqual(c.baddbmm(p, q).gradFn?.name, "BaddbmmBackward0")
    }

    func testEinsum() {
        let a = gradLeaf([3, 4], seed: 80), b = gradLeaf([4, 5], seed: 81), s = gradLeaf([3, 3], seed: 82)
        let t = gradLeaf([2, 3, 4], seed: 83), u = gradLeaf([4, 3], seed: 84), v = gradLeaf([3], seed: 85)
        checkGradient([a, b]) { Tensor.einsum("ij,jk->ik", $0) }
        checkGradient([a, b]) { Tensor.einsum("ij,jk->ki", $0) }
        checkGradient([t, u]) { Tensor.einsum("ijk,kj->ik", $0) }
        checkGradient([t, u]) { Tensor.einsum("...jk,kj", $0) }
        checkGradient([s]) { Tensor.einsum("ii->i", $0) }
        checkGradient([s]) { Tensor.einsum("ii", $0) }
        checkGradient([v, s]) { Tensor.einsum("i,ij,j->", [$0[0], $0[1], $0[0]]) }
        checkGradient([a]) { Tensor.einsum("ij->", $0) }
    }

    func testSecondDerivatives() {
        let a = gradLeaf([2, 3], seed: 90), b = gradLeaf([3, 2], seed: 91)
        checkSecondGradient([a, b]) { $0[0].matmul($0[1]).matmul($0[0]) }
        checkSecondGradient([a, b]) { $0[0].mm($0[1]).sum(dim: 0).prod() }
        let p = gradLeaf([2, 2, 3], seed: 92), q = gradLeaf([1, 3, 2], seed: 93)
        checkSecondGradient([p, q]) { $0[0].matmul($0[1]).matmul($0[0]) }
        let v = gradLeaf([3], seed: 94)
        checkSecondGradient([a, v]) { $0[0].matmul($0[1]).prod() }
        checkSecondGradient([v, b]) { $0[0].matmul($0[1]).prod() }
        checkSecondGradient([v]) { $0[0].matmul($0[0]).mul($0[0].sum()) }
    }

    func testAgainstPyTorch() throws {
        let ops: [String: ([Tensor], [String: Tensor]) -> [Tensor]] = [
            "mm": { x, _ in [x[0].mm(x[1])] },
            "bmm": { x, _ in [x[0].bmm(x[1])] },
            "mv": { x, _ in [x[0].mv(x[1])] },
            "dot": { x, _ in [x[0].dot(x[1])] },
            "matmul_3d_2d": { x, _ in [x[0].matmul(x[1])] },
            "matmul_3d_1d": { x, _ in [x[0].matmul(x[1])] },
            "matmul_broadcast": { x, _ in [x[0].matmul(x[1])] },
            "matmul_1d_2d": { x, _ in [x[0].matmul(x[1])] },
            "matmul_1d_3d": { x, _ in [x[0].matmul(x[1])] },
            "addmm": { x, _ in [x[0].addmm(x[1], x[2], beta: 0.5, alpha: 2)] },
            "baddbmm": { x, _ in [x[0].baddbmm(x[1], x[2], beta: 2, alpha: -1)] },
            "einsum": { x, _ in [Tensor.einsum("bij,bjk->bik", x)] },
        ]
        try runStructuralFixtures(ops)
    }
}
