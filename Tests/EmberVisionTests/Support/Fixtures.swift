import Foundation
import XCTest
import Ember

/// Reads the JSON fixtures and images that `Scripts/fixtures/vision_*.py` write under
/// `Tests/Fixtures/Vision/` (same format as Core's: `{"generator", "torch", "cases"}`).
enum VisionFixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("Vision")

    static func imagePath(_ name: String) -> String { root.appendingPathComponent("images").appendingPathComponent(name).path }

    static func imageData(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: imagePath(name))) }

    static func cases(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        let data = try Data(contentsOf: root.appendingPathComponent(name))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        guard let cases = object?["cases"] as? [[String: Any]] else {
            XCTFail("fixture \(name) has no cases", file: file, line: line)
            return []
        }
        return cases
    }

    /// A fixture tensor dict (`{"dtype", "shape", "data"}`) as a Tensor.
    static func tensor(_ value: Any?) -> Tensor {
        guard let dict = value as? [String: Any], let dtypeName = dict["dtype"] as? String,
            let dtype = DType(rawValue: dtypeName), let shape = dict["shape"] as? [Int],
            let data = dict["data"] as? [Any]
        else { fatalError("malformed fixture tensor: \(String(describing: value))") }
        if dtype.isFloatingPoint { return Tensor(data.map(double), shape: shape).to(dtype) }
        return Tensor(data.map { ($0 as! NSNumber).int64Value }, shape: shape).to(dtype)
    }

    static func double(_ value: Any) -> Double {
        if let s = value as? String {
            guard let parsed = Double(s) else { fatalError("bad fixture number \(s)") }
            return parsed
        }
        return (value as! NSNumber).doubleValue
    }
}

/// FNV-1a (64-bit) over a tensor's elements in row-major order: uint8 as bytes, 16-bit PNG samples
/// as little-endian uint16 (int32 tensors too, their low 16 bits) — the generator's `tensor_hash`.
func fnv1a(_ tensor: Tensor) -> String {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    func mix(_ byte: UInt8) {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01B3
    }
    switch tensor.dtype {
    case .uint8: for v in tensor.contiguous().toArray(UInt8.self) { mix(v) }
    case .uint16:
        for v in tensor.contiguous().toArray(UInt16.self) {
            mix(UInt8(truncatingIfNeeded: v))
            mix(UInt8(truncatingIfNeeded: v >> 8))
        }
    case .int32:
        for v in tensor.contiguous().toArray(Int32.self) {
            mix(UInt8(truncatingIfNeeded: v))
            mix(UInt8(truncatingIfNeeded: v >> 8))
        }
    default: fatalError("fnv1a: unsupported dtype \(tensor.dtype)")
    }
    return String(hash, radix: 16).leftPadded(to: 16)
}

func fnv1a(_ data: Data) -> String {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in data {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01B3
    }
    return String(hash, radix: 16).leftPadded(to: 16)
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// Asserts equal shape and dtype and values within `atol + rtol * |expected|` (torch.testing.assert_close's rule).
func assertClose(
    _ actual: Tensor, _ expected: Tensor, rtol: Double = 0, atol: Double = 0, checkDType: Bool = true,
    _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(actual.shape, expected.shape, "shape \(message())", file: file, line: line)
    if checkDType { XCTAssertEqual(actual.dtype, expected.dtype, "dtype \(message())", file: file, line: line) }
    guard actual.shape == expected.shape else { return }
    let a = actual.toArray(Double.self), e = expected.toArray(Double.self)
    var failures = 0
    var worst = 0.0
    for i in 0..<a.count {
        let (x, y) = (a[i], e[i])
        let ok = y.isNaN ? x.isNaN : (y.isInfinite ? x == y : abs(x - y) <= atol + rtol * abs(y))
        if !ok {
            failures += 1
            worst = max(worst, abs(x - y))
            if failures <= 3 {
                XCTFail("element \(i): \(x) vs expected \(y) (rtol \(rtol), atol \(atol)) \(message())", file: file, line: line)
            }
        }
    }
    if failures > 3 { XCTFail("\(failures) elements differ in total, worst by \(worst) \(message())", file: file, line: line) }
}
