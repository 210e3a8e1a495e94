import Foundation
import XCTest
@testable import Ember

/// uint16 / uint32 / uint64 against PyTorch 2.11 (`Tests/Fixtures/Core/unsigned.json`,
/// `unsigned.pt`, `unsigned.safetensors`, made by `Scripts/fixtures/core_unsigned.py`).
/// Comparisons are exact (casts, integer kernels and true division have one right answer),
/// except float32 sqrt, within one ulp.
final class UnsignedDTypeTests: XCTestCase {
    private var cases: [[String: Any]] { get throws { try Fixtures.cases("Core/unsigned.json") } }

    private func dtype(_ value: Any?) -> DType { DType(rawValue: value as! String)! }

    /// Exact equality of shape, dtype and values (uint64 compared as UInt64, other integers as
    /// Int64: assertClose goes through Double, which cannot tell 2^53 + 1 from 2^53).
    private func assertExact(_ actual: Tensor, _ expected: Tensor, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.dtype, expected.dtype, "dtype \(message)", file: file, line: line)
        XCTAssertEqual(actual.shape, expected.shape, "shape \(message)", file: file, line: line)
        guard actual.dtype == expected.dtype, actual.shape == expected.shape else { return }
        if actual.dtype == .uint64 {
            XCTAssertEqual(actual.toArray(UInt64.self), expected.toArray(UInt64.self), message, file: file, line: line)
        } else if actual.dtype.isIntegral || actual.dtype == .bool {
            XCTAssertEqual(actual.toArray(Int64.self), expected.toArray(Int64.self), message, file: file, line: line)
        } else if actual.dtype.isFloat8 {
            XCTAssertEqual(actual.view(.uint8).toArray(UInt8.self), expected.view(.uint8).toArray(UInt8.self), message, file: file, line: line)
        } else {
            assertClose(actual, expected, rtol: 0, atol: 0, message, file: file, line: line)
        }
    }

    // MARK: dtype properties and promotion

    func testProperties() {
        XCTAssertEqual([DType.uint16, .uint32, .uint64].map(\.itemSize), [2, 4, 8])
        XCTAssertEqual([DType.uint16, .uint32, .uint64].map(\.rawValue), ["uint16", "uint32", "uint64"])
        for d in [DType.uint16, .uint32, .uint64] {
            XCTAssertTrue(d.isIntegral)
            XCTAssertFalse(d.isSigned)
            XCTAssertFalse(d.isFloatingPoint)
            XCTAssertTrue(d.isBarebonesUnsigned)
        }
        XCTAssertFalse(DType.uint8.isBarebonesUnsigned)
        XCTAssertEqual(DType.uint16.scalarTypeName, "UInt16")
    }

    func testPromoteTypesEveryPair() throws {
        var checked = 0
        for c in try cases where c["kind"] as? String == "promote" {
            let (a, b, result) = (dtype(c["a"]), dtype(c["b"]), c["result"] as! String)
            if result.hasPrefix("error: ") {
                assertStops(containing: [String(result.dropFirst("error: ".count))]) { _ = DType.promote(a, b) }
            } else {
                XCTAssertEqual(DType.promote(a, b), dtype(result), "promote(\(a), \(b))")
            }
            checked += 1
        }
        XCTAssertEqual(checked, 93)  // 17 dtypes: 2 * 3 * 17 - 9 ordered pairs involve uint16/32/64
    }

    func testResultType() throws {
        for c in try cases where (c["kind"] as? String)?.hasPrefix("result_type") == true {
            let a = Tensor.zeros(Array(repeating: 1, count: (c["aDim"] as? Int) ?? 1), dtype: dtype(c["a"]))
            let result = c["result"] as! String
            if c["kind"] as? String == "result_type_scalar" {
                let scalar: Scalar
                switch c["scalar"] as! String {
                case "int": scalar = .int(3)
                case "double": scalar = .double(2.5)
                case "bool": scalar = .bool(true)
                default: scalar = .complex(0, 1)
                }
                XCTAssertEqual(resultType([a], scalars: [scalar]), dtype(result), "\(a.dtype) with \(scalar)")
                continue
            }
            let b = Tensor.zeros(Array(repeating: 1, count: c["bDim"] as! Int), dtype: dtype(c["b"]))
            if result.hasPrefix("error: ") {
                assertStops(containing: [String(result.dropFirst("error: ".count))]) { _ = resultType([a, b]) }
            } else {
                XCTAssertEqual(resultType([a, b]), dtype(result), "result_type(\(a.dtype) dim \(a.dim), \(b.dtype) dim \(b.dim))")
            }
        }
    }

    // MARK: casts

    func testCastsToUnsigned() throws {
        var count = 0
        for c in try cases where c["kind"] as? String == "cast" {
            var source = Fixtures.tensor(c["source"])
            let sourceDType = dtype(c["sourceDType"])
            if sourceDType.isFloat8 { source = source.view(sourceDType) }  // stored as its bytes
            XCTAssertEqual(source.dtype, sourceDType)
            let expected = Fixtures.tensor(c["result"])
            assertExact(source.to(expected.dtype), expected, "\(sourceDType) -> \(expected.dtype)")
            count += 1
        }
        XCTAssertEqual(count, 3 * 16)
    }

    func testCastsFromUnsigned() throws {
        var count = 0
        for c in try cases where c["kind"] as? String == "cast_from" {
            let source = Fixtures.tensor(c["source"])
            let target = dtype(c["target"])
            var expected = Fixtures.tensor(c["result"])
            if target.isFloat8 { expected = expected.view(target) }
            assertExact(source.to(target), expected, "\(source.dtype) -> \(target)")
            count += 1
        }
        XCTAssertEqual(count, 3 * 16)
    }

    func testLargeUInt64Conversions() {
        let big = Tensor([UInt64.max, 1 << 63, 5])
        XCTAssertEqual(big.toArray(Double.self), [18446744073709551615.0, 9223372036854775808.0, 5])
        XCTAssertEqual(big.toArray(Int64.self), [-1, Int64.min, 5])
        XCTAssertEqual(big[0].item(UInt64.self), UInt64.max)
        XCTAssertEqual(Tensor([1.8e19, -1.0, 3.9], dtype: .float64).to(.uint64).toArray(UInt64.self), [18_000_000_000_000_000_000, UInt64.max, 3])
        // NaN and values out of C's range give 0 (PyTorch's x86 results vary there; not compared).
        XCTAssertEqual(Tensor([Double.nan, 1e20, -1e20], dtype: .float64).to(.uint16).toArray(UInt16.self), [0, 0, 0])
    }

    // MARK: creation, printing

    func testCreation() {
        for d in [DType.uint16, .uint32, .uint64] {
            XCTAssertEqual(Tensor.zeros([2, 3], dtype: d).toArray(Int64.self), [0, 0, 0, 0, 0, 0])
            XCTAssertEqual(Tensor.ones([2], dtype: d).toArray(Int64.self), [1, 1])
            XCTAssertEqual(Tensor.full([2], 7, dtype: d).dtype, d)
            XCTAssertEqual(Tensor.empty([4], dtype: d).shape, [4])
            XCTAssertEqual(Tensor.zerosLike(Tensor.empty([2], dtype: d)).dtype, d)
        }
        // A negative fill wraps, as torch.full((2,), -1, dtype=torch.uint16) does.
        XCTAssertEqual(Tensor.full([2], -1, dtype: .uint16).toArray(UInt16.self), [65535, 65535])
        let t16 = Tensor([UInt16(1), 65535]), t32 = Tensor([[UInt32(4_000_000_000)], [2]]), t64 = Tensor([UInt64.max])
        XCTAssertEqual(t16.dtype, .uint16)
        XCTAssertEqual(t32.dtype, .uint32)
        XCTAssertEqual(t32.shape, [2, 1])
        XCTAssertEqual(t64.toArray(UInt64.self), [UInt64.max])
        XCTAssertEqual(t16[1].item(UInt16.self), 65535)
        XCTAssertEqual(t32[0, 0].item(UInt32.self), 4_000_000_000)
        XCTAssertEqual(t16.toArray(Float.self), [1, 65535])
        // arange has no unsigned kernel in PyTorch 2.11 (tested with its message below);
        // arange(...).to(.uint16) is the way, as there.
        XCTAssertEqual(Tensor.arange(3).to(.uint16).toArray(UInt16.self), [0, 1, 2])
    }

    func testPrintingMatchesPyTorch() throws {
        for c in try cases where c["kind"] as? String == "print" {
            let t = Fixtures.tensor(c["input"])
            XCTAssertEqual(t.description, c["repr"] as? String, c["name"] as! String)
        }
    }

    /// randint draws PyTorch's numbers for the unsigned dtypes too (seeded generator).
    func testRandintMatchesPyTorch() throws {
        var count = 0
        for c in try cases where c["kind"] as? String == "randint" {
            let d = dtype(c["dtype"])
            let (low, high) = (c["low"] as! Int, c["high"] as! Int)
            let drawn = Tensor.randint(low, high, [5], dtype: d, generator: Generator(seed: 3))
            assertExact(drawn, Fixtures.tensor(c["result"]), "\(d) [\(low), \(high))")
            count += 1
        }
        XCTAssertEqual(count, 9)
    }

    // MARK: views, indexing, joining

    func testViewsIndexingJoiningEquality() {
        let t = Tensor([[UInt32(1), 2, 3], [4_000_000_000, 5, 6]])
        XCTAssertEqual(t.t().contiguous().toArray(UInt32.self), [1, 4_000_000_000, 2, 5, 3, 6])
        XCTAssertEqual(t[1].toArray(UInt32.self), [4_000_000_000, 5, 6])
        XCTAssertEqual(t.reshape([3, 2]).toArray(UInt32.self), [1, 2, 3, 4_000_000_000, 5, 6])
        XCTAssertEqual(t.view(.int32).toArray(Int32.self), [1, 2, 3, -294_967_296, 5, 6])
        XCTAssertEqual(t.flatten()[Tensor([3, 0])].toArray(UInt32.self), [4_000_000_000, 1])
        XCTAssertEqual(Tensor.cat([t, t], dim: 1).shape, [2, 6])
        XCTAssertEqual(Tensor.stack([t, t]).shape, [2, 2, 3])
        XCTAssertTrue(t.equal(t.clone()))
        XCTAssertFalse(t.equal(t.flip([1])))
        XCTAssertTrue(t.allclose(t.clone()))
        let written = t.clone()
        written[0, 1] = Tensor(scalar: UInt32(9))
        XCTAssertEqual(written.toArray(UInt32.self), [1, 9, 3, 4_000_000_000, 5, 6])
        written.fill_(3)
        XCTAssertEqual(written.toArray(UInt32.self), [3, 3, 3, 3, 3, 3])
        written.zero_()
        XCTAssertEqual(written.toArray(UInt32.self), [0, 0, 0, 0, 0, 0])
        written.copy_(t)
        XCTAssertEqual(written.toArray(UInt32.self), t.toArray(UInt32.self))
    }

    // MARK: ops PyTorch supports

    private func run(_ op: String, _ x: Tensor, _ y: Tensor) -> Tensor {
        switch op {
        case "mul": return x * y
        case "mul_scalar": return x.mul(3)
        case "mul_negative_scalar": return x.mul(-1)
        case "mul_bool_scalar": return x.mul(.bool(true))
        case "mul_float_scalar": return x.mul(1.5)
        case "div": return x / y
        case "bitwise_and": return x.bitwiseAnd(y)
        case "bitwise_or": return x.bitwiseOr(y)
        case "bitwise_xor": return x.bitwiseXor(y)
        case "and_scalar": return x.bitwiseAnd(0xFF)
        case "eq": return x.eq(y)
        case "ne": return x.ne(y)
        case "eq_scalar": return x.eq(5)
        case "eq_minus_one": return x.eq(-1)
        case "ne_scalar": return x.ne(0)
        case "sum": return x.sum()
        case "prod": return x.prod()
        case "cumsum": return x.cumsum(dim: 0)
        case "cumprod": return x.cumprod(dim: 0)
        case "sort_values": return x.sort(dim: -1).values
        case "sort_indices": return x.sort(dim: -1).indices
        case "sort_desc_values": return x.sort(dim: 0, descending: true).values
        case "sort_desc_indices": return x.sort(dim: 0, descending: true).indices
        case "argsort": return x.argsort(dim: -1, stable: true)
        case "unique": return x.unique().values
        case "unique_inverse": return x.unique(returnInverse: true).inverse!
        case "unique_counts": return x.unique(returnCounts: true).counts!
        case "any": return x.any()
        case "all": return x.all()
        case "isnan": return x.isnan()
        case "floor": return x.floor()
        case "nan_to_num": return x.nanToNum()
        case "sqrt": return x.sqrt()
        case "to_double_sqrt": return x.double().sqrt()
        case "mul_float_tensor": return x * Tensor.full(x.shape, 0.5)
        case "cat": return Tensor.cat([x, y])
        case "flip_index": return x[..., Tensor([0, 0])]
        case "masked_select": return x[x.ne(0)]
        case "sum_dim": return x.sum(dim: 1)
        case "transpose_contiguous": return x.t().contiguous()
        default:
            XCTFail("unknown op \(op)")
            return x
        }
    }

    func testSupportedOpsMatchPyTorch() throws {
        var count = 0
        for c in try cases where c["kind"] as? String == "op" {
            let (x, y, op) = (Fixtures.tensor(c["a"]), Fixtures.tensor(c["b"]), c["op"] as! String)
            let expected = Fixtures.tensor(c["result"])
            if op == "sqrt" {
                // float32 sqrt: one ulp (PyTorch's vectorised sqrt of 300 is not the correctly
                // rounded 17.32050896, Ember's is).
                assertClose(run(op, x, y), expected, rtol: 1.2e-7, atol: 0, "\(x.dtype) \(op)")
            } else {
                assertExact(run(op, x, y), expected, "\(x.dtype) \(op)")
            }
            count += 1
        }
        XCTAssertEqual(count, 3 * 38 + 2 * 2)
    }

    func testInPlaceOps() throws {
        for c in try cases where c["kind"] as? String == "inplace" {
            let (x, y, op) = (Fixtures.tensor(c["a"]).clone(), Fixtures.tensor(c["b"]), c["op"] as! String)
            let storage = x.storage
            switch op {
            case "mul_": x.mul_(y)
            case "eq_": x.eq_(y)
            case "ne_": x.ne_(y)
            default: XCTFail("unknown op \(op)")
            }
            XCTAssertTrue(x.storage === storage)
            assertExact(x, Fixtures.tensor(c["result"]), op)
        }
    }

    // MARK: ops PyTorch rejects

    func testRejectedOpsStopWithPyTorchsMessage() throws {
        let ops: [String: (Tensor) -> Void] = [
            "add": { _ = $0 + $0 }, "sub": { _ = $0 - $0 }, "add_scalar": { _ = $0.add(1) }, "neg": { _ = -$0 },
            "abs": { _ = $0.abs() }, "lt": { _ = $0.lt($0) }, "le": { _ = $0.le($0) }, "gt": { _ = $0.gt($0) },
            "ge": { _ = $0.ge($0) }, "max": { _ = $0.max() }, "min": { _ = $0.min() }, "argmax": { _ = $0.argmax() },
            "topk": { _ = $0.topk(1) }, "maximum": { _ = $0.maximum($0) }, "remainder": { _ = $0.remainder($0) },
            "pow": { _ = $0.pow(2) }, "bitwise_not": { _ = $0.bitwiseNot() },
            "masked_fill": { _ = $0.maskedFill(Tensor.onesLike($0, dtype: .bool), 1) },
            "where": { _ = Tensor.where(Tensor.onesLike($0, dtype: .bool), $0, $0) },
            "matmul": { _ = $0.reshape([1, -1]).matmul($0.reshape([-1, 1])) },
            "arange": { _ = Tensor.arange(3, dtype: $0.dtype) }, "mean": { _ = $0.mean() },
            "kthvalue": { _ = $0.kthvalue(1) }, "lt_": { $0.clone().lt_($0) },
            "add_int32": { _ = $0 + $0.to(.int32) }, "eq_int64": { _ = $0.eq($0.to(.int64)) },
        ]
        var count = 0
        for c in try cases where c["kind"] as? String == "rejected" {
            let t = Tensor([3, 1, 2]).to(dtype(c["dtype"]))
            let op = c["op"] as! String
            guard let message = c["message"] as? String else { return XCTFail("PyTorch accepted \(op)") }
            guard let body = ops[op] else { return XCTFail("no Ember op for \(op)") }
            assertStops(containing: [message]) { body(t) }
            count += 1
        }
        XCTAssertEqual(count, 3 * ops.count)
    }

    /// The example of Docs/Core.md's unsigned paragraph, as written there.
    func testGuideExample() {
        let u = Tensor([UInt16(3), 65535])
        XCTAssertEqual((u * 2).dtype, .uint16)
        XCTAssertEqual((u * 2).toArray(UInt16.self), [6, 65534])
        XCTAssertEqual((u * 0.5).dtype, .float32)
        XCTAssertEqual((u.to(.int32) + Tensor([1], dtype: .int32)).toArray(Int32.self), [4, 65536])
        assertStops(containing: ["\"add_stub\" not implemented for 'UInt16'"]) { _ = u + u }
        assertStops(containing: ["attempted to promote UInt16 and Int"]) { _ = u + Tensor([1], dtype: .int32) }
    }

    // MARK: checkpoints

    private var fixtures: URL { Fixtures.root.appendingPathComponent("Core") }

    private func expectedCheckpoint() -> [String: Tensor] {
        let base = Tensor([[UInt16(1), 65535, 3], [40000, 5, 0]])
        return [
            "u16": base, "u16_column": base[0..., 1],
            "u32": Tensor([UInt32(4_294_967_295), 7, 70000]),
            "u64": Tensor([UInt64.max, 1 << 63, 12345]),
        ]
    }

    func testReadsPyTorchWrittenPt() throws {
        let dict = try TorchCheckpoint.loadStateDict(fixtures.appendingPathComponent("unsigned.pt").path)
        for (key, expected) in expectedCheckpoint() { assertExact(dict[key]!, expected, key) }
        // The column view keeps sharing u16's storage, as in PyTorch.
        XCTAssertTrue(dict["u16_column"]!.storage === dict["u16"]!.storage)
    }

    func testPtRoundTrip() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("unsigned-\(UUID()).pt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try TorchCheckpoint.save(expectedCheckpoint(), to: path)
        let dict = try TorchCheckpoint.loadStateDict(path)
        for (key, expected) in expectedCheckpoint() { assertExact(dict[key]!, expected, key) }
    }

    func testSafetensorsMatchesTheLibrary() throws {
        let path = fixtures.appendingPathComponent("unsigned.safetensors").path
        var expected = expectedCheckpoint()
        expected["u16_column"] = nil
        let loaded = try Safetensors.load(path)
        XCTAssertEqual(Set(loaded.keys), Set(expected.keys))
        for (key, tensor) in expected { assertExact(loaded[key]!, tensor, key) }
        // Byte for byte what the Python library wrote (header order: dtype rank, then name).
        XCTAssertEqual(Array(Safetensors.serialize(expected)), Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }
}
