import Ember

/// Stretches complex spectrograms in time without changing pitch
/// (`torchaudio.transforms.TimeStretch`), with ``Functional/phaseVocoder(_:rate:phaseAdvance:)``.
public struct TimeStretch: Sendable {
    public let fixedRate: Double?
    /// The expected phase advance per hop of every bin: linspace(0, π·hop, nFreq), `[nFreq, 1]` float32.
    public let phaseAdvance: Tensor

    /// - Parameters:
    ///   - hopLength: the STFT's hop (default nFFT / 2 with nFFT = 2·(nFreq − 1)).
    ///   - nFreq: frequency bins of the input.
    ///   - fixedRate: the speed-up used when a call passes no rate.
    public init(hopLength: Int? = nil, nFreq: Int = 201, fixedRate: Double? = nil) {
        self.fixedRate = fixedRate
        let nFFT = (nFreq - 1) * 2
        let hop = hopLength ?? nFFT / 2
        phaseAdvance = Tensor(Functional.linspace32(0, Double.pi * Double(hop), nFreq), shape: [nFreq, 1])
    }

    /// `complexSpecgrams` (`[..., freq, frames]`) sped up by `rate` (or ``fixedRate``).
    public func callAsFunction(_ complexSpecgrams: Tensor, rate: Double? = nil) -> Tensor {
        guard let rate = rate ?? fixedRate else {
            preconditionFailure("TimeStretch: If no fixed_rate is specified, must pass a valid rate to the forward method.")
        }
        return Functional.phaseVocoder(complexSpecgrams, rate: rate, phaseAdvance: phaseAdvance)
    }
}
