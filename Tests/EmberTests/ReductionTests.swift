import Foundation
import XCTest

@testable import Ember

/// Reductions, scans and sorts against PyTorch (fixtures by Scripts/fixtures/core_reduction.py).
///
/// Tolerances (`atol + rtol * |expected|`): integer, bool and index results, max/min/sort/topk
/// values and all/any must match exactly; float64 results rtol 1e-12 / atol 1e-12; float32
/// rtol 1e-5 / atol 1e-5 (different but equally accurate summation orders); float16 rtol 2e-3 /
/// atol 1e-3 and bfloat16 rtol 1.6e-2 / atol 1e-2 (one unit in the last place of the result,
/// which a different float32 accumulation order may flip).
final class ReductionTests: XCTestCase {
    static func tolerance(_ dtype: DType) -> (rtol: Double, atol: Double) {
        switch dtype {
        case .float64: return (1e-12, 1e-12)
        case .float32: return (1e-5, 1e-5)
        case .float16: return (2e-3, 1e-3)
        case .bfloat16: return (1.6e-2, 1e-2)
        default: return (0, 0)
        }
    }

    static func input(_ fixture: [String: Any]) -> Tensor {
        let base = Fixtures.tensor(fixture["base"])
        switch fixture["layout"] as? String {
        case "transposed": return base.transpose(0, 1)
        case "sliced":
            var shape = base.shape, strides = base.strides
            shape[shape.count - 1] = (shape[shape.count - 1] + 1) / 2
            strides[strides.count - 1] *= 2
            return base.asStrided(shape, strides)
        case "expanded":
            var shape = base.shape
            shape[1] = 3
            return base.expand(shape)
        default: return base
        }
    }

    func testFixtures() throws {
        var counted = 0
        for fixture in try Fixtures.cases("Core/reduction.json") {
            let op = fixture["op"] as! String
            let args = fixture["args"] as! [String: Any]
            let x = Self.input(fixture)
            let dims = args["dims"] as? [Int]
            let dim = args["dim"] as? Int ?? 0
            let keepDim = args["keepDim"] as? Bool ?? false
            let dtype = (args["dtype"] as? String).flatMap(DType.init(rawValue:))
            let label = "\(op) \(args) \(x.dtype) \(fixture["layout"]!) shape \(x.shape)"
            var single: Tensor?
            var pair: (values: Tensor, indices: Tensor)?
            switch op {
            case "sum": single = dims.map { x.sum(dims: $0, keepDim: keepDim) } ?? x.sum()
            case "sum_dtype": single = x.sum(dim: dim, dtype: dtype)
            case "mean": single = dims.map { x.mean(dims: $0, keepDim: keepDim) } ?? x.mean()
            case "mean_dtype": single = x.mean(dims: dims!, dtype: dtype)
            case "prod": single = x.prod(dim: dim)
            case "prod_all": single = x.prod()
            case "count_nonzero": single = x.countNonzero(dims: dims!)
            case "all": single = args["dim"] == nil ? x.all() : x.all(dim: dim, keepDim: keepDim)
            case "all_all": single = x.all()
            case "any": single = args["dim"] == nil ? x.any() : x.any(dim: dim, keepDim: keepDim)
            case "cumsum": single = x.cumsum(dim: dim)
            case "cumsum_dtype": single = x.cumsum(dim: dim, dtype: dtype)
            case "cumprod": single = x.cumprod(dim: dim)
            case "max_dim": pair = x.max(dim: dim, keepDim: keepDim)
            case "min_dim": pair = x.min(dim: dim, keepDim: keepDim)
            case "max_all": single = x.max()
            case "min_all": single = x.min()
            case "amax": single = x.amax(dims: dims!, keepDim: keepDim)
            case "amin": single = x.amin(dims: dims!, keepDim: keepDim)
            case "argmax": single = x.argmax(dim: dim, keepDim: keepDim)
            case "argmax_all": single = x.argmax()
            case "argmin_all": single = x.argmin()
            case "sort": pair = x.sort(dim: dim, descending: args["descending"] as! Bool, stable: true)
            case "argsort": single = x.argsort(dim: dim, descending: args["descending"] as! Bool, stable: true)
            case "topk":
                pair = x.topk(args["k"] as! Int, dim: dim, largest: args["largest"] as! Bool)
            case "var": single = x.var(dims: dims, correction: args["correction"] as? Double ?? 1)
            case "std":
                single = x.std(dims: dims, correction: args["correction"] as? Double ?? 1, keepDim: keepDim)
            case "norm":
                let p: NormOrder
                switch args["p"] as! String {
                case "fro": p = .fro
                case "inf": p = .inf
                case "-inf": p = .negativeInf
                case let text: p = .p(Double(text)!)
                }
                single = x.norm(p: p, dims: dims)
            case "logsumexp": single = x.logsumexp(dims: dims!)
            case "softmax": single = x.softmax(dim: dim)
            case "log_softmax": single = x.logSoftmax(dim: dim)
            case "softmax_dtype": single = x.softmax(dim: dim, dtype: dtype)
            case "unique":
                let result = x.unique(returnInverse: true, returnCounts: true)
                let tol = Self.tolerance(x.dtype)
                assertClose(result.values, Fixtures.tensor(fixture["values"]), rtol: tol.rtol, atol: tol.atol, label)
                // Each NaN is its own value, and PyTorch orders the NaN groups arbitrarily
                // (its sort is not stable): the inverse of NaN elements is checked for
                // pointing at distinct NaNs instead.
                let inverse = result.inverse!.toArray(Int64.self)
                let expectedInverse = Fixtures.tensor(fixture["inverse"]).toArray(Int64.self)
                let flat = x.toArray(Double.self), uniques = result.values.toArray(Double.self)
                XCTAssertEqual(result.inverse!.shape, x.shape, label)
                var nanGroups = Set<Int64>()
                for i in 0..<flat.count {
                    if flat[i].isNaN {
                        XCTAssert(uniques[Int(inverse[i])].isNaN && nanGroups.insert(inverse[i]).inserted, label)
                    } else {
                        XCTAssertEqual(inverse[i], expectedInverse[i], "inverse \(i) \(label)")
                    }
                }
                assertClose(result.counts!, Fixtures.tensor(fixture["counts"]), label)
                counted += 1
                continue
            default:
                XCTFail("unknown op \(op)")
                continue
            }
            if let single {
                let expected = Fixtures.tensor(fixture["out"])
                let tol = Self.exact(op) ? (rtol: 0.0, atol: 0.0) : Self.tolerance(expected.dtype)
                assertClose(single, expected, rtol: tol.rtol, atol: tol.atol, label)
            }
            if let pair {
                let values = Fixtures.tensor(fixture["values"]), indices = Fixtures.tensor(fixture["indices"])
                assertClose(pair.values, values, label)
                if op == "topk" {
                    // PyTorch's topk picks any of several tied elements; check that each index
                    // points at an element equal to its value instead.
                    Self.checkTopkIndices(x, pair, dim: dim, label)
                } else {
                    assertClose(pair.indices, indices, label)
                }
            }
            counted += 1
        }
        XCTAssertGreaterThan(counted, 1000, "fixture cases checked")
    }

    static func exact(_ op: String) -> Bool {
        ["max_dim", "min_dim", "max_all", "min_all", "amax", "amin", "sort", "topk", "argmax", "argmin_all",
         "argmax_all", "argsort", "all", "any", "all_all", "count_nonzero"].contains(op)
    }

    static func checkTopkIndices(
        _ x: Tensor, _ result: (values: Tensor, indices: Tensor), dim: Int, _ label: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let axis = dim < 0 ? dim + x.dim : dim
        let moved = x.transpose(axis, -1).contiguous()
        let values = result.values.transpose(axis, -1).contiguous().toArray(Double.self)
        let indices = result.indices.transpose(axis, -1).contiguous().toArray(Int64.self)
        let rowsIn = moved.toArray(Double.self)
        let n = x.shape[axis], k = result.values.shape[axis]
        var seen = Set<Int64>()
        for j in 0..<values.count {
            let row = j / Swift.max(k, 1)
            if j % k == 0 { seen = [] }
            let index = indices[j]
            XCTAssert(index >= 0 && index < n && seen.insert(index).inserted, "topk index \(index) \(label)", file: file, line: line)
            XCTAssertEqual(rowsIn[row * n + Int(index)], values[j], "topk value at index \(index) \(label)", file: file, line: line)
        }
    }

    /// Large float32 sums stay within rtol 1e-6 of PyTorch's cascade sum (the sum of 1e6
    /// positive values: naive float32 accumulation would be off by about 1e-3).
    func testLargeSums() throws {
        func large(_ n: Int) -> [Float] {
            (0..<n).map { Float(Double((Int64($0) * 7919) % 10007) / 1000 + 0.001) }
        }
        for fixture in try Fixtures.cases("Core/reduction_large.json") {
            let op = fixture["op"] as! String
            let expected = Fixtures.tensor(fixture["out"])
            switch op {
            case "sum_all", "mean_all":
                let x = Tensor(large(fixture["n"] as! Int))
                assertClose(op == "sum_all" ? x.sum() : x.mean(), expected, rtol: 1e-6, op)
            default:
                let (rows, cols) = (fixture["rows"] as! Int, fixture["cols"] as! Int)
                let x = Tensor(large(rows * cols), shape: [rows, cols])
                switch op {
                case "sum_rows": assertClose(x.sum(dim: -1), expected, rtol: 1e-6, op)
                case "sum_cols": assertClose(x.sum(dim: 0), expected, rtol: 1e-6, op)
                default:
                    // softmax: rtol 1e-6 relative to each probability (a few float32 ulps).
                    assertClose(x.narrow(0, start: 0, length: 4).softmax(dim: -1), expected, rtol: 1e-6, atol: 1e-9, op)
                }
            }
        }
    }

    /// The multi-threaded paths (split runs, many outputs) agree with the single-threaded ones.
    /// Tolerance: float32 rtol 1e-6 (chunked sums regroup the pairwise tree); indices exact.
    func testThreadedPathsAgree() {
        let n = 300_001
        let values = (0..<n).map { Float(sin(Double($0) * 0.37) * 50) }
        let x = Tensor(values)
        let previous = Threading.numThreads
        defer { Threading.setNumThreads(previous) }
        Threading.setNumThreads(1)
        let sum1 = x.sum(), max1 = x.max(dim: 0), argmin1 = x.argmin(), var1 = x.var(), lse1 = x.logsumexp(dim: 0)
        Threading.setNumThreads(4)
        assertClose(x.sum(), sum1, rtol: 1e-6, atol: 1e-3)
        assertClose(x.max(dim: 0).values, max1.values)
        assertClose(x.max(dim: 0).indices, max1.indices)
        assertClose(x.argmin(), argmin1)
        assertClose(x.var(), var1, rtol: 1e-6)
        assertClose(x.logsumexp(dim: 0), lse1, rtol: 1e-6)
        let expected = values.reduce(0.0) { $0 + Double($1) }
        XCTAssertEqual(Double(x.sum().item(Float.self)), expected, accuracy: 1e-6 * Swift.abs(expected) + 1e-2)
    }

    func testNamesAndResultTypes() {
        let x = Tensor([[1, 2, 3], [4, 5, 6]], dtype: .int32)
        XCTAssertEqual(x.sum().dtype, .int64)
        XCTAssertEqual(x.sum(dim: 1, keepDim: true).shape, [2, 1])
        XCTAssertEqual(x.cumsum(dim: 1).dtype, .int64)
        XCTAssertEqual(Tensor([1, 0, 2], dtype: .uint8).all().dtype, .uint8)
        XCTAssertEqual(Tensor.softmax(x.float(), dim: 1).shape, [2, 3])
        XCTAssertEqual(x.max(dim: 0).indices.toArray(Int64.self), [1, 1, 1])
        XCTAssertEqual(x.float().var(dims: [1], unbiased: false).toArray(Float.self), [2.0 / 3, 2.0 / 3])
        XCTAssertEqual(x.topk(2, dim: -1).values.toArray(Int64.self), [3, 2, 6, 5])
    }
}
