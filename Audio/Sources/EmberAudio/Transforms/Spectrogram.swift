import Ember

/// Spectrograms of waveforms (`torchaudio.transforms.Spectrogram`); the window is built once.
/// See ``Functional/spectrogram(_:pad:window:nFFT:hopLength:winLength:power:normalized:center:padMode:onesided:)``.
///
/// ```swift
/// let spec = Spectrogram(nFFT: 400, hopLength: 160)(waveform)   // [channels, 201, frames] power
/// ```
public struct Spectrogram: Sendable {
    public let nFFT: Int
    public let winLength: Int
    public let hopLength: Int
    public let pad: Int
    /// The exponent of the magnitude (2 = power, 1 = magnitude); nil returns the complex STFT.
    public let power: Double?
    public let normalized: SpectrogramNormalization
    public let center: Bool
    public let padMode: PaddingMode
    public let onesided: Bool
    /// The `[winLength]` window (torchaudio's `window` buffer), float32.
    public let window: Tensor

    /// - Parameters:
    ///   - winLength: defaults to `nFFT`.
    ///   - hopLength: defaults to `winLength / 2`.
    ///   - windowFn: makes the window from its length (torchaudio's `window_fn`; a periodic
    ///     Hann window by default).
    public init(
        nFFT: Int = 400, winLength: Int? = nil, hopLength: Int? = nil, pad: Int = 0,
        windowFn: (Int) -> Tensor = { Tensor.hannWindow($0) }, power: Double? = 2,
        normalized: SpectrogramNormalization = .none, center: Bool = true, padMode: PaddingMode = .reflect,
        onesided: Bool = true
    ) {
        self.nFFT = nFFT
        self.winLength = winLength ?? nFFT
        self.hopLength = hopLength ?? (winLength ?? nFFT) / 2
        self.pad = pad
        self.power = power
        self.normalized = normalized
        self.center = center
        self.padMode = padMode
        self.onesided = onesided
        window = windowFn(self.winLength)
    }

    /// The spectrogram of `waveform` (`[..., time]`): `[..., freq, frames]`.
    public func callAsFunction(_ waveform: Tensor) -> Tensor {
        Functional.spectrogram(
            waveform, pad: pad, window: window, nFFT: nFFT, hopLength: hopLength, winLength: winLength, power: power,
            normalized: normalized, center: center, padMode: padMode, onesided: onesided)
    }
}

/// Waveforms back from complex spectrograms (`torchaudio.transforms.InverseSpectrogram`).
public struct InverseSpectrogram: Sendable {
    public let nFFT: Int
    public let winLength: Int
    public let hopLength: Int
    public let pad: Int
    public let normalized: SpectrogramNormalization
    public let center: Bool
    public let onesided: Bool
    public let window: Tensor

    public init(
        nFFT: Int = 400, winLength: Int? = nil, hopLength: Int? = nil, pad: Int = 0,
        windowFn: (Int) -> Tensor = { Tensor.hannWindow($0) }, normalized: SpectrogramNormalization = .none,
        center: Bool = true, onesided: Bool = true
    ) {
        self.nFFT = nFFT
        self.winLength = winLength ?? nFFT
        self.hopLength = hopLength ?? (winLength ?? nFFT) / 2
        self.pad = pad
        self.normalized = normalized
        self.center = center
        self.onesided = onesided
        window = windowFn(self.winLength)
    }

    /// The waveform `[..., time]` of the complex `spectrogram` (`[..., freq, frames]`).
    public func callAsFunction(_ spectrogram: Tensor, length: Int? = nil) -> Tensor {
        Functional.inverseSpectrogram(
            spectrogram, length: length, pad: pad, window: window, nFFT: nFFT, hopLength: hopLength,
            winLength: winLength, normalized: normalized, center: center, onesided: onesided)
    }
}
