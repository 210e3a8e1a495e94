import Ember

extension Functional {
    /// Pre-emphasis along the last dimension (`torchaudio.functional.preemphasis`):
    /// y[n] = x[n] − coeff·x[n−1], y[0] = x[0].
    public static func preemphasis(_ waveform: Tensor, coeff: Double = 0.97) -> Tensor {
        precondition(waveform.dim >= 1, "preemphasis: expected a waveform with a time dimension, got shape \(waveform.shape)")
        precondition(waveform.dtype.isFloatingPoint, "preemphasis: expected a floating waveform, got \(waveform.dtype)")
        let length = waveform.shape.last!
        if waveform.dtype == .float64 {
            return emphasise(waveform, Double.self, length: length, coeff: coeff)
        }
        return emphasise(waveform.to(.float32), Float.self, length: length, coeff: coeff).to(waveform.dtype)
    }

    private static func emphasise<T: TensorElement & BinaryFloatingPoint>(
        _ waveform: Tensor, _: T.Type, length: Int, coeff: Double
    ) -> Tensor {
        let input = waveform.contiguous()
        let c = T(coeff)
        return Tensor.audioFilled(waveform.shape, T.self) { out, count in
            let x = input.audioPointer(T.self)
            guard length > 0 else { return }
            var start = 0
            while start < count {
                out[start] = x[start]
                for n in 1..<max(1, length) { out[start + n] = x[start + n] - c * x[start + n - 1] }
                start += length
            }
        }
    }

    /// De-emphasis, the inverse of ``preemphasis(_:coeff:)``
    /// (`torchaudio.functional.deemphasis`): y[n] = x[n] + coeff·y[n−1], through ``lfilter(_:aCoeffs:bCoeffs:clamp:batching:)``
    /// and so clamped to [-1, 1] like torchaudio's.
    public static func deemphasis(_ waveform: Tensor, coeff: Double = 0.97) -> Tensor {
        let round: (Double) -> Double = waveform.dtype == .float32 ? { Double(Float($0)) } : { $0 }
        return lfilter(
            waveform, aCoeffs: Tensor([1, round(-coeff)], shape: [2]), bCoeffs: Tensor([1.0, 0.0], shape: [2]))
    }
}
