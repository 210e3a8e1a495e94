import Ember

/// Linear-frequency power spectrograms to mel bands (`torchaudio.transforms.MelScale`): the
/// triangular filter bank ``fb`` is built once, and each call is a matrix product.
public struct MelScale: Sendable {
    public let nMels: Int
    public let sampleRate: Int
    public let fMin: Double
    public let fMax: Double
    public let nSTFT: Int
    public let norm: MelNorm?
    public let melScale: MelScaleType
    /// The float32 `[nSTFT, nMels]` filter bank (torchaudio's `fb` buffer).
    public let fb: Tensor

    /// - Parameters:
    ///   - fMax: defaults to sampleRate / 2 (integer division).
    ///   - nSTFT: frequency bins of the input, `nFFT / 2 + 1`.
    public init(
        nMels: Int = 128, sampleRate: Int = 16_000, fMin: Double = 0, fMax: Double? = nil, nSTFT: Int = 201,
        norm: MelNorm? = nil, melScale: MelScaleType = .htk
    ) {
        let top = fMax ?? Double(sampleRate / 2)
        precondition(fMin <= top, "MelScale: Require f_min: \(fMin) <= f_max: \(top)")
        self.nMels = nMels
        self.sampleRate = sampleRate
        self.fMin = fMin
        self.fMax = top
        self.nSTFT = nSTFT
        self.norm = norm
        self.melScale = melScale
        fb = Functional.melscaleFbanks(
            nFreqs: nSTFT, fMin: fMin, fMax: top, nMels: nMels, sampleRate: sampleRate, norm: norm, melScale: melScale)
    }

    /// `specgram` (`[..., nSTFT, time]`) as `[..., nMels, time]`: `(specgramᵀ · fb)ᵀ`,
    /// differentiable through Core's matmul. The filter bank is cast to the input's dtype.
    public func callAsFunction(_ specgram: Tensor) -> Tensor {
        precondition(
            specgram.dim >= 2 && specgram.size(-2) == nSTFT,
            "MelScale: expected a spectrogram [..., \(nSTFT), time], got shape \(specgram.shape)")
        let bank = specgram.dtype == fb.dtype ? fb : fb.to(specgram.dtype)
        return specgram.transpose(-1, -2).matmul(bank).transpose(-1, -2)
    }
}
