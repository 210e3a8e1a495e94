import XCTest
@testable import Ember

/// Type promotion, factory functions and casts against PyTorch fixtures
/// (`Scripts/fixtures/core_creation.py`).
final class CreationTests: XCTestCase {
    private func scalar(_ kind: String) -> Scalar {
        switch kind {
        case "int": return .int(3)
        case "double": return .double(2.5)
        default: return .bool(true)
        }
    }

    /// Promotion results must equal torch.promote_types / torch.result_type exactly.
    func testPromotionMatchesPyTorch() throws {
        for c in try Fixtures.cases("Core/promotion.json") {
            let a = DType(rawValue: c["a"] as! String)!
            let expected = DType(rawValue: c["result"] as! String)!
            let got: DType
            switch c["kind"] as! String {
            case "promote":
                got = DType.promote(a, DType(rawValue: c["b"] as! String)!)
            case "dim_zerodim":
                got = resultType([Tensor.zeros([2], dtype: a), Tensor.zeros([], dtype: DType(rawValue: c["b"] as! String)!)])
            case "dim_scalar":
                got = resultType([Tensor.zeros([2], dtype: a)], scalars: [scalar(c["scalar"] as! String)])
            default:
                got = resultType([Tensor.zeros([], dtype: a)], scalars: [scalar(c["scalar"] as! String)])
            }
            XCTAssertEqual(got, expected, "\(c)")
        }
    }

    /// Factory functions: exact for integers; float32 values within 1 ulp-scale (rtol 1e-6), since
    /// arange/linspace compute in double and round once like PyTorch.
    func testFactoriesMatchPyTorch() throws {
        for c in try Fixtures.cases("Core/creation.json") {
            let name = c["name"] as! String
            let args = c["args"] as! [String: Any]
            let expected = Fixtures.tensor(c["out"])
            let dtype = (args["dtype"] as? String).flatMap(DType.init(rawValue:))
            func num(_ key: String) -> Scalar {
                let n = args[key] as! NSNumber
                // The fixture's float cases are named "..._float" / "..._double".
                let floating = name.contains("float") || name.contains("double")
                return floating ? .double(n.doubleValue) : .int(n.int64Value)
            }
            let got: Tensor
            switch name {
            case "arange_int": got = Tensor.arange(num("end"))
            case _ where name.hasPrefix("arange"):
                got = Tensor.arange(num("start"), num("end"), step: num("step"), dtype: dtype)
            case _ where name.hasPrefix("linspace"):
                got = Tensor.linspace(
                    args["start"] as! Double, args["end"] as! Double, steps: args["steps"] as! Int,
                    dtype: dtype ?? .float32)
            case _ where name.hasPrefix("logspace"):
                got = Tensor.logspace(
                    args["start"] as! Double, args["end"] as! Double, steps: args["steps"] as! Int,
                    base: args["base"] as! Double)
            case _ where name.hasPrefix("eye"):
                got = Tensor.eye(args["n"] as! Int, args["m"] as? Int, dtype: dtype ?? .float32)
            case "full_int": got = Tensor.full(args["shape"] as! [Int], 7)
            case "full_float": got = Tensor.full(args["shape"] as! [Int], 1.5)
            case "full_bool": got = Tensor.full(args["shape"] as! [Int], true)
            case "tensor_floats": got = Tensor([[1.0, 2.5], [-3.0, 4.0]])
            case "tensor_ints": got = Tensor([[1, 2], [3, 4]])
            default: XCTFail("unknown case \(name)"); continue
            }
            assertClose(got, expected, rtol: 1e-6, name)
        }
    }

    /// Casts between all dtype pairs are exact (PyTorch's C-cast semantics).
    func testCastsMatchPyTorch() throws {
        for c in try Fixtures.cases("Core/casts.json") {
            let source = Fixtures.tensor(c["src"])
            let expected = Fixtures.tensor(c["out"])
            let got = source.to(DType(rawValue: c["dst"] as! String)!)
            assertClose(got, expected, "\(source.dtype) -> \(expected.dtype)")
            // The same cast on a non-contiguous (reversed-stride) view.
            if source.count > 1 {
                let strided = source.asStrided([source.count / 2], [2], storageOffset: source.storageOffset)
                let expectedStrided = expected.asStrided([source.count / 2], [2], storageOffset: expected.storageOffset)
                assertClose(strided.to(expected.dtype), expectedStrided.contiguous(), "strided \(source.dtype) -> \(expected.dtype)")
            }
        }
    }

    func testZeroSizeAndScalarTensors() {
        let empty = Tensor.zeros([0, 3])
        XCTAssertEqual(empty.count, 0)
        XCTAssertEqual((empty + 1).shape, [0, 3])
        XCTAssertEqual(Tensor(scalar: Scalar.double(2.5)).item(Float.self), 2.5)
        XCTAssertEqual(Tensor(scalar: Scalar.int(7)).dtype, .int64)
        XCTAssertEqual(Tensor.onesLike(Tensor.zeros([2], dtype: .int8)).toArray(Int8.self), [1, 1])
    }
}
