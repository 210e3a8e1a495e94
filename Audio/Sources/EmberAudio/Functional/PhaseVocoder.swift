import Ember
import Foundation

extension Functional {
    /// Speeds a complex spectrogram up by `rate` without changing its pitch
    /// (`torchaudio.functional.phase_vocoder`): frames are resampled at steps of `rate`,
    /// magnitudes interpolated linearly between neighbours and phases advanced by each bin's
    /// measured instantaneous frequency.
    ///
    /// - Parameters:
    ///   - complexSpecgrams: complex `[..., freq, frames]`.
    ///   - phaseAdvance: the expected phase advance per hop of every bin, `[freq, 1]`
    ///     (``TimeStretch`` uses linspace(0, π·hop, freq)).
    /// - Returns: `[..., freq, ⌈frames / rate⌉]`, the input's complex dtype.
    public static func phaseVocoder(_ complexSpecgrams: Tensor, rate: Double, phaseAdvance: Tensor) -> Tensor {
        precondition(complexSpecgrams.dtype.isComplex, "phase_vocoder: expected a complex spectrogram, got \(complexSpecgrams.dtype)")
        precondition(complexSpecgrams.dim >= 2, "phase_vocoder: expected [..., freq, frames], got shape \(complexSpecgrams.shape)")
        precondition(rate > 0, "phase_vocoder: rate must be positive, got \(rate)")
        if rate == 1 { return complexSpecgrams }
        let shape = complexSpecgrams.shape
        let spec = complexSpecgrams.reshape([-1] + Array(shape.suffix(2)))
        let realType: DType = spec.dtype == .complex128 ? .float64 : .float32
        let frames = spec.size(-1)
        // torch.arange(0, frames, rate) in the real dtype
        let steps = Tensor.arange(.double(0), .int(Int64(frames)), step: .double(rate), dtype: realType)
        let alphas = steps.remainder(1.0)
        let phase0 = spec.narrow(-1, start: 0, length: 1).angle()
        // angle and magnitude of the zero-padded (two frames) spectrogram, gathered at the steps
        let angles = Ember.Functional.pad(spec.angle(), [0, 2])
        let norms = Ember.Functional.pad(spec.abs(), [0, 2])
        let index0 = steps.long(), index1 = steps.add(1).long()
        let angle0 = angles.indexSelect(-1, index0), angle1 = angles.indexSelect(-1, index1)
        let norm0 = norms.indexSelect(-1, index0), norm1 = norms.indexSelect(-1, index1)
        let advance = phaseAdvance.to(realType)
        var phase = angle1 - angle0 - advance
        phase = phase - (phase / .double(2 * Double.pi)).round() * .double(2 * Double.pi)
        phase = phase + advance
        phase = Tensor.cat([phase0, phase.narrow(-1, start: 0, length: phase.size(-1) - 1)], dim: -1)
        let accumulated = phase.cumsum(dim: -1)
        let magnitude = alphas * norm1 + (Scalar.int(1) - alphas) * norm0
        let stretched = Tensor.polar(abs: magnitude, angle: accumulated)
        return stretched.reshape(Array(shape.dropLast()) + [stretched.size(-1)])
    }
}
