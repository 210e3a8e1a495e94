import Ember

/// The spectral centroid of every frame (`torchaudio.transforms.SpectralCentroid`).
public struct SpectralCentroid: Sendable {
    public let sampleRate: Int
    public let nFFT: Int
    public let winLength: Int
    public let hopLength: Int
    public let pad: Int
    public let window: Tensor

    public init(
        sampleRate: Int, nFFT: Int = 400, winLength: Int? = nil, hopLength: Int? = nil, pad: Int = 0,
        windowFn: (Int) -> Tensor = { Tensor.hannWindow($0) }
    ) {
        self.sampleRate = sampleRate
        self.nFFT = nFFT
        self.winLength = winLength ?? nFFT
        self.hopLength = hopLength ?? (winLength ?? nFFT) / 2
        self.pad = pad
        window = windowFn(self.winLength)
    }

    /// Centroids in Hz, `[..., frames]`.
    public func callAsFunction(_ waveform: Tensor) -> Tensor {
        Functional.spectralCentroid(
            waveform, sampleRate: sampleRate, pad: pad, window: window, nFFT: nFFT, hopLength: hopLength, winLength: winLength)
    }
}
