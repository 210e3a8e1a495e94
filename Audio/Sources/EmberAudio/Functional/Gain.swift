import Ember
import Foundation

extension Functional {
    /// Scales the waveform by `gainDB` decibels (`torchaudio.functional.gain`): × 10^(dB/20).
    public static func gain(_ waveform: Tensor, gainDB: Double = 1) -> Tensor {
        if gainDB == 0 { return waveform }
        return scaled(waveform, by: Foundation.pow(10, gainDB / 20), clamp: false)
    }

    /// `waveform · factor` in the waveform's dtype, optionally clipped to [-1, 1].
    static func scaled(_ waveform: Tensor, by factor: Double, clamp: Bool) -> Tensor {
        precondition(
            waveform.dtype == .float32 || waveform.dtype == .float64,
            "gain: expected a float32 or float64 waveform, got \(waveform.dtype)")
        let input = waveform.contiguous()
        func run<T: TensorElement & BinaryFloatingPoint>(_: T.Type) -> Tensor {
            let f = T(factor)
            return Tensor.audioFilled(waveform.shape, T.self) { out, count in
                let x = input.audioPointer(T.self)
                if clamp {
                    for i in 0..<count { out[i] = Swift.min(Swift.max(x[i] * f, -1), 1) }
                } else {
                    for i in 0..<count { out[i] = x[i] * f }
                }
            }
        }
        return waveform.dtype == .float64 ? run(Double.self) : run(Float.self)
    }
}
