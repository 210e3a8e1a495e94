import Ember
import Foundation

extension Functional {
    /// Fundamental-frequency track of a waveform (`torchaudio.functional.detect_pitch_frequency`):
    /// the normalised cross-correlation of each frame with its lagged copy, the best lag per
    /// frame (preferring a lag in the first half of the range when its correlation is within
    /// 1 % of the best), median-smoothed over `winLength` frames, as a frequency.
    ///
    /// - Parameters:
    ///   - waveform: `[..., time]`, float32 or float64.
    ///   - frameTime: frame duration in seconds (frames of ⌈sampleRate·frameTime⌉ samples).
    ///   - winLength: median-filter length in frames.
    ///   - freqLow, freqHigh: the search range in Hz.
    /// - Returns: float32 `[..., n]` in Hz, one value per median window: with F = ⌈time / frameSize⌉
    ///   frames, n = F + ⌊(winLength − 1)/2⌋ − winLength + 1 (torchaudio pads only the front).
    /// The correlations are computed in double (torchaudio: the waveform's dtype).
    public static func detectPitchFrequency(
        _ waveform: Tensor, sampleRate: Int, frameTime: Double = 0.01, winLength: Int = 30, freqLow: Int = 85,
        freqHigh: Int = 3400
    ) -> Tensor {
        precondition(waveform.dim >= 1, "detect_pitch_frequency: expected a waveform with a time dimension, got shape \(waveform.shape)")
        precondition(waveform.dtype.isFloatingPoint, "detect_pitch_frequency: expected a floating waveform, got \(waveform.dtype)")
        precondition(winLength >= 1 && freqLow > 0 && freqHigh > 0, "detect_pitch_frequency: win_length, freq_low and freq_high must be positive")
        let length = waveform.shape.last!
        let rows = length == 0 ? 0 : waveform.count / length
        let lags = Int((Double(sampleRate) / Double(freqLow)).rounded(.up))
        let frameSize = Int((Double(sampleRate) * frameTime).rounded(.up))
        let frames = Int((Double(length) / Double(frameSize)).rounded(.up))
        let pad = (winLength - 1) / 2
        let outFrames = frames + pad - winLength + 1
        precondition(
            outFrames >= 1,
            "detect_pitch_frequency: \(frames) frames are too few for a median window of \(winLength) (waveform length \(length))")
        let lagMin = Int((Double(sampleRate) / Double(freqHigh)).rounded(.up))
        precondition(lagMin < lags, "detect_pitch_frequency: freq_high \(freqHigh) must be above freq_low \(freqLow)")
        let samples = waveform.contiguous().to(.float64).toArray(Double.self)
        var result = [Float]()
        result.reserveCapacity(rows * outFrames)
        let padded = lags + frames * frameSize
        for r in 0..<rows {
            var x = [Double](repeating: 0, count: padded)
            for i in 0..<length { x[i] = samples[r * length + i] }
            // best lag per frame: the NCCF of torchaudio's _compute_nccf, scanned as _find_max_per_frame
            var indices = [Int](repeating: 0, count: frames)
            let half = lags / 2
            x.withUnsafeBufferPointer { x in
                for f in 0..<frames {
                    let start = f * frameSize
                    var e1 = 0.0
                    for n in 0..<frameSize { e1 += x[start + n] * x[start + n] }
                    let n1 = 1e-9 + e1.squareRoot()
                    var nccf = [Double](repeating: 0, count: lags)
                    for lag in 1...lags {
                        var dot = 0.0, e2 = 0.0
                        for n in 0..<frameSize {
                            let b = x[start + n + lag]
                            dot += x[start + n] * b
                            e2 += b * b
                        }
                        let n2 = 1e-9 + e2.squareRoot()
                        nccf[lag - 1] = dot / (n1 * n1) / (n2 * n2)
                    }
                    let best = argmax(nccf, lagMin, lags)
                    var pick = best
                    if lagMin < half {
                        let halfBest = argmax(nccf, lagMin, half)
                        if nccf[halfBest] > 0.99 * nccf[best] { pick = halfBest }
                    }
                    indices[f] = pick + 1  // the slice offset lagMin is already in the index; +1 calibration
                }
            }
            // median smoothing with the first value repeated (winLength − 1)/2 times in front
            let smoothed = [Int](repeating: indices[0], count: pad) + indices
            for o in 0..<outFrames {
                let window = smoothed[o..<(o + winLength)].sorted()
                let median = window[(winLength - 1) / 2]
                result.append(Float(sampleRate) / (Float(1e-9) + Float(median)))
            }
        }
        return Tensor(result, shape: Array(waveform.shape.dropLast()) + [outFrames])
    }

    /// The first index of the largest value of `values[from..<to]` (torch.max's pick).
    private static func argmax(_ values: [Double], _ from: Int, _ to: Int) -> Int {
        var best = from
        for i in from..<to where values[i] > values[best] || (values[i].isNaN && !values[best].isNaN) { best = i }
        return best
    }
}
