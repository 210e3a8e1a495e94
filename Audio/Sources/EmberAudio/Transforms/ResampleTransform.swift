import Ember

/// Resamples waveforms between two fixed rates (`torchaudio.transforms.Resample`): the
/// filter bank is built once at construction and reused for every call.
public struct Resample: Sendable {
    public let origFreq: Int
    public let newFreq: Int
    /// The cached filter bank; `nil` when the rates are equal and the transform is the identity.
    public let kernel: ResampleKernel?

    /// See ``Functional/resample(_:origFreq:newFreq:lowpassFilterWidth:rolloff:resamplingMethod:beta:)``.
    public init(
        origFreq: Int = 16_000, newFreq: Int = 16_000, resamplingMethod: ResamplingMethod = .sincInterpHann,
        lowpassFilterWidth: Int = 6, rolloff: Double = 0.99, beta: Double? = nil
    ) {
        self.origFreq = origFreq
        self.newFreq = newFreq
        kernel = origFreq == newFreq ? nil : ResampleKernel(
            origFreq: origFreq, newFreq: newFreq, lowpassFilterWidth: lowpassFilterWidth, rolloff: rolloff,
            resamplingMethod: resamplingMethod, beta: beta)
    }

    /// `waveform` (`[..., time]`, float32 or float64) at `newFreq`.
    public func callAsFunction(_ waveform: Tensor) -> Tensor {
        guard let kernel else { return waveform }
        return Functional.applyResample(waveform, kernel: kernel, op: "Resample")
    }
}
