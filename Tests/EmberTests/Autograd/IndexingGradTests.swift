import XCTest
@testable import Ember

/// Backward formulas of gather/scatter, index_select/index_add, index/index_put, masked_select
/// and subscripts (reads and assignments): float64 gradcheck (default tolerances) on tiny
/// shapes, including repeated indices where the op accumulates, and a float32 fixture from
/// PyTorch.
final class IndexingGradTests: XCTestCase {
    func testIndexSelectAndIndexAdd() {
        let x = gradLeaf([3, 4], seed: 11)
        let repeated = Tensor([2, 0, 2])
        checkGradient([x]) { $0[0].indexSelect(1, repeated) }
        checkGradient([x]) { $0[0].indexSelect(-2, Tensor([1, 1])) }
        let source = gradLeaf([3, 3], seed: 12)
        checkGradient([x, source]) { $0[0].indexAdd(1, repeated, $0[1]) }
        checkGradient([x, source]) { $0[0].indexAdd(1, repeated, $0[1], alpha: 2) }
        XCTAssertEqual(x.indexSelect(0, repeated).gradFn?.name, "IndexSelectBackward0")
        XCTAssertEqual(x.indexAdd(1, repeated, source).gradFn?.name, "IndexAddBackward0")
    }

    func testGatherAndScatter() {
        let x = gradLeaf([3, 4], seed: 13)
        let repeated = Tensor([[0, 2], [1, 1], [3, 0]])
        let distinct = Tensor([[0, 2], [1, 3], [3, 0]])
        checkGradient([x]) { $0[0].gather(1, repeated) }
        checkGradient([x]) { $0[0].gather(0, Tensor([[2, 0, 0, 1]])) }
        let source = gradLeaf([3, 2], seed: 14)
        checkGradient([x, source]) { $0[0].scatter(1, distinct, $0[1]) }
        checkGradient([x]) { $0[0].scatter(-1, distinct, value: 1.5) }
        checkGradient([x, source]) { $0[0].scatterAdd(1, repeated, $0[1]) }
        checkGradient([x, source]) { $0[0].scatter(1, repeated, $0[1], reduce: .add) }
        // A source larger than the index: the unread elements get zero.
        let wide = gradLeaf([3, 3], seed: 15)
        checkGradient([x, wide]) { $0[0].scatterAdd(1, repeated, $0[1]) }
        checkGradient([x, wide]) { $0[0].scatter(1, distinct, $0[1]) }
        XCTAssertEqual(x.gather(1, repeated).gradFn?.name, "GatherBackward0")
        XCTAssertEqual(x.scatter(1, distinct, source).gradFn?.name, "ScatterBackward0")
        XCTAssertEqual(x.scatter(1, distinct, value: 1).gradFn?.name, "ScatterBackward1")
        XCTAssertEqual(x.scatterAdd(1, repeated, source).gradFn?.name, "ScatterAddBackward0")
    }

    func testScatterMultiply() {
        let x = gradLeaf([3, 4], seed: 16)
        let repeated = Tensor([[0, 2], [1, 1], [3, 0]])
        let source = gradLeaf([3, 2], seed: 17)
        checkGradient([x, source]) { $0[0].scatter(1, repeated, $0[1], reduce: .multiply) }
        checkGradient([x]) { $0[0].scatter(1, repeated, value: 2.5, reduce: .multiply) }
        // Zeros in the source: one alone at its position, and one sharing a position.
        let zeros = gradLeaf([0, 2, 0, 1.5, -1, 3], [3, 2])
        checkGradient([x, zeros]) { $0[0].scatter(1, repeated, $0[1], reduce: .multiply) }
    }

    func testAdvancedIndexing() {
        let x = gradLeaf([4, 3, 5], seed: 18)
        let repeated = Tensor([0, 2, 0, 1])
        checkGradient([x]) { $0[0].index([.tensor(repeated)]) }
        checkGradient([x]) { $0[0][repeated, .all, .range(1, 4, step: 2)] }
        checkGradient([x]) { $0[0][.all, Tensor([2, 2]), Tensor([4, 0])] }
        // Indexed dims apart from each other: the broadcast index dims go first.
        checkGradient([x]) { $0[0][Tensor([[3], [1]]), .all, Tensor([0, 4, 4])] }
        checkGradient([x]) { $0[0][1, .ellipsis, Tensor([-1, 0])] }
        let m = gradLeaf([3, 4], seed: 19)
        let mask = withNoGrad { m.gt(0) }
        checkGradient([m]) { $0[0][mask] }
        checkGradient([m]) { $0[0][.all, Tensor([true, false, true, true])] }
        XCTAssertEqual(x.index([.tensor(repeated)]).gradFn?.name, "IndexBackward0")
    }

    func testSlicesWithSteps() {
        let x = gradLeaf([4, 3, 5], seed: 20)
        checkGradient([x]) { $0[0][.range(1, nil, step: 2)] }
        checkGradient([x]) { $0[0][.ellipsis, .range(-4, -1, step: 2)] }
        checkGradient([x]) { $0[0][1..<3, .newAxis, 0, 2...] }
        XCTAssertEqual(x[.range(0, nil, step: 2)].gradFn?.name, "SliceBackward0")
    }

    func testIndexPut() {
        let x = gradLeaf([3, 4], seed: 21)
        let rows = Tensor([0, 2, 0, 1])
        let values = gradLeaf([4, 4], seed: 22)
        checkGradient([x, values]) { $0[0].indexPut([.tensor(rows)], $0[1], accumulate: true) }
        checkGradient([x, values]) { $0[0].indexPut(indices: [rows], values: $0[1], accumulate: true) }
        let distinct = gradLeaf([2, 4], seed: 23)
        checkGradient([x, distinct]) { $0[0].indexPut([.tensor(Tensor([2, 0]))], $0[1]) }
        // Broadcast values: their gradient is summed over the broadcast positions.
        let row = gradLeaf([4], seed: 24)
        checkGradient([x, row]) { $0[0].indexPut([.tensor(Tensor([2, 0]))], $0[1]) }
        checkGradient([x, row]) { $0[0].indexPut([.tensor(rows)], $0[1], accumulate: true) }
        let mask = withNoGrad { x.gt(0) }
        let scalar = gradLeaf([0.5], [])
        checkGradient([x, scalar]) { $0[0].indexPut([.tensor(mask)], $0[1]) }
        XCTAssertEqual(x.indexPut([.tensor(rows)], values, accumulate: true).gradFn?.name, "IndexPutBackward0")
    }

    func testInPlaceIndexingOnNonLeaves() {
        let x = gradLeaf([3, 4], seed: 25)
        let source = gradLeaf([3, 2], seed: 26)
        let repeated = Tensor([[0, 2], [1, 1], [3, 0]])
        let distinct = Tensor([[0, 2], [1, 3], [3, 0]])
        checkGradient([x, source]) { inputs in inputs[0].clone().scatter_(1, distinct, inputs[1]) }
        checkGradient([x, source]) { inputs in inputs[0].clone().scatterAdd_(1, repeated, inputs[1]) }
        checkGradient([x]) { inputs in inputs[0].clone().scatter_(1, distinct, value: 2) }
        let slices = gradLeaf([3, 3], seed: 27)
        checkGradient([x, slices]) { inputs in inputs[0].clone().indexAdd_(1, Tensor([3, 0, 3]), inputs[1], alpha: -1) }
        let values = gradLeaf([4, 4], seed: 28)
        checkGradient([x, values]) { inputs in
            let y = inputs[0].clone()
            y.indexPut_([.tensor(Tensor([0, 2, 0, 1]))], inputs[1], accumulate: true)
            return y
        }
        let y = x.clone()
        y.scatter_(1, distinct, source)
        XCTAssertEqual(y.gradFn?.name, "ScatterBackward0")
    }

    func testSubscriptAssignment() {
        let x = gradLeaf([3, 4], seed: 29)
        let row = gradLeaf([4], seed: 30)
        // Basic entries: a write through a view of the non-leaf, recorded on its base.
        checkGradient([x, row]) { inputs in
            let y = inputs[0].clone()
            y[1] = inputs[1]
            return y
        }
        let block = gradLeaf([2, 2], seed: 31)
        checkGradient([x, block]) { inputs in
            let y = inputs[0].clone()
            y[.range(0, nil, step: 2), 1..<3] = inputs[1]
            return y
        }
        // Index tensors and masks.
        checkGradient([x, row]) { inputs in
            let y = inputs[0].clone()
            y[Tensor([2, 0])] = inputs[1]
            return y
        }
        let scalar = gradLeaf([3], [])
        checkGradient([x, scalar]) { inputs in
            let y = inputs[0].clone()
            y[withNoGrad { inputs[0].gt(0) }] = inputs[1]
            return y
        }
        // A tensor that needs no grad gains history from the values written into it.
        let target = Tensor.zeros([3, 4], dtype: .float64)
        target[Tensor([1, 2])] = row
        XCTAssertEqual(target.gradFn?.name, "IndexPutBackward0")
        target.sum().backward()
        XCTAssertEqual(row.grad?.toArray(Double.self), [2, 2, 2, 2])
    }

    func testMaskedSelect() {
        let x = gradLeaf([3, 4], seed: 32)
        let mask = withNoGrad { x.gt(0) }
        checkGradient([x]) { $0[0].maskedSelect(mask) }
        // The mask broadcasts the tensor: gradients of the copies add up.
        let row = gradLeaf([4], seed: 33)
        checkGradient([row]) { $0[0].maskedSelect(mask) }
        XCTAssertEqual(x.maskedSelect(mask).gradFn?.name, "MaskedSelectBackward0")
    }

    func testSecondDerivativesOfLinearIndexing() {
        let x = gradLeaf([3, 4], seed: 34)
        checkSecondGradient([x]) { $0[0].gather(1, Tensor([[0, 2], [1, 1], [3, 0]])).sum(dim: 1).prod() }
        checkSecondGradient([x]) { $0[0].index([.tensor(Tensor([2, 0, 2]))]).prod(dim: 0) }
    }

    func testAgainstPyTorch() throws {
        let ops: [String: ([Tensor], [String: Tensor]) -> [Tensor]] = [
            "index_select": { x, a in [x[0].indexSelect(1, a["index"]!)] },
            "gather": { x, a in [x[0].gather(1, a["index"]!)] },
            "scatter": { x, a in [x[0].scatter(1, a["index"]!, x[1])] },
            "scatter_value": { x, a in [x[0].scatter(1, a["index"]!, value: 1.5)] },
            "scatter_add": { x, a in [x[0].scatterAdd(1, a["index"]!, x[1])] },
            "index_add": { x, a in [x[0].indexAdd(1, a["index"]!, x[1], alpha: 2.0)] },
            "index_put_accumulate": { x, a in [x[0].indexPut(indices: [a["index"]!], values: x[1], accumulate: true)] },
            "index_put": { x, a in [x[0].indexPut(indices: [a["index"]!], values: x[1])] },
            "index_advanced": { x, a in [x[0][a["index"]!, .all, .range(1, 4, step: 2)]] },
            "index_mask": { x, a in [x[0][a["mask"]!]] },
            "masked_select": { x, a in [x[0].maskedSelect(a["mask"]!)] },
            "slice_step": { x, _ in [x[0][1..., .range(nil, nil, step: 2), (-3)...]] },
        ]
        try runStructuralFixtures(ops)
    }
}
