import Ember
import Foundation

/// Fades the start and end of a waveform in and out (`torchaudio.transforms.Fade`).
public struct Fade: Sendable {
    /// The gain curve of a fade, with torchaudio's formulas (f runs 0 → 1 over the fade).
    public enum Shape: String, Sendable {
        /// f (in), 1 − f (out).
        case linear
        /// f·2^(f−1) (in), (1 − f)·2^(−f) (out).
        case exponential
        /// log10(0.1 + f) + 1 (in), log10(1.1 − f) + 1 (out).
        case logarithmic
        /// sin(f·π/2) (in), sin(f·π/2 + π/2) (out).
        case quarterSine = "quarter_sine"
        /// sin(f·π − π/2)/2 + 0.5 (in), sin(f·π + π/2)/2 + 0.5 (out).
        case halfSine = "half_sine"
    }

    public let fadeInLength: Int
    public let fadeOutLength: Int
    public let shape: Shape

    public init(fadeInLength: Int = 0, fadeOutLength: Int = 0, shape: Shape = .linear) {
        precondition(fadeInLength >= 0 && fadeOutLength >= 0, "Fade: lengths must be non-negative, got \(fadeInLength) and \(fadeOutLength)")
        self.fadeInLength = fadeInLength
        self.fadeOutLength = fadeOutLength
        self.shape = shape
    }

    /// `waveform` (`[..., time]`) times the fade-in and fade-out curves.
    public func callAsFunction(_ waveform: Tensor) -> Tensor {
        precondition(waveform.dim >= 1, "Fade: expected a waveform with a time dimension, got shape \(waveform.shape)")
        precondition(waveform.dtype.isFloatingPoint, "Fade: expected a floating waveform, got \(waveform.dtype)")
        let length = waveform.shape.last!
        precondition(
            fadeInLength <= length && fadeOutLength <= length,
            "Fade: fade lengths (\(fadeInLength), \(fadeOutLength)) exceed the waveform length \(length)")
        let gains = curve(length: length)
        let input = waveform.to(.float32).contiguous()
        let out = Tensor.audioFilled(waveform.shape, Float.self) { out, count in
            let x = input.audioPointer(Float.self)
            guard length > 0 else { return }
            var start = 0
            while start < count {
                for n in 0..<length { out[start + n] = gains[n] * x[start + n] }
                start += length
            }
        }
        return out.to(waveform.dtype)
    }

    /// fade_in(t) · fade_out(t) for every sample, in float32 as torchaudio computes it.
    func curve(length: Int) -> [Float] {
        var fadeIn = [Float](repeating: 1, count: length), fadeOut = [Float](repeating: 1, count: length)
        let rampIn = Fade.linspace(fadeInLength), rampOut = Fade.linspace(fadeOutLength)
        let halfPi = Float(Double.pi / 2), pi = Float(Double.pi)
        for (i, f) in rampIn.enumerated() {
            let v: Float
            switch shape {
            case .linear: v = f
            case .exponential: v = Foundation.pow(2, f - 1) * f
            case .logarithmic: v = Foundation.log10(0.1 + f) + 1
            case .quarterSine: v = Foundation.sin(f * halfPi)
            case .halfSine: v = Foundation.sin(f * pi - halfPi) / 2 + 0.5
            }
            fadeIn[i] = min(max(v, 0), 1)
        }
        let offset = length - fadeOutLength
        for (i, f) in rampOut.enumerated() {
            let v: Float
            switch shape {
            case .linear: v = -f + 1
            case .exponential: v = Foundation.pow(2, -f) * (1 - f)
            case .logarithmic: v = Foundation.log10(1.1 - f) + 1
            case .quarterSine: v = Foundation.sin(f * halfPi + halfPi)
            case .halfSine: v = Foundation.sin(f * pi + halfPi) / 2 + 0.5
            }
            fadeOut[offset + i] = min(max(v, 0), 1)
        }
        return (0..<length).map { fadeIn[$0] * fadeOut[$0] }
    }

    /// `torch.linspace(0, 1, n)` in float32: the first half stepped from 0, the second from 1.
    static func linspace(_ n: Int) -> [Float] {
        if n == 0 { return [] }
        if n == 1 { return [0] }
        let step = Float(1) / Float(n - 1)
        let half = n / 2
        return (0..<n).map { i in i < half ? step * Float(i) : 1 - step * Float(n - 1 - i) }
    }
}
