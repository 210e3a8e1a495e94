import Ember

/// SpecAugment's frequency masking (`torchaudio.transforms.FrequencyMasking`): a band of up
/// to `freqMaskParam` frequency bins set to a value; see
/// ``Functional/maskAlongAxis(_:maskParam:maskValue:axis:p:generator:)``.
public struct FrequencyMasking: Sendable {
    public let maskParam: Int
    /// One mask per example and channel (input of 3 or more dims) instead of one for all.
    public let iidMasks: Bool

    public init(freqMaskParam: Int, iidMasks: Bool = false) {
        maskParam = freqMaskParam
        self.iidMasks = iidMasks
    }

    /// `specgram` (`[..., freq, time]`) with a frequency band set to `maskValue`; the draws
    /// come from `generator` (the default generator when nil).
    public func callAsFunction(_ specgram: Tensor, maskValue: Double = 0, generator: Generator? = nil) -> Tensor {
        applyAxisMask(specgram, maskParam: maskParam, axis: 1, iid: iidMasks, p: 1, maskValue: maskValue, generator: generator)
    }
}

/// SpecAugment's time masking (`torchaudio.transforms.TimeMasking`): up to `timeMaskParam`
/// consecutive frames (at most a fraction `p` of them) set to a value.
public struct TimeMasking: Sendable {
    public let maskParam: Int
    public let iidMasks: Bool
    /// The largest fraction of the frames one mask may cover.
    public let p: Double

    public init(timeMaskParam: Int, iidMasks: Bool = false, p: Double = 1) {
        precondition((0...1).contains(p), "TimeMasking: The value of p must be between 0.0 and 1.0 (\(p) given).")
        maskParam = timeMaskParam
        self.iidMasks = iidMasks
        self.p = p
    }

    /// `specgram` (`[..., freq, time]`) with a run of frames set to `maskValue`.
    public func callAsFunction(_ specgram: Tensor, maskValue: Double = 0, generator: Generator? = nil) -> Tensor {
        applyAxisMask(specgram, maskParam: maskParam, axis: 2, iid: iidMasks, p: p, maskValue: maskValue, generator: generator)
    }
}

/// torchaudio's `_AxisMasking.forward`: `axis` counts for a 3-d `[channel, freq, time]`
/// input and is shifted for other ranks.
private func applyAxisMask(
    _ specgram: Tensor, maskParam: Int, axis: Int, iid: Bool, p: Double, maskValue: Double, generator: Generator?
) -> Tensor {
    let dim = axis + specgram.dim - 3
    if iid {
        return Functional.maskAlongAxisIID(specgram, maskParam: maskParam, maskValue: maskValue, axis: dim, p: p, generator: generator)
    }
    return Functional.maskAlongAxis(specgram, maskParam: maskParam, maskValue: maskValue, axis: dim, p: p, generator: generator)
}
