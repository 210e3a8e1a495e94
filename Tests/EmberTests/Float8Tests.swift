import Foundation
import XCTest
@testable import Ember

/// float8 e4m3fn and e5m2 against PyTorch (`Scripts/fixtures/core_checkpoint_extra.py`): the
/// conversions are compared bit for bit (tolerance 0), since PyTorch's roundings are exact
/// functions of the input bits.
final class Float8Tests: XCTestCase {
    private static let dtypes: [DType] = [.float8e4m3fn, .float8e5m2]
    private lazy var cases: [String: [String: Any]] = {
        let all = (try? Fixtures.cases("Core/float8_conversions.json")) ?? []
        return Dictionary(all.map { ($0["name"] as! String, $0) }, uniquingKeysWith: { a, _ in a })
    }()

    private func fixture(_ name: String) -> [String: Any] {
        guard let c = cases[name] else { fatalError("missing fixture case \(name)") }
        return c
    }

    private func ints(_ value: Any?) -> [Int64] { (value as! [NSNumber]).map(\.int64Value) }
    private func bytes(_ value: Any?) -> [UInt8] { (value as! [NSNumber]).map(\.uint8Value) }
    private func hex64(_ value: Any?) -> [UInt64] { (value as! [String]).map { UInt64($0, radix: 16)! } }

    /// The 256 possible values of a float8 dtype, in byte order.
    private func everyValue(_ dtype: DType) -> Tensor { Tensor((0...255).map { UInt8($0) }).view(dtype) }

    func testDecodingEveryByteMatchesPyTorch() {
        for dtype in Self.dtypes {
            let c = fixture("\(dtype).decode"), values = everyValue(dtype)
            XCTAssertEqual(values.to(.float32).view(.int32).toArray(Int32.self).map(Int64.init), ints(c["float32_bits"]), "\(dtype)")
            XCTAssertEqual(
                values.to(.float64).view(.int64).toArray(Int64.self).map { UInt64(bitPattern: $0) }, hex64(c["float64_bits"]), "\(dtype)")
            XCTAssertEqual(values.to(.bfloat16).view(.int16).toArray(Int16.self).map { Int64(UInt16(bitPattern: $0)) }, ints(c["bfloat16_bits"]), "\(dtype)")
            XCTAssertEqual(values.to(.float16).view(.int16).toArray(Int16.self).map { Int64(UInt16(bitPattern: $0)) }, ints(c["float16_bits"]), "\(dtype)")
            // The element types agree with the tensor path.
            let floats = ints(c["float32_bits"])
            for byte in 0...255 {
                let bits = dtype == .float8e4m3fn
                    ? Float8E4M3FN(bitPattern: UInt8(byte)).floatValue.bitPattern : Float8E5M2(bitPattern: UInt8(byte)).floatValue.bitPattern
                XCTAssertEqual(Int64(Int32(bitPattern: bits)), floats[byte], "\(dtype) byte \(byte)")
            }
        }
    }

    func testEncodingFromFloat32MatchesPyTorch() {
        for dtype in Self.dtypes {
            let c = fixture("\(dtype).from_float32")
            let inputs = Tensor(ints(c["input_bits"]).map { Int32($0) }).view(.float32)
            let got = inputs.to(dtype).view(.uint8).toArray(UInt8.self), want = bytes(c["bytes"])
            XCTAssertEqual(got.count, want.count)
            let floats = inputs.toArray(Float.self)
            var mismatches = 0
            for i in got.indices where got[i] != want[i] {
                mismatches += 1
                if mismatches <= 5 { XCTFail("\(dtype): \(floats[i]) became byte \(got[i]), PyTorch gives \(want[i])") }
            }
            // The element initialisers are the same code.
            for (value, byte) in zip(floats, want).prefix(500) {
                XCTAssertEqual(dtype == .float8e4m3fn ? Float8E4M3FN(value).bitPattern : Float8E5M2(value).bitPattern, byte, "\(value)")
            }
        }
    }

    func testEncodingFromOtherDTypesMatchesPyTorch() {
        for dtype in Self.dtypes {
            // float64 rounds to float32 first (PyTorch's cast), so ties below float32's
            // resolution round twice.
            let f64 = fixture("\(dtype).from_float64")
            let doubles = Tensor(hex64(f64["input_bits"]).map { Int64(bitPattern: $0) }).view(.float64)
            XCTAssertEqual(doubles.to(dtype).view(.uint8).toArray(UInt8.self), bytes(f64["bytes"]), "\(dtype) from float64")

            for half in [DType.float16, .bfloat16] {
                let c = fixture("\(dtype).from_\(half)")
                let stride = (c["stride"] as! NSNumber).intValue
                let patterns = Tensor(Swift.stride(from: 0, to: 65536, by: stride).map { Int16(truncatingIfNeeded: $0) }).view(half)
                XCTAssertEqual(patterns.to(dtype).view(.uint8).toArray(UInt8.self), bytes(c["bytes"]), "\(dtype) from \(half)")
            }

            let i64 = fixture("\(dtype).from_int64")
            XCTAssertEqual(Tensor(ints(i64["input"])).to(dtype).view(.uint8).toArray(UInt8.self), bytes(i64["bytes"]), "\(dtype) from int64")
        }
    }

    func testEveryValueRoundTripsThroughFloat32() {
        for dtype in Self.dtypes {
            let values = everyValue(dtype)
            let back = values.to(.float32).to(dtype).view(.uint8).toArray(UInt8.self)
            let isNaN = values.to(.float32).toArray(Float.self).map(\.isNaN)
            for byte in 0...255 {
                if isNaN[byte] {
                    // NaNs come back as the canonical NaN of their sign.
                    XCTAssertEqual(back[byte] & 0x7F, 0x7F, "\(dtype) NaN byte \(byte)")
                } else {
                    XCTAssertEqual(back[byte], UInt8(byte), "\(dtype) byte \(byte)")
                }
            }
            // And through float64, float16 and bfloat16 (all hold every float8 value exactly).
            for wide in [DType.float64, .float16, .bfloat16] {
                let again = values.to(wide).to(dtype).view(.uint8).toArray(UInt8.self)
                for byte in 0...255 where !isNaN[byte] { XCTAssertEqual(again[byte], UInt8(byte), "\(dtype) via \(wide) byte \(byte)") }
            }
        }
    }

    func testCopiesViewsAndReshapesKeepBytes() {
        for dtype in Self.dtypes {
            let raw = (0..<12).map { UInt8($0 * 9 + 3) }
            let t = Tensor(raw).view(dtype).reshape(3, 4)
            XCTAssertEqual(t.dtype, dtype)
            XCTAssertEqual(t.dtype.itemSize, 1)
            let transposedBytes = (0..<4).flatMap { c in (0..<3).map { r in raw[r * 4 + c] } }
            XCTAssertFalse(t.t().isContiguous)
            XCTAssertEqual(t.t().contiguous().view(.uint8).toArray(UInt8.self), transposedBytes)
            XCTAssertEqual(t.t().clone().view(.uint8).toArray(UInt8.self), transposedBytes)
            XCTAssertEqual(t.t().reshape(12).view(.uint8).toArray(UInt8.self), transposedBytes)
            XCTAssertEqual(t.narrow(1, start: 1, length: 2).contiguous().view(.uint8).toArray(UInt8.self), [12, 21, 48, 57, 84, 93])
            let destination = Tensor.zeros([4, 3], dtype: dtype)
            destination.copy_(t.t())
            XCTAssertEqual(destination.view(.uint8).toArray(UInt8.self), transposedBytes)
            XCTAssertEqual(Tensor.cat([t, t], dim: 0).view(.uint8).toArray(UInt8.self), raw + raw)
            // toArray of the element type gives the bytes back as bit patterns.
            if dtype == .float8e4m3fn {
                XCTAssertEqual(t.toArray(Float8E4M3FN.self).map(\.bitPattern), raw)
            } else {
                XCTAssertEqual(t.toArray(Float8E5M2.self).map(\.bitPattern), raw)
            }
            // The byte view shares storage: writing through it changes the float8 tensor.
            t.view(.uint8).narrow(0, start: 0, length: 1).fill_(0)
            XCTAssertEqual(t.view(.uint8).toArray(UInt8.self).prefix(4), [0, 0, 0, 0])
            XCTAssertEqual(Tensor.full([2], 1.5, dtype: dtype).to(.float32).toArray(Float.self), [1.5, 1.5])
            XCTAssertEqual(Tensor([-3.0]).to(dtype).item(Float.self), -3, "item converts")
        }
    }

    func testPromotionAndScalarResultTypes() {
        for dtype in Self.dtypes {
            XCTAssertTrue(dtype.isFloatingPoint && dtype.isFloat8 && dtype.isSigned)
            XCTAssertEqual(DType.promote(dtype, dtype), dtype)
            // A Python scalar does not promote a float8 tensor (torch.result_type gives float8).
            let t = Tensor.zeros([2], dtype: dtype)
            XCTAssertEqual(resultType([t], scalars: [.double(2.5)]), dtype)
            XCTAssertEqual(resultType([t], scalars: [.int(3)]), dtype)
        }
        XCTAssertEqual(DType.float8e4m3fn.description, "float8_e4m3fn")
        XCTAssertEqual(DType(rawValue: "float8_e5m2"), .float8e5m2)
        XCTAssertEqual(DType.float8e5m2.scalarTypeName, "Float8_e5m2")
        XCTAssertEqual(
            Float8Support.unsupported("add", .float8e4m3fn), "add: float8_e4m3fn tensors support only conversion (.to(.float32)) and copies")
    }

    func testPrintingMatchesPyTorch() {
        for dtype in Self.dtypes {
            let c = fixture("\(dtype).print")
            let tensor = c["tensor"] as! [String: Any]
            let t = Tensor(bytes(tensor["bytes"])).view(dtype)
            XCTAssertEqual(t.description, c["str"] as? String)
        }
    }
}
