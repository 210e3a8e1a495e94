import Ember
import Foundation

extension Functional {
    /// Changes playback speed by `factor` (`torchaudio.functional.speed`): the waveform is
    /// resampled from ⌊factor·origFreq⌋ to origFreq (both divided by their gcd), so 1.1 makes
    /// it about 10 % shorter and raises the pitch with it.
    ///
    /// - Parameter lengths: valid lengths of the rows of `waveform` (int64, shape `[...]`);
    ///   when given, the result carries ⌈length · target / source⌉ for each.
    public static func speed(
        _ waveform: Tensor, origFreq: Int, factor: Double, lengths: Tensor? = nil
    ) -> (waveform: Tensor, lengths: Tensor?) {
        let (source, target) = speedRates(origFreq: origFreq, factor: factor)
        return (resample(waveform, origFreq: source, newFreq: target), speedLengths(lengths, source: source, target: target))
    }

    /// torchaudio's `_source_target_sample_rate`: the reduced pair (⌊factor·orig⌋, orig).
    static func speedRates(origFreq: Int, factor: Double) -> (source: Int, target: Int) {
        let source = Int(factor * Double(origFreq)), target = origFreq
        precondition(source > 0 && target > 0, "speed: factor \(factor) at \(origFreq) Hz gives a non-positive source rate")
        let g = gcd(source, target)
        return (source / g, target / g)
    }

    /// ⌈lengths · target / source⌉ in the lengths' dtype (the division in float32, as torch's
    /// true division of an integer tensor).
    static func speedLengths(_ lengths: Tensor?, source: Int, target: Int) -> Tensor? {
        guard let lengths else { return nil }
        return lengths.mul(.int(Int64(target))).div(.int(Int64(source))).ceil().to(lengths.dtype)
    }
}
