import Ember
import Foundation

/// Adjusts volume (`torchaudio.transforms.Vol`), then clips to [-1, 1].
public struct Vol: Sendable {
    /// How ``gain`` is expressed.
    public enum GainType: String, Sendable {
        /// A factor on the amplitude (must be ≥ 0).
        case amplitude
        /// A factor on the power: amplitude × √gain (10·log10(gain) dB).
        case power
        /// Decibels: amplitude × 10^(gain/20).
        case db
    }

    public let gain: Double
    public let gainType: GainType

    public init(gain: Double, gainType: GainType = .amplitude) {
        precondition(gainType == .db || gain >= 0, "Vol: if gain_type = amplitude or power, gain must be positive, got \(gain)")
        self.gain = gain
        self.gainType = gainType
    }

    /// `waveform` (`[..., time]`, float32 or float64) at the new volume, clipped to [-1, 1].
    public func callAsFunction(_ waveform: Tensor) -> Tensor {
        switch gainType {
        case .amplitude:
            return Functional.scaled(waveform, by: gain, clamp: true)
        case .db:
            return Functional.scaled(waveform, by: gain == 0 ? 1 : Foundation.pow(10, gain / 20), clamp: true)
        case .power:
            let db = 10 * Foundation.log10(gain)
            return Functional.scaled(waveform, by: db == 0 ? 1 : Foundation.pow(10, db / 20), clamp: true)
        }
    }
}
