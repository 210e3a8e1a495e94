import XCTest
@testable import Ember

/// Joining, moving and index ops against PyTorch (`Scripts/fixtures/core_joining.py`), for
/// every dtype. These ops only move values (index_add / scatter_add add at most a few exact
/// terms), so results must match exactly: tolerance 0, dtype and shape checked.
final class JoiningTests: XCTestCase {
    func testAgainstPyTorch() throws {
        var counts: [String: Int] = [:]
        for c in try Fixtures.cases("Core/joining.json") {
            let op = c["op"] as! String
            let args = c["args"] as! [String: Any]
            let inputs = (c["inputs"] as! [Any]).map(IndexingFixtureSupport.input)
            let x = inputs[0]
            let dim = args["dim"] as? Int ?? 0
            let label = "\(op) \(args) dtype \(x.dtype) layout \(x.shape)/\(x.strides)"
            counts[op, default: 0] += 1
            var list: [Tensor]? = nil
            var result: Tensor? = nil
            switch op {
            case "cat": result = Tensor.cat(inputs, dim: dim)
            case "stack": result = Tensor.stack(inputs, dim: dim)
            case "split": list = x.split(args["size"] as! Int, dim: dim)
            case "split_sizes": list = x.split(sizes: args["sizes"] as! [Int], dim: dim)
            case "chunk": list = x.chunk(args["chunks"] as! Int, dim: dim)
            case "unbind": list = x.unbind(dim)
            case "flip": result = x.flip(args["dims"] as! [Int])
            case "roll": result = x.roll(args["shifts"] as! [Int], dims: args["dims"] as! [Int])
            case "repeat": result = x.repeat(args["repeats"] as! [Int])
            case "tile": result = x.tile(args["dims"] as! [Int])
            case "tril": result = x.tril(args["diagonal"] as! Int)
            case "triu": result = x.triu(args["diagonal"] as! Int)
            case "diag": result = x.diag(args["diagonal"] as! Int)
            case "gather": result = x.gather(dim, inputs[1])
            case "scatter": result = x.scatter(dim, inputs[1], inputs[2])
            case "scatter_value": result = x.scatter(dim, inputs[1], value: .int(Int64(args["value"] as! Int)))
            case "scatter_add": result = x.scatterAdd(dim, inputs[1], inputs[2])
            case "scatter_reduce_add": result = x.scatter(dim, inputs[1], inputs[2], reduce: .add)
            case "scatter_reduce_multiply": result = x.scatter(dim, inputs[1], inputs[2], reduce: .multiply)
            case "index_select": result = x.indexSelect(dim, inputs[1])
            case "index_add":
                result = x.indexAdd(dim, inputs[1], inputs[2], alpha: .int(Int64(args["alpha"] as? Int ?? 1)))
            case "masked_select": result = x.maskedSelect(inputs[1])
            case "nonzero": result = x.nonzero()
            case "nonzero_tuple": list = x.nonzero(asTuple: true)
            default: XCTFail("unknown op \(op)")
            }
            if let result {
                assertClose(result, Fixtures.tensor(c["out"]), label)
            } else if let list {
                let expected = IndexingFixtureSupport.tensors(c["out"])
                XCTAssertEqual(list.count, expected.count, label)
                for (a, e) in zip(list, expected) { assertClose(a, e, label) }
            }
        }
        XCTAssertGreaterThan(counts.count, 20, "fixture covers the ops")
    }

    /// split/chunk/unbind return views: writing through a piece changes the input.
    func testSplitPiecesAreViews() {
        let x = Tensor.arange(12, dtype: .float32).view(3, 4)
        let pieces = x.split(2, dim: 1)
        pieces[1].fill_(-1)
        XCTAssertEqual(x.toArray(Float.self), [0, 1, -1, -1, 4, 5, -1, -1, 8, 9, -1, -1])
        x.unbind(0)[2].fill_(7)
        XCTAssertEqual(x[2].toArray(Float.self), [7, 7, 7, 7])
        XCTAssertTrue(x.chunk(3, dim: 0)[1].storage === x.storage)
    }

    /// In-place scatter_/index_add_ write into the tensor and bump its storage version.
    func testInPlaceVariantsWriteThrough() {
        let x = Tensor.zeros([3, 2])
        let view = x.t()
        let before = x.storage.version
        view.scatter_(1, Tensor([[2], [0]] as [[Int]]), Tensor([[5.0], [6.0]], dtype: .float32))
        XCTAssertEqual(x.toArray(Float.self), [6, 0, 0, 0, 0, 5])
        XCTAssertGreaterThan(x.storage.version, before)
        x.indexAdd_(0, Tensor([1, 1] as [Int]), Tensor.ones([2, 2]))
        XCTAssertEqual(x.toArray(Float.self), [6, 0, 2, 2, 0, 5])
    }

    /// A large contiguous cat takes the memcpy path across threads; values must be exact.
    func testLargeCatAndIndexSelect() {
        let a = Tensor.arange(.int(3 * 70_000), dtype: .float32).view(3, 70_000)
        let b = Tensor.arange(.int(2 * 70_000), dtype: .float32).view(2, 70_000).mul(-1)
        let c = Tensor.cat([a, b], dim: 0)
        XCTAssertEqual(c.shape, [5, 70_000])
        XCTAssertEqual(c[4, 69_999].item(Float.self), -(2 * 70_000 - 1))
        XCTAssertEqual(c[2, 5].item(Float.self), 2 * 70_000 + 5)
        let rows = c.indexSelect(0, Tensor([4, 0] as [Int]))
        XCTAssertEqual(rows[0].toArray(Float.self), c[4].toArray(Float.self))
        XCTAssertEqual(rows[1].toArray(Float.self), c[0].toArray(Float.self))
    }
}
