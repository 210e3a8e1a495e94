import XCTest
@testable import Ember

/// Backward formulas of cat/stack, split/chunk/unbind (multi-output nodes), flip, roll,
/// repeat/tile, tril/triu and diag: float64 gradcheck (default tolerances) on tiny shapes,
/// and a float32 fixture from PyTorch.
final class JoiningGradTests: XCTestCase {
    func testCatAndStack() {
        let a = gradLeaf([2, 3], seed: 41), b = gradLeaf([1, 3], seed: 42), c = gradLeaf([2, 3], seed: 43)
        checkGradient([a, b]) { Tensor.cat($0, dim: 0) }
        checkGradient([a, c]) { Tensor.cat($0, dim: -1) }
        // PyTorch's legacy rule skips 1-D empty tensors; they get no gradient.
        let empty = Tensor.zeros([0], dtype: .float64).requiresGrad_()
        checkGradient([a, b]) { Tensor.cat([$0[0], empty, $0[1]]) }
        checkGradient([a, c]) { Tensor.stack($0, dim: 0) }
        checkGradient([a, c]) { Tensor.stack($0, dim: -1) }
        XCTAssertEqual(Tensor.cat([a, b]).gradFn?.name, "CatBackward0")
        XCTAssertEqual(Tensor.stack([a, c]).gradFn?.name, "StackBackward0")
    }

    func testMultiOutputSplits() {
        let x = gradLeaf([3, 5], seed: 44)
        checkGradients([x]) { $0[0].split(2, dim: 1) }
        checkGradients([x]) { $0[0].split(sizes: [1, 2], dim: 0) }
        checkGradients([x]) { $0[0].chunk(2, dim: -1) }
        checkGradients([x]) { $0[0].unbind(1) }
        // Pieces that take no part in the loss get zero gradient.
        checkGradient([x]) { $0[0].split(2, dim: 1)[1] }
        checkGradient([x]) { $0[0].unbind(0)[2] }
        let pieces = x.split(2, dim: 1)
        XCTAssertEqual(pieces.map { $0.gradFn?.name }, ["SplitBackward0", "SplitBackward0", "SplitBackward0"])
        XCTAssertTrue(pieces[0].gradFn === pieces[2].gradFn, "one node for every piece")
        XCTAssertEqual(x.split(sizes: [2, 1]).first?.gradFn?.name, "SplitWithSizesBackward0")
        XCTAssertEqual(x.unbind(0).first?.gradFn?.name, "UnbindBackward0")
        // One backward through two pieces sums into one gradient.
        let grads = Autograd.grad(outputs: [pieces[0].sum(), pieces[2].sum()], inputs: [x])
        XCTAssertEqual(grads[0]?.toArray(Double.self), [1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1])
    }

    func testFlipRollRepeat() {
        let x = gradLeaf([2, 3, 4], seed: 45)
        checkGradient([x]) { $0[0].flip([0, 2]) }
        checkGradient([x]) { $0[0].flip(-1) }
        checkGradient([x]) { $0[0].roll([1, -2], dims: [0, 2]) }
        checkGradient([x]) { $0[0].roll(5) }
        checkGradient([x]) { $0[0].repeat(2, 1, 3) }
        checkGradient([x]) { $0[0].repeat(3, 1, 2, 1) }
        checkGradient([x]) { $0[0].tile(2) }
        checkGradient([x]) { $0[0].repeat(1, 0, 1) }
        XCTAssertEqual(x.flip(0).gradFn?.name, "FlipBackward0")
        XCTAssertEqual(x.roll(1, dim: 0).gradFn?.name, "RollBackward0")
        XCTAssertEqual(x.tile(2).gradFn?.name, "RepeatBackward0")
    }

    func testTrianglesAndDiagonals() {
        let x = gradLeaf([2, 3, 4], seed: 46)
        checkGradient([x]) { $0[0].tril() }
        checkGradient([x]) { $0[0].tril(-1) }
        checkGradient([x]) { $0[0].triu(1) }
        let m = gradLeaf([3, 4], seed: 47)
        checkGradient([m]) { $0[0].diag() }
        checkGradient([m]) { $0[0].diag(1) }
        checkGradient([m]) { $0[0].diag(-2) }
        let v = gradLeaf([3], seed: 48)
        checkGradient([v]) { $0[0].diag() }
        checkGradient([v]) { $0[0].diag(-1) }
        XCTAssertEqual(x.tril().gradFn?.name, "TrilBackward0")
        XCTAssertEqual(m.diag().gradFn?.name, "DiagonalBackward0_copy")
        XCTAssertEqual(v.diag().gradFn?.name, "DiagEmbedBackward0")
    }

    func testSecondDerivativesThroughJoins() {
        let x = gradLeaf([2, 3], seed: 49)
        checkSecondGradient([x]) { Tensor.cat([$0[0], $0[0].flip(1)], dim: 0).prod(dim: 0) }
        checkSecondGradient([x]) { Tensor.stack($0[0].unbind(1), dim: 0).repeat(2, 1).prod(dim: 0) }
    }

    func testAgainstPyTorch() throws {
        let ops: [String: ([Tensor], [String: Tensor]) -> [Tensor]] = [
            "cat": { x, _ in [Tensor.cat([x[0], x[1]], dim: 0)] },
            "stack": { x, _ in [Tensor.stack([x[0], x[1]], dim: -1)] },
            "split": { x, _ in x[0].split(2, dim: 1) },
            "split_sizes": { x, _ in x[0].split(sizes: [1, 4], dim: -1) },
            "chunk": { x, _ in x[0].chunk(2, dim: 0) },
            "unbind": { x, _ in x[0].unbind(1) },
            "flip": { x, _ in [x[0].flip(0, 2)] },
            "roll": { x, _ in [x[0].roll([1, -2], dims: [0, 2])] },
            "roll_flat": { x, _ in [x[0].roll(5)] },
            "repeat": { x, _ in [x[0].repeat(2, 1, 3)] },
            "tile": { x, _ in [x[0].tile(2)] },
            "tril": { x, _ in [x[0].tril(1)] },
            "triu": { x, _ in [x[0].triu(-1)] },
            "diag_matrix": { x, _ in [x[0].diag(1)] },
            "diag_vector": { x, _ in [x[0].diag(-1)] },
        ]
        try runStructuralFixtures(ops)
    }
}
