import Ember

/// Mel-frequency cepstral coefficients (`torchaudio.transforms.MFCC`): the DCT-II of the
/// dB-scaled (top 80 dB) mel spectrogram, or of its log with `logMels` — librosa's
/// definition rather than the textbook one, so it depends on the clip's maximum.
public struct MFCC: Sendable {
    public let sampleRate: Int
    public let nMFCC: Int
    public let norm: DCTNorm?
    public let logMels: Bool
    public let melSpectrogram: MelSpectrogram
    public let amplitudeToDB = AmplitudeToDB(stype: .power, topDB: 80)
    /// The float32 `[nMels, nMFCC]` DCT matrix.
    public let dctMat: Tensor

    /// - Parameter melSpectrogram: the mel front end (torchaudio's `melkwargs`); by default
    ///   `MelSpectrogram(sampleRate: sampleRate)` (nFFT 400, 128 mels).
    public init(
        sampleRate: Int = 16_000, nMFCC: Int = 40, norm: DCTNorm? = .ortho, logMels: Bool = false,
        melSpectrogram: MelSpectrogram? = nil
    ) {
        self.sampleRate = sampleRate
        self.nMFCC = nMFCC
        self.norm = norm
        self.logMels = logMels
        self.melSpectrogram = melSpectrogram ?? MelSpectrogram(sampleRate: sampleRate)
        precondition(nMFCC <= self.melSpectrogram.nMels, "MFCC: Cannot select more MFCC coefficients than # mel bins")
        dctMat = Functional.createDCT(nMFCC: nMFCC, nMels: self.melSpectrogram.nMels, norm: norm)
    }

    /// `[..., nMFCC, frames]` for `waveform` (`[..., time]`); differentiable.
    public func callAsFunction(_ waveform: Tensor) -> Tensor {
        var mel = melSpectrogram(waveform)
        mel = logMels ? mel.add(1e-6).log() : amplitudeToDB(mel)
        let dct = dctMat.dtype == mel.dtype ? dctMat : dctMat.to(mel.dtype)
        return mel.transpose(-1, -2).matmul(dct).transpose(-1, -2)
    }
}

/// Linear-frequency cepstral coefficients (`torchaudio.transforms.LFCC`): like ``MFCC`` with
/// linearly spaced triangular filters (``Functional/linearFbanks(nFreqs:fMin:fMax:nFilter:sampleRate:)``).
public struct LFCC: Sendable {
    public let sampleRate: Int
    public let nFilter: Int
    public let nLFCC: Int
    public let fMin: Double
    public let fMax: Double
    public let norm: DCTNorm?
    public let logLF: Bool
    public let spectrogram: Spectrogram
    public let amplitudeToDB = AmplitudeToDB(stype: .power, topDB: 80)
    /// The float32 `[nFFT/2 + 1, nFilter]` filter bank.
    public let filterMat: Tensor
    /// The float32 `[nFilter, nLFCC]` DCT matrix.
    public let dctMat: Tensor

    /// - Parameter spectrogram: the front end (torchaudio's `speckwargs`), `Spectrogram()` by default.
    public init(
        sampleRate: Int = 16_000, nFilter: Int = 128, fMin: Double = 0, fMax: Double? = nil, nLFCC: Int = 40,
        norm: DCTNorm? = .ortho, logLF: Bool = false, spectrogram: Spectrogram = Spectrogram()
    ) {
        self.sampleRate = sampleRate
        self.nFilter = nFilter
        self.nLFCC = nLFCC
        self.fMin = fMin
        self.fMax = fMax ?? Double(sampleRate / 2)
        self.norm = norm
        self.logLF = logLF
        self.spectrogram = spectrogram
        precondition(nLFCC <= spectrogram.nFFT, "LFCC: Cannot select more LFCC coefficients than # fft bins")
        filterMat = Functional.linearFbanks(
            nFreqs: spectrogram.nFFT / 2 + 1, fMin: fMin, fMax: self.fMax, nFilter: nFilter, sampleRate: sampleRate)
        dctMat = Functional.createDCT(nMFCC: nLFCC, nMels: nFilter, norm: norm)
    }

    /// `[..., nLFCC, frames]` for `waveform` (`[..., time]`).
    public func callAsFunction(_ waveform: Tensor) -> Tensor {
        var spec = spectrogram(waveform)
        let filters = filterMat.dtype == spec.dtype ? filterMat : filterMat.to(spec.dtype)
        spec = spec.transpose(-1, -2).matmul(filters).transpose(-1, -2)
        spec = logLF ? spec.add(1e-6).log() : amplitudeToDB(spec)
        let dct = dctMat.dtype == spec.dtype ? dctMat : dctMat.to(spec.dtype)
        return spec.transpose(-1, -2).matmul(dct).transpose(-1, -2)
    }
}
