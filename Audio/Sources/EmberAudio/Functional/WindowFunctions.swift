import Ember
import Foundation

/// Window functions with `torch.hann_window`'s conventions: `periodic: true` (the default)
/// gives the first `length` points of a symmetric window of `length + 1`, the form spectral
/// analysis wants; a length of 1 gives `[1]` and 0 an empty tensor. Values are computed in
/// double and rounded to `dtype`.
///
/// These live in EmberAudio until Core gains `stft`, whose windows they are.
public enum Windows {
    /// `torch.hann_window`: 0.5 − 0.5·cos(2πn / (N − 1)).
    public static func hann(_ length: Int, periodic: Bool = true, dtype: DType = .float32) -> Tensor {
        hamming(length, periodic: periodic, alpha: 0.5, beta: 0.5, dtype: dtype)
    }

    /// `torch.hamming_window`: α − β·cos(2πn / (N − 1)).
    public static func hamming(
        _ length: Int, periodic: Bool = true, alpha: Double = 0.54, beta: Double = 0.46, dtype: DType = .float32
    ) -> Tensor {
        make("hamming_window", length, periodic, dtype) { n, m in alpha - beta * cos(2 * Double.pi * n / (m - 1)) }
    }

    /// `torch.blackman_window`: 0.42 − 0.5·cos(2πn / (N − 1)) + 0.08·cos(4πn / (N − 1)).
    public static func blackman(_ length: Int, periodic: Bool = true, dtype: DType = .float32) -> Tensor {
        make("blackman_window", length, periodic, dtype) { n, m in
            let x = Double.pi * n / (m - 1)
            return 0.42 - 0.5 * cos(2 * x) + 0.08 * cos(4 * x)
        }
    }

    /// `torch.bartlett_window`: the triangle 1 − |2n / (N − 1) − 1|.
    public static func bartlett(_ length: Int, periodic: Bool = true, dtype: DType = .float32) -> Tensor {
        make("bartlett_window", length, periodic, dtype) { n, m in 1 - abs(2 * n / (m - 1) - 1) }
    }

    /// `torch.kaiser_window`: I0(β·√(1 − ((n − c)/c)²)) / I0(β) with c = (N − 1)/2.
    public static func kaiser(_ length: Int, periodic: Bool = true, beta: Double = 12, dtype: DType = .float32) -> Tensor {
        let norm = besselI0(beta)
        return make("kaiser_window", length, periodic, dtype) { n, m in
            let c = (m - 1) / 2
            let r = (n - c) / c
            return besselI0(beta * max(0, 1 - r * r).squareRoot()) / norm
        }
    }

    /// Evaluates `value(n, N)` for n in 0..<length, with N = length + 1 when periodic.
    private static func make(
        _ op: String, _ length: Int, _ periodic: Bool, _ dtype: DType, _ value: (Double, Double) -> Double
    ) -> Tensor {
        precondition(length >= 0, "\(op): requires non-negative window length, got window_length=\(length)")
        precondition(dtype.isFloatingPoint, "\(op): expects floating point dtypes, got: \(dtype)")
        if length == 0 { return Tensor(empty: [0], dtype: dtype) }
        if length == 1 { return Tensor.ones([1], dtype: dtype) }
        let m = Double(periodic ? length + 1 : length)
        return Tensor((0..<length).map { value(Double($0), m) }, shape: [length]).to(dtype)
    }
}
