import Foundation

/// Window functions (`torch.hann_window`, ...), the windows `stft` and `istft` take.
///
/// As in PyTorch, `periodic: true` (the default) gives the first `length` points of a
/// symmetric window of `length + 1` points, the form spectral analysis wants; `periodic:
/// false` gives the symmetric window. A length of 1 gives `[1]` and 0 an empty tensor. Values
/// are computed in double and rounded once to `dtype` (PyTorch computes in `dtype`, so
/// float32 windows can differ from PyTorch's in the last bit).
extension Tensor {
    /// `torch.hann_window`: 0.5 − 0.5·cos(2πn / (N − 1)).
    public static func hannWindow(_ length: Int, periodic: Bool = true, dtype: DType = .defaultFloat) -> Tensor {
        window("hann_window", length, periodic, dtype) { n, m in 0.5 - 0.5 * Foundation.cos(2 * Double.pi * n / (m - 1)) }
    }

    /// `torch.hamming_window`: α − β·cos(2πn / (N − 1)).
    public static func hammingWindow(
        _ length: Int, periodic: Bool = true, alpha: Double = 0.54, beta: Double = 0.46, dtype: DType = .defaultFloat
    ) -> Tensor {
        window("hamming_window", length, periodic, dtype) { n, m in alpha - beta * Foundation.cos(2 * Double.pi * n / (m - 1)) }
    }

    /// `torch.blackman_window`: 0.42 − 0.5·cos(2πn / (N − 1)) + 0.08·cos(4πn / (N − 1)).
    public static func blackmanWindow(_ length: Int, periodic: Bool = true, dtype: DType = .defaultFloat) -> Tensor {
        window("blackman_window", length, periodic, dtype) { n, m in
            let x = Double.pi * n / (m - 1)
            return 0.42 - 0.5 * Foundation.cos(2 * x) + 0.08 * Foundation.cos(4 * x)
        }
    }

    /// `torch.bartlett_window`: the triangle 1 − |2n / (N − 1) − 1|.
    public static func bartlettWindow(_ length: Int, periodic: Bool = true, dtype: DType = .defaultFloat) -> Tensor {
        window("bartlett_window", length, periodic, dtype) { n, m in 1 - Swift.abs(2 * n / (m - 1) - 1) }
    }

    /// `torch.kaiser_window`: I0(β·√(1 − ((n − c)/c)²)) / I0(β) with c = (N − 1)/2.
    public static func kaiserWindow(
        _ length: Int, periodic: Bool = true, beta: Double = 12, dtype: DType = .defaultFloat
    ) -> Tensor {
        let norm = besselI0(beta)
        return window("kaiser_window", length, periodic, dtype) { n, m in
            let c = (m - 1) / 2
            let r = (n - c) / c
            return besselI0(beta * Swift.max(0, 1 - r * r).squareRoot()) / norm
        }
    }

    /// Evaluates `value(n, N)` for n in 0..<length, with N = length + 1 when periodic.
    private static func window(
        _ op: String, _ length: Int, _ periodic: Bool, _ dtype: DType, _ value: (Double, Double) -> Double
    ) -> Tensor {
        precondition(length >= 0, "\(op): requires non-negative window length, got window_length=\(length)")
        precondition(dtype.isFloatingPoint, "\(op): expects floating point dtypes, got: \(dtype)")
        if length == 0 { return Tensor(empty: [0], dtype: dtype) }
        if length == 1 { return Tensor.ones([1], dtype: dtype) }
        let m = Double(periodic ? length + 1 : length)
        return Tensor((0..<length).map { value(Double($0), m) }, shape: [length]).to(dtype)
    }

    /// The modified Bessel function of the first kind, order 0: the power series
    /// Σ ((x/2)^k / k!)², summed until a term no longer changes the sum.
    static func besselI0(_ x: Double) -> Double {
        let q = x * x / 4
        var term = 1.0, sum = 1.0, k = 1.0
        while term > sum * 1e-17 {
            term *= q / (k * k)
            sum += term
            k += 1
        }
        return sum
    }
}
