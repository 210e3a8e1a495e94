import Ember

/// How a spectrogram is normalised (torchaudio's `normalized`, a bool or a string).
public enum SpectrogramNormalization: String, Sendable {
    /// No normalisation (`False`).
    case none
    /// Divided by the window's L2 norm, √Σw² (`True` or `"window"`).
    case window
    /// Divided by √nFFT inside the STFT (`"frame_length"`).
    case frameLength = "frame_length"
}

extension Functional {
    /// The spectrogram of a waveform (`torchaudio.functional.spectrogram`): the STFT of
    /// every row, as magnitude to the `power` (2 = power, 1 = magnitude) or, with `power` nil,
    /// the complex spectrum.
    ///
    /// - Parameters:
    ///   - waveform: `[..., time]`, float32 or float64.
    ///   - pad: zeros added on both sides first.
    ///   - window: `[winLength]` real window (``Spectrogram`` defaults to a periodic Hann).
    ///   - center: pad by nFFT/2 with `padMode` so frame t is centred at t·hopLength.
    ///   - onesided: keep the nFFT/2 + 1 non-negative frequencies.
    /// - Returns: `[..., freq, frames]`, real (or complex64/128 for `power: nil`).
    ///
    /// Differentiable end to end through Core's `stft`, `abs` and `pow`.
    public static func spectrogram(
        _ waveform: Tensor, pad: Int = 0, window: Tensor, nFFT: Int, hopLength: Int, winLength: Int, power: Double?,
        normalized: SpectrogramNormalization = .none, center: Bool = true, padMode: PaddingMode = .reflect,
        onesided: Bool = true
    ) -> Tensor {
        precondition(waveform.dim >= 1, "spectrogram: expected a waveform with a time dimension, got shape \(waveform.shape)")
        precondition(
            waveform.dtype == .float32 || waveform.dtype == .float64,
            "spectrogram: expected a float32 or float64 waveform, got \(waveform.dtype)")
        var x = waveform
        if pad > 0 { x = Ember.Functional.pad(x, [pad, pad]) }
        let shape = x.shape
        let rows = x.reshape([-1, shape.last!])
        let window = window.dtype == x.dtype ? window : window.to(x.dtype)
        var spec = rows.stft(
            nFFT: nFFT, hopLength: hopLength, winLength: winLength, window: window, center: center, padMode: padMode,
            normalized: normalized == .frameLength, onesided: onesided, returnComplex: true)
        spec = spec.reshape(Array(shape.dropLast()) + Array(spec.shape.suffix(2)))
        if normalized == .window { spec = spec / window.pow(2).sum().sqrt() }
        guard let power else { return spec }
        return power == 1 ? spec.abs() : spec.abs().pow(.double(power))
    }

    /// The waveform whose STFT is `spectrogram` (`torchaudio.functional.inverse_spectrogram`):
    /// the least-squares inverse STFT, with the same conventions as
    /// ``spectrogram(_:pad:window:nFFT:hopLength:winLength:power:normalized:center:padMode:onesided:)``.
    ///
    /// - Parameters:
    ///   - spectrogram: complex `[..., freq, frames]`.
    ///   - length: the wanted output length (the padding `pad` is removed again when given).
    public static func inverseSpectrogram(
        _ spectrogram: Tensor, length: Int?, pad: Int = 0, window: Tensor, nFFT: Int, hopLength: Int, winLength: Int,
        normalized: SpectrogramNormalization = .none, center: Bool = true, onesided: Bool = true
    ) -> Tensor {
        precondition(spectrogram.dtype.isComplex, "inverse_spectrogram: Expected `spectrogram` to be complex dtype, got \(spectrogram.dtype)")
        precondition(spectrogram.dim >= 2, "inverse_spectrogram: expected [..., freq, frames], got shape \(spectrogram.shape)")
        let realType: DType = spectrogram.dtype == .complex128 ? .float64 : .float32
        let window = window.dtype == realType ? window : window.to(realType)
        var spec = spectrogram
        if normalized == .window { spec = spec * window.pow(2).sum().sqrt() }
        let shape = spec.shape
        spec = spec.reshape([-1, shape[shape.count - 2], shape[shape.count - 1]])
        var waveform = spec.istft(
            nFFT: nFFT, hopLength: hopLength, winLength: winLength, window: window, center: center,
            normalized: normalized == .frameLength, onesided: onesided, length: length.map { $0 + 2 * pad })
        if length != nil && pad > 0 {
            waveform = waveform.narrow(-1, start: pad, length: waveform.size(-1) - 2 * pad)
        }
        return waveform.reshape(Array(shape.dropLast(2)) + [waveform.size(-1)])
    }

    /// The spectral centroid of every frame (`torchaudio.functional.spectral_centroid`):
    /// Σ f·|X(f)| / Σ |X(f)| over the magnitude spectrogram's bins, in Hz, `[..., frames]`.
    public static func spectralCentroid(
        _ waveform: Tensor, sampleRate: Int, pad: Int = 0, window: Tensor, nFFT: Int, hopLength: Int, winLength: Int
    ) -> Tensor {
        let spec = spectrogram(
            waveform, pad: pad, window: window, nFFT: nFFT, hopLength: hopLength, winLength: winLength, power: 1)
        let freqs = Tensor(linspace32(0, Double(sampleRate / 2), 1 + nFFT / 2), shape: [1 + nFFT / 2, 1]).to(spec.dtype)
        return (freqs * spec).sum(dim: -2) / spec.sum(dim: -2)
    }
}
