import Ember
import Foundation

extension Functional {
    /// μ-law companding of a signal in [-1, 1] to integers 0..<`quantizationChannels`
    /// (`torchaudio.functional.mu_law_encoding`): sign(x)·ln(1 + μ|x|)/ln(1 + μ) mapped
    /// linearly onto the levels and truncated, μ = channels − 1. Returns int64.
    ///
    /// Computed in float32 for float32 (and integer) input, as torchaudio does, so that the
    /// truncation lands on the same level.
    public static func muLawEncoding(_ x: Tensor, quantizationChannels: Int = 256) -> Tensor {
        precondition(quantizationChannels > 1, "mu_law_encoding: quantization_channels must be > 1, got \(quantizationChannels)")
        if x.dtype == .float64 {
            let mu = Double(quantizationChannels - 1)
            let values = x.toArray(Double.self).map { v -> Int64 in
                let y = sign(v) * Foundation.log1p(mu * abs(v)) / Foundation.log1p(mu)
                return Int64(truncatingIfNeeded: Int((y + 1) / 2 * mu + 0.5))
            }
            return Tensor(values, shape: x.shape)
        }
        let mu = Float(quantizationChannels - 1)
        let logMu = Foundation.log1p(mu)
        let values = x.toArray(Float.self).map { v -> Int64 in
            let y = sign(v) * Foundation.log1p(mu * abs(v)) / logMu
            let level = (y + 1) / 2 * mu + 0.5
            return level.isFinite ? Int64(level) : 0
        }
        return Tensor(values, shape: x.shape)
    }

    /// Inverse of ``muLawEncoding(_:quantizationChannels:)``
    /// (`torchaudio.functional.mu_law_decoding`): levels back to [-1, 1]. Float64 input gives
    /// float64, anything else float32.
    public static func muLawDecoding(_ xMu: Tensor, quantizationChannels: Int = 256) -> Tensor {
        precondition(quantizationChannels > 1, "mu_law_decoding: quantization_channels must be > 1, got \(quantizationChannels)")
        if xMu.dtype == .float64 {
            let mu = Double(quantizationChannels - 1)
            let values = xMu.toArray(Double.self).map { v -> Double in
                let x = v / mu * 2 - 1
                return sign(x) * (Foundation.exp(abs(x) * Foundation.log1p(mu)) - 1) / mu
            }
            return Tensor(values, shape: xMu.shape)
        }
        let mu = Float(quantizationChannels - 1)
        let logMu = Foundation.log1p(mu)
        let values = xMu.toArray(Float.self).map { v -> Float in
            let x = v / mu * 2 - 1
            return sign(x) * (Foundation.exp(abs(x) * logMu) - 1) / mu
        }
        return Tensor(values, shape: xMu.shape)
    }

    /// torch.sign: −1, 0 or 1 (NaN stays NaN).
    @inline(__always) static func sign<T: FloatingPoint>(_ v: T) -> T {
        v > 0 ? 1 : v < 0 ? -1 : v
    }
}
