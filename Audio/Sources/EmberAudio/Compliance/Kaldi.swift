import Ember
import Foundation

/// Kaldi-compatible feature extraction (`torchaudio.compliance.kaldi`): the features of
/// Kaldi's `compute-spectrogram-feats`, `compute-fbank-feats` and `compute-mfcc-feats` with
/// their option names and defaults.
///
/// Input is `[channels, samples]` (one or two channels; `channel` picks one, -1 meaning a
/// mono input). Kaldi reads 16-bit WAV files as integers, so waveforms loaded as floats in
/// [-1, 1] are usually scaled by 32768 first to get Kaldi's numbers (energy floors and the
/// epsilon floor are absolute). Output is `[frames, features]`.
///
/// ```swift
/// let feats = Kaldi.fbank(waveform * 32768, numMelBins: 80)   // [frames, 80]
/// ```
public enum Kaldi {
    /// The analysis window (`window_type`).
    public enum WindowType: String, Sendable {
        case hamming, hanning, povey, rectangular, blackman
    }

    /// `std::numeric_limits<float>::epsilon()`, the floor inside logarithms.
    static let epsilon = Double(Float.ulpOfOne)

    /// The framing options shared by the three features (Kaldi's `FrameExtractionOptions`
    /// plus energy handling).
    struct Framing {
        var blackmanCoeff = 0.42
        var channel = -1
        var dither = 0.0
        var energyFloor = 1.0
        var frameLength = 25.0
        var frameShift = 10.0
        var preemphasisCoefficient = 0.97
        var rawEnergy = true
        var removeDCOffset = true
        var roundToPowerOfTwo = true
        var sampleFrequency = 16_000.0
        var snipEdges = true
        var windowType = WindowType.povey
        var generator: Generator?
    }

    /// The chosen channel, framed and windowed (`_get_window`): `[frames, paddedWindowSize]`
    /// and the log energy per frame; nil when the signal is shorter than `minDuration`.
    static func frames(_ waveform: Tensor, _ o: Framing, minDuration: Double, op: String) -> (
        frames: Tensor, logEnergy: Tensor, paddedWindowSize: Int
    )? {
        precondition(waveform.dim == 2, "kaldi.\(op): expected a waveform of shape (channels, samples), got \(waveform.shape)")
        precondition(
            waveform.dtype == .float32 || waveform.dtype == .float64,
            "kaldi.\(op): expected a float32 or float64 waveform, got \(waveform.dtype)")
        let channel = Swift.max(o.channel, 0)
        precondition(channel < waveform.size(0), "kaldi.\(op): Invalid channel \(channel) for size \(waveform.size(0))")
        let signal = waveform.select(0, channel)
        let shift = Int(o.sampleFrequency * o.frameShift * 0.001)
        let size = Int(o.sampleFrequency * o.frameLength * 0.001)
        let padded = o.roundToPowerOfTwo ? nextPowerOfTwo(size) : size
        let samples = signal.size(0)
        precondition(2 <= size && size <= samples, "kaldi.\(op): choose a window size \(size) that is [2, \(samples)]")
        precondition(shift > 0, "kaldi.\(op): `window_shift` must be greater than 0")
        precondition(padded % 2 == 0, "kaldi.\(op): the padded `window_size` must be divisible by two. use `round_to_power_of_two` or change `frame_length`")
        precondition((0...1).contains(o.preemphasisCoefficient), "kaldi.\(op): `preemphasis_coefficient` must be between [0,1]")
        precondition(o.sampleFrequency > 0, "kaldi.\(op): `sample_frequency` must be greater than zero")
        if Double(samples) < minDuration * o.sampleFrequency { return nil }

        let dtype = signal.dtype
        var x = strided(signal, size: size, shift: shift, snipEdges: o.snipEdges)
        if o.dither != 0 {
            x = x + Tensor.randn(x.shape, dtype: dtype, generator: o.generator) * .double(o.dither)
        }
        if o.removeDCOffset { x = x - x.mean(dim: 1).unsqueeze(1) }
        var logEnergy: Tensor?
        if o.rawEnergy { logEnergy = Kaldi.logEnergy(x, floor: o.energyFloor) }
        if o.preemphasisCoefficient != 0 {
            // x[i, j] -= coeff · x[i, max(0, j − 1)]
            let shifted = Ember.Functional.pad(x.unsqueeze(0), [1, 0], mode: .replicate).squeeze(dim: 0)
            x = x - shifted.narrow(1, start: 0, length: size) * .double(o.preemphasisCoefficient)
        }
        x = x * window(o.windowType, size: size, blackmanCoeff: o.blackmanCoeff, dtype: dtype).unsqueeze(0)
        if padded != size { x = Ember.Functional.pad(x, [0, padded - size]) }
        return (x, logEnergy ?? Kaldi.logEnergy(x, floor: o.energyFloor), padded)
    }

    /// Frames of `size` samples every `shift` (`_get_strided`): only whole frames with
    /// `snipEdges`, otherwise ⌊(n + shift/2) / shift⌋ frames over the signal mirrored at both ends.
    static func strided(_ signal: Tensor, size: Int, shift: Int, snipEdges: Bool) -> Tensor {
        let n = signal.size(0)
        if snipEdges {
            return signal.unfold(0, size: size, step: shift)
        }
        let reversed = signal.flip([0])
        let m = (n + shift / 2) / shift
        let pad = size / 2 - shift / 2
        let extended: Tensor
        if pad > 0 {
            extended = Tensor.cat([reversed.narrow(0, start: n - pad, length: pad), signal, reversed], dim: 0)
        } else {
            extended = Tensor.cat([signal.narrow(0, start: -pad, length: n + pad), reversed], dim: 0)
        }
        return extended.asStrided([m, size], [shift, 1])
    }

    /// log(max(Σx², ε)) per row, floored at log(energyFloor) when that is non-zero.
    static func logEnergy(_ x: Tensor, floor: Double) -> Tensor {
        let energy = x.pow(2).sum(dim: 1).clamp(min: .double(epsilon)).log()
        if floor == 0 { return energy }
        return energy.clamp(min: .double(Foundation.log(floor)))
    }

    /// `_feature_window_function`: symmetric windows of `size` points in `dtype`.
    static func window(_ type: WindowType, size: Int, blackmanCoeff: Double, dtype: DType) -> Tensor {
        switch type {
        case .hanning: return Tensor.hannWindow(size, periodic: false, dtype: dtype)
        case .hamming: return Tensor.hammingWindow(size, periodic: false, alpha: 0.54, beta: 0.46, dtype: dtype)
        case .povey: return Tensor.hannWindow(size, periodic: false, dtype: dtype).pow(0.85)
        case .rectangular: return Tensor.ones([size], dtype: dtype)
        case .blackman:
            let a = 2 * Double.pi / Double(size - 1)
            let n = Tensor.arange(.int(Int64(size)), dtype: dtype)
            return (n * .double(a)).cos().mul(-0.5).add(.double(blackmanCoeff))
                + (n * .double(2 * a)).cos() * .double(0.5 - blackmanCoeff)
        }
    }

    /// The smallest power of two ≥ x (`_next_power_of_2`).
    static func nextPowerOfTwo(_ x: Int) -> Int {
        x <= 1 ? 1 : 1 << (Int.bitWidth - (x - 1).leadingZeroBitCount)
    }

    /// Subtracts each column's mean over the frames (cepstral mean subtraction) when asked.
    static func subtractColumnMean(_ x: Tensor, _ subtract: Bool) -> Tensor {
        subtract ? x - x.mean(dim: 0).unsqueeze(0) : x
    }
}
