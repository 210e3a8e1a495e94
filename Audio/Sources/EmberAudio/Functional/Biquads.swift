import Ember
import Foundation

/// The RBJ-cookbook / SoX biquad designs (`torchaudio.functional.*_biquad`). Coefficients are
/// computed in the waveform's precision, as torchaudio computes them on tensors of its dtype
/// (float32 arithmetic for float32 waveforms), then run through
/// ``Functional/biquad(_:b0:b1:b2:a0:a1:a2:)``; the output is clamped to [-1, 1].
extension Functional {
    /// Low-pass (`lowpass_biquad`): −12 dB/octave above `cutoffFreq`.
    public static func lowpassBiquad(_ waveform: Tensor, sampleRate: Int, cutoffFreq: Double, q: Double = 0.707) -> Tensor {
        func coefficients<T: DesignFloat>(_: T.Type) -> [T] {
            let d = RBJ<T>(sampleRate, cutoffFreq, q)
            let b0 = (1 - d.cosW0) / 2
            return [b0, 1 - d.cosW0, b0, 1 + d.alpha, -2 * d.cosW0, 1 - d.alpha]
        }
        return designed(waveform, coefficients(Float.self), coefficients(Double.self))
    }

    /// High-pass (`highpass_biquad`): −12 dB/octave below `cutoffFreq`.
    public static func highpassBiquad(_ waveform: Tensor, sampleRate: Int, cutoffFreq: Double, q: Double = 0.707) -> Tensor {
        func coefficients<T: DesignFloat>(_: T.Type) -> [T] {
            let d = RBJ<T>(sampleRate, cutoffFreq, q)
            let b0 = (1 + d.cosW0) / 2
            return [b0, -1 - d.cosW0, b0, 1 + d.alpha, -2 * d.cosW0, 1 - d.alpha]
        }
        return designed(waveform, coefficients(Float.self), coefficients(Double.self))
    }

    /// Band-pass (`bandpass_biquad`): peak gain Q with `constSkirtGain`, otherwise 0 dB.
    public static func bandpassBiquad(
        _ waveform: Tensor, sampleRate: Int, centralFreq: Double, q: Double = 0.707, constSkirtGain: Bool = false
    ) -> Tensor {
        func coefficients<T: DesignFloat>(_: T.Type) -> [T] {
            let d = RBJ<T>(sampleRate, centralFreq, q)
            let temp = constSkirtGain ? d.sinW0 / 2 : d.alpha
            return [temp, 0, -temp, 1 + d.alpha, -2 * d.cosW0, 1 - d.alpha]
        }
        return designed(waveform, coefficients(Float.self), coefficients(Double.self))
    }

    /// All-pass (`allpass_biquad`): unit gain, phase turning through −2π around `centralFreq`.
    public static func allpassBiquad(_ waveform: Tensor, sampleRate: Int, centralFreq: Double, q: Double = 0.707) -> Tensor {
        func coefficients<T: DesignFloat>(_: T.Type) -> [T] {
            let d = RBJ<T>(sampleRate, centralFreq, q)
            return [1 - d.alpha, -2 * d.cosW0, 1 + d.alpha, 1 + d.alpha, -2 * d.cosW0, 1 - d.alpha]
        }
        return designed(waveform, coefficients(Float.self), coefficients(Double.self))
    }

    /// Band-reject / notch (`bandreject_biquad`).
    public static func bandrejectBiquad(_ waveform: Tensor, sampleRate: Int, centralFreq: Double, q: Double = 0.707) -> Tensor {
        func coefficients<T: DesignFloat>(_: T.Type) -> [T] {
            let d = RBJ<T>(sampleRate, centralFreq, q)
            return [1, -2 * d.cosW0, 1, 1 + d.alpha, -2 * d.cosW0, 1 - d.alpha]
        }
        return designed(waveform, coefficients(Float.self), coefficients(Double.self))
    }

    /// Peaking equalizer (`equalizer_biquad`): `gain` dB at `centerFreq`.
    public static func equalizerBiquad(
        _ waveform: Tensor, sampleRate: Int, centerFreq: Double, gain: Double, q: Double = 0.707
    ) -> Tensor {
        func coefficients<T: DesignFloat>(_: T.Type) -> [T] {
            let d = RBJ<T>(sampleRate, centerFreq, q)
            let a = d.gainFactor(gain)
            return [1 + d.alpha * a, -2 * d.cosW0, 1 - d.alpha * a, 1 + d.alpha / a, -2 * d.cosW0, 1 - d.alpha / a]
        }
        return designed(waveform, coefficients(Float.self), coefficients(Double.self))
    }

    /// SoX's two-pole band filter (`band_biquad`); `noise` selects the mode for unpitched audio.
    public static func bandBiquad(
        _ waveform: Tensor, sampleRate: Int, centralFreq: Double, q: Double = 0.707, noise: Bool = false
    ) -> Tensor {
        func coefficients<T: DesignFloat>(_: T.Type) -> [T] {
            let f = T(centralFreq), sr = T(sampleRate)
            let twoPi = T(2 * Double.pi)
            let w0 = twoPi * f / sr
            let bandwidth = f / T(q)
            let a2 = T.exp(-twoPi * bandwidth / sr)
            let a1 = -4 * a2 / (1 + a2) * T.cos(w0)
            var b0 = (1 - a1 * a1 / (4 * a2)).squareRoot() * (1 - a2)
            if noise {
                let mult = (((1 + a2) * (1 + a2) - a1 * a1) * (1 - a2) / (1 + a2)).squareRoot() / b0
                b0 = mult * b0
            }
            return [b0, 0, 0, 1, a1, a2]
        }
        return designed(waveform, coefficients(Float.self), coefficients(Double.self))
    }

    /// SoX's treble shelf (`treble_biquad`): `gain` dB above about `centralFreq`.
    public static func trebleBiquad(
        _ waveform: Tensor, sampleRate: Int, gain: Double, centralFreq: Double = 3000, q: Double = 0.707
    ) -> Tensor {
        func coefficients<T: DesignFloat>(_: T.Type) -> [T] {
            let d = RBJ<T>(sampleRate, centralFreq, q)
            let a = d.gainFactor(gain)
            let temp1 = 2 * a.squareRoot() * d.alpha, temp2 = (a - 1) * d.cosW0, temp3 = (a + 1) * d.cosW0
            return [
                a * ((a + 1) + temp2 + temp1), -2 * a * ((a - 1) + temp3), a * ((a + 1) + temp2 - temp1),
                (a + 1) - temp2 + temp1, 2 * ((a - 1) - temp3), (a + 1) - temp2 - temp1,
            ]
        }
        return designed(waveform, coefficients(Float.self), coefficients(Double.self))
    }

    /// SoX's bass shelf (`bass_biquad`): `gain` dB below about `centralFreq`; the
    /// coefficients are divided by a0 before filtering, as torchaudio does.
    public static func bassBiquad(
        _ waveform: Tensor, sampleRate: Int, gain: Double, centralFreq: Double = 100, q: Double = 0.707
    ) -> Tensor {
        func coefficients<T: DesignFloat>(_: T.Type) -> [T] {
            let d = RBJ<T>(sampleRate, centralFreq, q)
            let a = d.gainFactor(gain)
            let temp1 = 2 * a.squareRoot() * d.alpha, temp2 = (a - 1) * d.cosW0, temp3 = (a + 1) * d.cosW0
            let a0 = (a + 1) + temp2 + temp1
            return [
                a * ((a + 1) - temp2 + temp1) / a0, 2 * a * ((a - 1) - temp3) / a0, a * ((a + 1) - temp2 - temp1) / a0,
                a0 / a0, -2 * ((a - 1) + temp3) / a0, ((a + 1) + temp2 - temp1) / a0,
            ]
        }
        return designed(waveform, coefficients(Float.self), coefficients(Double.self))
    }
}

/// Float or Double, with the elementary functions the biquad designs need.
protocol DesignFloat: BinaryFloatingPoint {
    static func sin(_ x: Self) -> Self
    static func cos(_ x: Self) -> Self
    static func exp(_ x: Self) -> Self
}

extension Float: DesignFloat {
    static func sin(_ x: Float) -> Float { Foundation.sin(x) }
    static func cos(_ x: Float) -> Float { Foundation.cos(x) }
    static func exp(_ x: Float) -> Float { Foundation.exp(x) }
}

extension Double: DesignFloat {
    static func sin(_ x: Double) -> Double { Foundation.sin(x) }
    static func cos(_ x: Double) -> Double { Foundation.cos(x) }
    static func exp(_ x: Double) -> Double { Foundation.exp(x) }
}

extension Functional {
    /// Runs the biquad [b0, b1, b2, a0, a1, a2] designed in the waveform's precision: the
    /// float32 design for float32 waveforms, the double one otherwise.
    static func designed(_ waveform: Tensor, _ single: [Float], _ double: [Double]) -> Tensor {
        let c = waveform.dtype == .float32 ? single.map(Double.init) : double
        return biquad(waveform, b0: c[0], b1: c[1], b2: c[2], a0: c[3], a1: c[4], a2: c[5])
    }
}

/// The shared RBJ terms w0 = 2π·f/sr, sin w0, cos w0 and α = sin w0 / 2 / Q.
struct RBJ<T: DesignFloat> {
    let sinW0: T, cosW0: T, alpha: T

    init(_ sampleRate: Int, _ frequency: Double, _ q: Double) {
        precondition(sampleRate > 0, "biquad: sample rate must be positive, got \(sampleRate)")
        let w0 = T(2 * Double.pi) * T(frequency) / T(sampleRate)
        sinW0 = T.sin(w0)
        cosW0 = T.cos(w0)
        alpha = sinW0 / 2 / T(q)
    }

    /// A = 10^(gain/40), as exp(gain / 40 · ln 10).
    func gainFactor(_ gain: Double) -> T { T.exp(T(gain) / 40 * T(Foundation.log(10.0))) }
}
