import Ember
import Foundation
import XCTest

/// Reads the JSON fixtures that `Scripts/fixtures/audio_*.py` write with `fixturelib.py`
/// (the same conventions as the Core tests' reader; test targets cannot share files).
enum AudioFixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("Audio")

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The `cases` array of `Tests/Fixtures/Audio/<name>`.
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

    /// Floats are stored as repr strings so that they parse exactly.
    static func double(_ value: Any) -> Double {
        if let s = value as? String {
            guard let parsed = Double(s) else { fatalError("bad fixture number \(s)") }
            return parsed
        }
        return (value as! NSNumber).doubleValue
    }
}

/// Asserts equal shape (and dtype) and values within `atol + rtol * |expected|`, the rule of
/// `torch.testing.assert_close`.
func assertClose(
    _ actual: Tensor, _ expected: Tensor, rtol: Double = 0, atol: Double = 0, checkDType: Bool = true,
    _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(actual.shape, expected.shape, "shape \(message())", file: file, line: line)
    if checkDType { XCTAssertEqual(actual.dtype, expected.dtype, "dtype \(message())", file: file, line: line) }
    guard actual.shape == expected.shape else { return }
    let a = actual.toArray(Double.self), e = expected.toArray(Double.self)
    var failures = 0
    for i in 0..<a.count {
        let (x, y) = (a[i], e[i])
        let ok = y.isNaN ? x.isNaN : y.isInfinite ? x == y : abs(x - y) <= atol + rtol * abs(y)
        if !ok {
            failures += 1
            if failures <= 5 {
                XCTFail("element \(i): \(x) vs expected \(y) (rtol \(rtol), atol \(atol)) \(message())", file: file, line: line)
            }
        }
    }
    if failures > 5 { XCTFail("\(failures) elements differ in total \(message())", file: file, line: line) }
}

/// CRC-32 (IEEE, zlib's) of a tensor's row-major little-endian bytes: the fixtures summarise
/// whole decoded waveforms this way, an exact check of every sample.
func crc32(_ tensor: Tensor) -> UInt32 {
    let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
    func bytes<T: TensorElement>(_: T.Type) -> [UInt8] {
        tensor.toArray(T.self).withUnsafeBytes { Array($0) }
    }
    let data: [UInt8]
    switch tensor.dtype {
    case .float32: data = bytes(Float.self)
    case .float64: data = bytes(Double.self)
    case .int16: data = bytes(Int16.self)
    case .int32: data = bytes(Int32.self)
    case .uint8: data = bytes(UInt8.self)
    case .int8: data = bytes(Int8.self)
    default: fatalError("crc32: unsupported dtype \(tensor.dtype)")
    }
    var crc: UInt32 = 0xFFFF_FFFF
    for b in data { crc = table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
    return crc ^ 0xFFFF_FFFF
}
