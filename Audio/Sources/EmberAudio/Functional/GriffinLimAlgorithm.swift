import Ember

extension Functional {
    /// A waveform whose magnitude spectrogram approximates `specgram`
    /// (`torchaudio.functional.griffinlim`): Griffin-Lim phase retrieval with the "fast"
    /// momentum of Perraudin et al., alternating `istft` and `stft` for `nIter` rounds.
    ///
    /// - Parameters:
    ///   - specgram: magnitude^`power` spectrogram `[..., nFFT/2 + 1, frames]`.
    ///   - momentum: in [0, 1); 0 is the original algorithm (used as momentum/(1 + momentum)).
    ///   - length: the output length (default: what `istft` gives).
    ///   - randInit: start from random phases (a complex `rand` on `generator`, real and
    ///     imaginary parts drawn in turn as torch's `torch.rand(..., dtype=cfloat)`), otherwise from 1.
    public static func griffinLim(
        _ specgram: Tensor, window: Tensor, nFFT: Int, hopLength: Int, winLength: Int, power: Double, nIter: Int,
        momentum: Double, length: Int?, randInit: Bool, generator: Generator? = nil
    ) -> Tensor {
        precondition((0..<1).contains(momentum), "griffinlim: momentum must be in range [0, 1). Found: \(momentum)")
        precondition(
            specgram.dtype == .float32 || specgram.dtype == .float64,
            "griffinlim: expected a float32 or float64 magnitude spectrogram, got \(specgram.dtype)")
        precondition(specgram.dim >= 2, "griffinlim: expected [..., freq, frames], got shape \(specgram.shape)")
        let alpha = momentum / (1 + momentum)
        let shape = specgram.shape
        let spec = specgram.reshape([-1] + Array(shape.suffix(2))).pow(.double(1 / power))
        let window = window.dtype == specgram.dtype ? window : window.to(specgram.dtype)
        var angles: Tensor
        if randInit {
            angles = Tensor.rand(spec.shape + [2], dtype: specgram.dtype, generator: generator).viewAsComplex()
        } else {
            angles = Tensor.complex(real: Tensor.onesLike(spec), imag: Tensor.zerosLike(spec))
        }
        var previous: Tensor?
        for _ in 0..<nIter {
            let inverse = (spec * angles).istft(
                nFFT: nFFT, hopLength: hopLength, winLength: winLength, window: window, length: length)
            let rebuilt = inverse.stft(
                nFFT: nFFT, hopLength: hopLength, winLength: winLength, window: window, center: true, padMode: .reflect,
                normalized: false, onesided: true, returnComplex: true)
            angles = rebuilt
            if alpha != 0, let previous { angles = angles - previous * .double(alpha) }
            angles = angles / angles.abs().add(1e-16)
            previous = rebuilt
        }
        let waveform = (spec * angles).istft(nFFT: nFFT, hopLength: hopLength, winLength: winLength, window: window, length: length)
        return waveform.reshape(Array(shape.dropLast(2)) + [waveform.size(-1)])
    }
}
