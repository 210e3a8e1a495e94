import Foundation
import XCTest
@testable import Ember

/// Reads the JSON fixtures that `Scripts/fixtures/*.py` write with `fixturelib.py`.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// The `cases` array of `Tests/Fixtures/<path>`.
    static func cases(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        let data = try Data(contentsOf: root.appendingPathComponent(path))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        guard let cases = object?["cases"] as? [[String: Any]] else {
            XCTFail("fixture \(path) has no cases", file: file, line: line)
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
        if dtype.isComplex {
            // (real, imaginary) pairs, as fixturelib writes complex tensors.
            return Tensor(data.map(double), shape: shape + [2]).to(dtype.toReal).viewAsComplex()
        }
        if dtype.isFloatingPoint {
            let values = data.map(double)
            return Tensor(values, shape: shape).to(dtype)
        }
        if dtype == .bool {
            return Tensor(data.map { ($0 as? Bool) ?? (($0 as? NSNumber)?.boolValue ?? false) }, shape: shape)
        }
        if dtype == .uint64 {
            // Decimal strings: fixturelib writes uint64 values so (JSON integers stop at int64).
            return Tensor(data.map { UInt64($0 as! String)! }, shape: shape)
        }
        return Tensor(data.map { ($0 as! NSNumber).int64Value }, shape: shape).to(dtype)
    }

    static func double(_ value: Any) -> Double {
        // Floats are stored as repr strings so that they parse exactly.
        if let s = value as? String {
            guard let parsed = Double(s) else { fatalError("bad fixture number \(s)") }
            return parsed
        }
        return (value as! NSNumber).doubleValue
    }
}

/// Asserts equal shape and dtype and values within `atol + rtol * |expected|` (NaNs must match NaNs,
/// infinities must match exactly) — the rule of `torch.testing.assert_close`.
func assertClose(
    _ actual: Tensor, _ expected: Tensor, rtol: Double = 0, atol: Double = 0, checkDType: Bool = true,
    _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
) {
    if actual.dtype.isComplex || expected.dtype.isComplex {
        // Complex values compare as their real and imaginary parts, each by the same rule.
        if checkDType { XCTAssertEqual(actual.dtype, expected.dtype, "dtype \(message())", file: file, line: line) }
        let pairs = { (t: Tensor) in t.dtype.isComplex ? t.detach().viewAsReal() : Tensor.complex(real: t.detach().to(.float64), imag: Tensor.zerosLike(t, dtype: .float64)).viewAsReal() }
        assertClose(pairs(actual), pairs(expected), rtol: rtol, atol: atol, checkDType: false, message(), file: file, line: line)
        return
    }
    XCTAssertEqual(actual.shape, expected.shape, "shape \(message())", file: file, line: line)
    if checkDType { XCTAssertEqual(actual.dtype, expected.dtype, "dtype \(message())", file: file, line: line) }
    guard actual.shape == expected.shape else { return }
    let a = actual.toArray(Double.self), e = expected.toArray(Double.self)
    var failures = 0
    for i in 0..<a.count {
        let (x, y) = (a[i], e[i])
        let ok: Bool
        if y.isNaN { ok = x.isNaN } else if y.isInfinite { ok = x == y } else { ok = abs(x - y) <= atol + rtol * abs(y) }
        if !ok {
            failures += 1
            if failures <= 5 {
                XCTFail("element \(i): \(x) vs expected \(y) (rtol \(rtol), atol \(atol)) \(message())", file: file, line: line)
            }
        }
    }
    if failures > 5 { XCTFail("\(failures) elements differ in total \(message())", file: file, line: line) }
}

/// Rounds for the mutation-fuzz tests: `default` in the normal suite, `EMBER_FUZZ_ROUNDS`
/// when `Scripts/fuzz` runs them longer.
func fuzzRounds(_ defaultRounds: Int) -> Int {
    ProcessInfo.processInfo.environment["EMBER_FUZZ_ROUNDS"].flatMap(Int.init) ?? defaultRounds
}
