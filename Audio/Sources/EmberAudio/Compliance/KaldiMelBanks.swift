import Ember
import Foundation

extension Kaldi {
    /// Kaldi's mel scale, 1127·ln(1 + f/700).
    public static func melScale(_ freq: Double) -> Double { 1127 * Foundation.log(1 + freq / 700) }

    /// Kaldi's inverse mel scale, 700·(e^(m/1127) − 1).
    public static func inverseMelScale(_ mel: Double) -> Double { 700 * (Foundation.exp(mel / 1127) - 1) }

    /// Kaldi's VTLN warping (`vtln_warp_freq`): piecewise linear in Hz, f/warp between the
    /// inflection points l = vtlnLow·max(1, warp) and h = vtlnHigh·min(1, warp), fixed at
    /// lowFreq and highFreq, identity outside them. Float32 arithmetic, as torchaudio's tensors.
    static func vtlnWarpFreq(
        vtlnLow: Double, vtlnHigh: Double, lowFreq: Double, highFreq: Double, warp: Double, _ freq: Float
    ) -> Float {
        precondition(vtlnLow > lowFreq, "kaldi: be sure to set the vtln_low option higher than low_freq")
        precondition(vtlnHigh < highFreq, "kaldi: be sure to set the vtln_high option lower than high_freq [or negative]")
        let l = vtlnLow * Swift.max(1, warp), h = vtlnHigh * Swift.min(1, warp)
        let scale = 1 / warp
        let fl = scale * l, fh = scale * h
        precondition(l > lowFreq && h < highFreq, "kaldi: VTLN inflection points outside (low_freq, high_freq)")
        let scaleLeft = (fl - lowFreq) / (l - lowFreq)
        let scaleRight = (highFreq - fh) / (highFreq - h)
        if freq < Float(lowFreq) || freq > Float(highFreq) { return freq }
        if freq < Float(l) { return Float(lowFreq) + Float(scaleLeft) * (freq - Float(lowFreq)) }
        if freq < Float(h) { return Float(scale) * freq }
        return Float(highFreq) + Float(scaleRight) * (freq - Float(highFreq))
    }

    /// Kaldi's triangular mel filters (`get_mel_banks`): float32 `[numBins, paddedWindowSize/2]`
    /// rows over the FFT bins (the Nyquist bin excluded), triangles spaced evenly on
    /// 1127·ln(1 + f/700) between `lowFreq` and `highFreq` (≤ 0: offset from Nyquist), VTLN
    /// warped when `vtlnWarp` ≠ 1; and the centre frequencies.
    public static func melBanks(
        numBins: Int, paddedWindowSize: Int, sampleFrequency: Double, lowFreq: Double, highFreq: Double,
        vtlnLow: Double, vtlnHigh: Double, vtlnWarp: Double
    ) -> (bins: Tensor, centerFreqs: Tensor) {
        precondition(numBins > 3, "kaldi: Must have at least 3 mel bins")
        precondition(paddedWindowSize % 2 == 0, "kaldi: the padded window size must be even")
        let fftBins = paddedWindowSize / 2
        let nyquist = 0.5 * sampleFrequency
        let high = highFreq <= 0 ? highFreq + nyquist : highFreq
        precondition(
            0 <= lowFreq && lowFreq < nyquist && 0 < high && high <= nyquist && lowFreq < high,
            "kaldi: Bad values in options: low-freq \(lowFreq) and high-freq \(high) vs. nyquist \(nyquist)")
        let binWidth = sampleFrequency / Double(paddedWindowSize)
        let melLow = melScale(lowFreq), melHigh = melScale(high)
        let delta = (melHigh - melLow) / Double(numBins + 1)
        let vHigh = vtlnHigh < 0 ? vtlnHigh + nyquist : vtlnHigh
        precondition(
            vtlnWarp == 1 || (lowFreq < vtlnLow && vtlnLow < high && 0 < vHigh && vHigh < high && vtlnLow < vHigh),
            "kaldi: Bad values in options: vtln-low \(vtlnLow) and vtln-high \(vHigh), versus low-freq \(lowFreq) and high-freq \(high)")
        // float32 as torchaudio: mel_low + bin · delta with the scalars rounded to float
        let (fLow, fDelta) = (Float(melLow), Float(delta))
        func warped(_ mel: Float) -> Float {
            guard vtlnWarp != 1 else { return mel }
            let hz = 700 * (Foundation.exp(mel / 1127) - 1)
            let w = vtlnWarpFreq(vtlnLow: vtlnLow, vtlnHigh: vHigh, lowFreq: lowFreq, highFreq: high, warp: vtlnWarp, hz)
            return 1127 * Foundation.log(1 + w / 700)
        }
        let left = (0..<numBins).map { warped(fLow + Float($0) * fDelta) }
        let center = (0..<numBins).map { warped(fLow + (Float($0) + 1) * fDelta) }
        let right = (0..<numBins).map { warped(fLow + (Float($0) + 2) * fDelta) }
        let fBinWidth = Float(binWidth)
        let mel = (0..<fftBins).map { 1127 * Foundation.log(1 + fBinWidth * Float($0) / 700) }
        var bins = [Float](repeating: 0, count: numBins * fftBins)
        for b in 0..<numBins {
            for k in 0..<fftBins {
                let up = (mel[k] - left[b]) / (center[b] - left[b])
                let down = (right[b] - mel[k]) / (right[b] - center[b])
                let value: Float
                if vtlnWarp == 1 {
                    value = Swift.max(0, Swift.min(up, down))
                } else if mel[k] > center[b] && mel[k] < right[b] {
                    value = down
                } else if mel[k] > left[b] && mel[k] <= center[b] {
                    value = up
                } else {
                    value = 0
                }
                bins[b * fftBins + k] = value
            }
        }
        let centers = center.map { 700 * (Foundation.exp($0 / 1127) - 1) }
        return (Tensor(bins, shape: [numBins, fftBins]), Tensor(centers, shape: [numBins]))
    }
}
