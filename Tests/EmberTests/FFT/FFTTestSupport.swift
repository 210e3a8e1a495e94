import XCTest
@testable import Ember

/// Inputs and comparisons shared by the FFT tests; `signal` is the exact integer formula of
/// `Scripts/fixtures/core_fft.py`, so fixtures store outputs only.
enum FFTTestSupport {
    static let cases: [[String: Any]] = (try? Fixtures.cases("Core/fft.json")) ?? []

    static func signal(_ shape: [Int], _ seed: Int, dtype: DType = .float64) -> Tensor {
        let count = shape.reduce(1, *)
        let values = (0..<count).map { j in Double((j * 7919 + seed * 104_729) % 2003) / 1001.5 - 1.0 }
        return Tensor(values, shape: shape).to(dtype)
    }

    static func csignal(_ shape: [Int], _ seed: Int, dtype: DType = .float64) -> Tensor {
        Tensor.stack([signal(shape, seed, dtype: dtype), signal(shape, seed + 1, dtype: dtype)], dim: -1).viewAsComplex()
    }

    /// Complex results in their real-view form; real ones as they are.
    static func realView(_ t: Tensor) -> Tensor { t.isComplex ? t.viewAsReal() : t }

    /// Every `stride`-th entry along dim `dim`.
    static func sampled(_ t: Tensor, stride: Int, dim: Int) -> Tensor {
        guard stride > 1 else { return t }
        let d = dim < 0 ? dim + t.dim : dim
        let index = Tensor(Array(Swift.stride(from: 0, to: t.shape[d], by: stride)).map { Int64($0) }, shape: [(t.shape[d] + stride - 1) / stride])
        return t.indexSelect(d, index)
    }

    /// Largest magnitude in `t` (at least 1, so tiny outputs get an absolute floor).
    static func scale(_ t: Tensor) -> Double {
        Swift.max(1, t.to(.float64).abs().max().item(Double.self))
    }

    /// Compares within `relative · max|expected|` (the FFT's error is spread evenly over bins,
    /// so a tolerance relative to each entry would be meaningless for near-zero bins).
    static func assertSpectrum(
        _ actual: Tensor, _ expected: Any?, relative: Double, _ message: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let e = Fixtures.tensor(expected)
        assertClose(
            actual.to(e.dtype), e, rtol: 0, atol: relative * scale(e), message, file: file, line: line)
    }
}
