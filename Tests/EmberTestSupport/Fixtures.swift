import Ember
import Foundation
import XCTest

/// A folder of `Tests/Fixtures`, read as `Scripts/fixtures/*.py` write it with `fixturelib.py`:
/// JSON files `{"generator", "torch", "cases"}` whose tensors are `{"dtype", "shape", "data"}`
/// dicts. One reader for every test target (Core, Vision, Audio), each with its own folder.
public struct FixtureFolder: Sendable {
    public let root: URL

    /// `Tests/Fixtures/<subfolder>` (the fixtures folder itself when nil).
    public init(_ subfolder: String? = nil) {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures")
        if let subfolder { url = url.appendingPathComponent(subfolder) }
        root = url
    }

    /// The path of a file in this folder.
    public func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The `cases` array of the JSON file `name`.
    public func cases(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        let data = try Data(contentsOf: root.appendingPathComponent(name))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        guard let cases = object?["cases"] as? [[String: Any]] else {
            XCTFail("fixture \(name) has no cases", file: file, line: line)
            return []
        }
        return cases
    }

    /// A fixture tensor dict as a Tensor: floats as exact repr strings, complex values as
    /// (real, imaginary) pairs, uint64 as decimal strings (JSON integers stop at int64).
    public static func tensor(_ value: Any?) -> Tensor {
        guard let dict = value as? [String: Any], let dtypeName = dict["dtype"] as? String,
            let dtype = DType(rawValue: dtypeName), let shape = dict["shape"] as? [Int],
            let data = dict["data"] as? [Any]
        else { fatalError("malformed fixture tensor: \(String(describing: value))") }
        if dtype.isComplex {
            return Tensor(data.map(double), shape: shape + [2]).to(dtype.toReal).viewAsComplex()
        }
        if dtype.isFloatingPoint { return Tensor(data.map(double), shape: shape).to(dtype) }
        if dtype == .bool {
            return Tensor(data.map { ($0 as? Bool) ?? (($0 as? NSNumber)?.boolValue ?? false) }, shape: shape)
        }
        if dtype == .uint64 { return Tensor(data.map { UInt64($0 as! String)! }, shape: shape) }
        return Tensor(data.map { ($0 as! NSNumber).int64Value }, shape: shape).to(dtype)
    }

    /// A fixture number: a repr string (exact) or a JSON number.
    public static func double(_ value: Any) -> Double {
        if let s = value as? String {
            guard let parsed = Double(s) else { fatalError("bad fixture number \(s)") }
            return parsed
        }
        return (value as! NSNumber).doubleValue
    }
}

/// Asserts equal shape and dtype and values within `atol + rtol * |expected|` (NaNs must match
/// NaNs, infinities must match exactly): the rule of `torch.testing.assert_close`. Complex
/// values compare as their real and imaginary parts, each by the same rule.
public func assertClose(
    _ actual: Tensor, _ expected: Tensor, rtol: Double = 0, atol: Double = 0, checkDType: Bool = true,
    _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
) {
    if actual.dtype.isComplex || expected.dtype.isComplex {
        if checkDType { XCTAssertEqual(actual.dtype, expected.dtype, "dtype \(message())", file: file, line: line) }
        let pairs = { (t: Tensor) in
            t.dtype.isComplex
                ? t.detach().viewAsReal()
                : Tensor.complex(real: t.detach().to(.float64), imag: Tensor.zerosLike(t, dtype: .float64)).viewAsReal()
        }
        assertClose(pairs(actual), pairs(expected), rtol: rtol, atol: atol, checkDType: false, message(), file: file, line: line)
        return
    }
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
            if failures <= 5 {
                XCTFail("element \(i): \(x) vs expected \(y) (rtol \(rtol), atol \(atol)) \(message())", file: file, line: line)
            }
        }
    }
    if failures > 5 { XCTFail("\(failures) elements differ in total, worst by \(worst) \(message())", file: file, line: line) }
}
