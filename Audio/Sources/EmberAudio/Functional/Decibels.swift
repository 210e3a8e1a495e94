import Ember
import Foundation

extension Functional {
    /// Power or amplitude to decibels (`torchaudio.functional.amplitude_to_DB`):
    /// `multiplier · log10(max(x, amin)) − multiplier · dbMultiplier`, then, with `topDB`,
    /// everything below (maximum − topDB) raised to it.
    ///
    /// - Parameters:
    ///   - x: `[freq, time]`, `[channel, freq, time]` or `[..., batch, channel, freq, time]`.
    ///   - multiplier: 10 for power, 20 for amplitude.
    ///   - amin: the floor applied before the logarithm.
    ///   - dbMultiplier: log10(max(reference, amin)).
    ///   - topDB: the dynamic range kept below the maximum. The maximum is taken per
    ///     `[channel, freq, time]` block: over the whole input for 2-d and 3-d input, per
    ///     leading index for 4-d and more.
    /// Differentiable (clamp, log10, amax and maximum are Core ops with backward formulas).
    public static func amplitudeToDB(
        _ x: Tensor, multiplier: Double, amin: Double, dbMultiplier: Double, topDB: Double? = nil
    ) -> Tensor {
        precondition(x.dtype.isFloatingPoint, "amplitude_to_DB: expected a floating tensor, got \(x.dtype)")
        var db = x.clamp(min: .double(amin)).log10().mul(.double(multiplier))
        db = db.sub(.double(multiplier * dbMultiplier))
        guard let topDB else { return db }
        precondition(x.dim >= 2, "amplitude_to_DB: top_db needs at least (freq, time) dimensions, got shape \(x.shape)")
        let shape = db.shape
        let packed = db.dim > 2 ? shape[shape.count - 3] : 1
        let blocks = db.reshape([-1, packed, shape[shape.count - 2], shape[shape.count - 1]])
        let floor = blocks.amax(dims: [-3, -2, -1]).sub(.double(topDB)).view([-1, 1, 1, 1])
        return blocks.maximum(floor).reshape(shape)
    }

    /// Decibels back to power or amplitude (`torchaudio.functional.DB_to_amplitude`):
    /// `ref · (10^(0.1·x))^power` — power 1 undoes a power spectrogram's dB, 0.5 an amplitude one.
    public static func dbToAmplitude(_ x: Tensor, ref: Double, power: Double) -> Tensor {
        precondition(x.dtype.isFloatingPoint, "DB_to_amplitude: expected a floating tensor, got \(x.dtype)")
        return Tensor.pow(10.0, x.mul(0.1)).pow(.double(power)).mul(.double(ref))
    }
}
