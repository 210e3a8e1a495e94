import Ember

/// Changes playback speed by a fixed factor (`torchaudio.transforms.Speed`); the resampling
/// filter bank is built once. See ``Functional/speed(_:origFreq:factor:lengths:)``.
public struct Speed: Sendable {
    public let origFreq: Int
    public let factor: Double
    /// The reduced rates the waveform is resampled between.
    public let sourceSampleRate: Int, targetSampleRate: Int
    private let resampler: Resample

    public init(origFreq: Int, factor: Double) {
        self.origFreq = origFreq
        self.factor = factor
        (sourceSampleRate, targetSampleRate) = Functional.speedRates(origFreq: origFreq, factor: factor)
        resampler = Resample(origFreq: sourceSampleRate, newFreq: targetSampleRate)
    }

    /// The sped-up `waveform` (`[..., time]`) and, when `lengths` is given, the new valid lengths.
    public func callAsFunction(_ waveform: Tensor, lengths: Tensor? = nil) -> (waveform: Tensor, lengths: Tensor?) {
        (resampler(waveform), Functional.speedLengths(lengths, source: sourceSampleRate, target: targetSampleRate))
    }
}

/// Speed perturbation for augmentation (`torchaudio.transforms.SpeedPerturbation`): each call
/// picks one of `factors` uniformly (a `randint` draw on the generator) and applies it, so
/// listing 1.0 several times makes "unchanged" more likely.
public struct SpeedPerturbation: Sendable {
    public let speeders: [Speed]

    public init(origFreq: Int, factors: [Double]) {
        precondition(!factors.isEmpty, "SpeedPerturbation: factors must not be empty")
        speeders = factors.map { Speed(origFreq: origFreq, factor: $0) }
    }

    public func callAsFunction(
        _ waveform: Tensor, lengths: Tensor? = nil, generator: Generator? = nil
    ) -> (waveform: Tensor, lengths: Tensor?) {
        let index = Int(Tensor.randint(speeders.count, [], generator: generator).item(Int64.self))
        return speeders[index](waveform, lengths: lengths)
    }
}
