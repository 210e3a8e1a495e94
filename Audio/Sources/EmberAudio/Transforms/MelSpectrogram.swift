import Ember

/// Mel spectrograms of waveforms (`torchaudio.transforms.MelSpectrogram`): ``Spectrogram``
/// followed by ``MelScale``.
///
/// ```swift
/// let mel = MelSpectrogram(sampleRate: 16_000, nFFT: 400, hopLength: 160, nMels: 80)
/// let features = mel(waveform)                 // [channels, 80, frames]
/// ```
public struct MelSpectrogram: Sendable {
    public let spectrogram: Spectrogram
    public let melScale: MelScale
    public var sampleRate: Int { melScale.sampleRate }
    public var nMels: Int { melScale.nMels }

    /// - Parameters:
    ///   - fMax: defaults to sampleRate / 2.
    ///   - winLength, hopLength: default to nFFT and winLength / 2.
    public init(
        sampleRate: Int = 16_000, nFFT: Int = 400, winLength: Int? = nil, hopLength: Int? = nil, fMin: Double = 0,
        fMax: Double? = nil, pad: Int = 0, nMels: Int = 128, windowFn: (Int) -> Tensor = { Tensor.hannWindow($0) },
        power: Double = 2, normalized: SpectrogramNormalization = .none, center: Bool = true,
        padMode: PaddingMode = .reflect, norm: MelNorm? = nil, melScale: MelScaleType = .htk
    ) {
        spectrogram = Spectrogram(
            nFFT: nFFT, winLength: winLength, hopLength: hopLength, pad: pad, windowFn: windowFn, power: power,
            normalized: normalized, center: center, padMode: padMode, onesided: true)
        self.melScale = MelScale(
            nMels: nMels, sampleRate: sampleRate, fMin: fMin, fMax: fMax, nSTFT: nFFT / 2 + 1, norm: norm,
            melScale: melScale)
    }

    /// `[..., nMels, frames]` for `waveform` (`[..., time]`).
    public func callAsFunction(_ waveform: Tensor) -> Tensor {
        melScale(spectrogram(waveform))
    }
}
