import Ember
import Foundation

/// The formula that maps hertz to mels (torchaudio's `mel_scale`).
public enum MelScaleType: String, Sendable {
    /// 2595·log10(1 + f/700) (HTK).
    case htk
    /// Linear below 1 kHz (f / (200/3)), logarithmic above (Slaney's Auditory Toolbox, librosa's default).
    case slaney
}

/// The normalisation of ``Functional/createDCT(nMFCC:nMels:norm:)`` (torchaudio's `norm`).
public enum DCTNorm: String, Sendable {
    /// An orthonormal basis: row 0 scaled by 1/√2, everything by √(2/nMels).
    case ortho
}

/// How triangular mel filters are normalised (torchaudio's `norm`).
public enum MelNorm: String, Sendable {
    /// Each triangle divided by its width in Hz (times 2): equal area, roughly constant energy per band.
    case slaney
}

extension Functional {
    /// Hertz to mels on `melScale` (torchaudio's `_hz_to_mel`), in double.
    public static func hzToMel(_ freq: Double, melScale: MelScaleType = .htk) -> Double {
        switch melScale {
        case .htk:
            return 2595.0 * Foundation.log10(1.0 + freq / 700.0)
        case .slaney:
            let fSp = 200.0 / 3, minLogHz = 1000.0
            let minLogMel = minLogHz / fSp, logStep = Foundation.log(6.4) / 27.0
            return freq >= minLogHz ? minLogMel + Foundation.log(freq / minLogHz) / logStep : freq / fSp
        }
    }

    /// Mels to hertz on `melScale` (torchaudio's `_mel_to_hz`), in float32 arithmetic as
    /// torchaudio evaluates it on its float32 tensors.
    public static func melToHz(_ mels: [Float], melScale: MelScaleType = .htk) -> [Float] {
        switch melScale {
        case .htk:
            return mels.map { 700 * (Foundation.pow(Float(10), $0 / 2595) - 1) }
        case .slaney:
            let fSp = Float(200.0 / 3), minLogHz = Float(1000)
            let minLogMel = Float(1000.0 / (200.0 / 3)), logStep = Float(Foundation.log(6.4) / 27.0)
            return mels.map { m in m >= minLogMel ? minLogHz * Foundation.exp(logStep * (m - minLogMel)) : 0 + fSp * m }
        }
    }

    /// The mel filter bank (`torchaudio.functional.melscale_fbanks`): a float32
    /// `[nFreqs, nMels]` matrix of triangular filters whose peaks sit at `nMels` points evenly
    /// spaced in mels between `fMin` and `fMax`; `spectrogram.transpose(-1, -2).matmul(fb)`
    /// turns `[..., nFreqs, time]` power into `[..., time, nMels]` mel power.
    ///
    /// - Parameters:
    ///   - nFreqs: frequency bins of the spectrogram (`nFFT / 2 + 1`), spread evenly over
    ///     0...sampleRate/2 (integer division, as torchaudio).
    ///   - norm: `.slaney` divides each triangle by half its width in Hz (area normalisation).
    /// A filter can be all zero when `nMels` is large for `nFreqs` (torchaudio warns then).
    public static func melscaleFbanks(
        nFreqs: Int, fMin: Double, fMax: Double, nMels: Int, sampleRate: Int, norm: MelNorm? = nil,
        melScale: MelScaleType = .htk
    ) -> Tensor {
        precondition(nFreqs >= 1 && nMels >= 1, "melscale_fbanks: n_freqs and n_mels must be positive, got \(nFreqs) and \(nMels)")
        let allFreqs = linspace32(0, Double(sampleRate / 2), nFreqs)
        let mMin = hzToMel(fMin, melScale: melScale), mMax = hzToMel(fMax, melScale: melScale)
        let mPts = linspace32(mMin, mMax, nMels + 2)
        let fPts = melToHz(mPts, melScale: melScale)
        var fb = triangularFilterbank(allFreqs, fPts)
        if norm == .slaney {
            let enorm = (0..<nMels).map { Float(2) / (fPts[$0 + 2] - fPts[$0]) }
            for i in 0..<nFreqs { for j in 0..<nMels { fb[i * nMels + j] *= enorm[j] } }
        }
        return Tensor(fb, shape: [nFreqs, nMels])
    }

    /// Triangular filters with linearly spaced centres (`torchaudio.functional.linear_fbanks`),
    /// float32 `[nFreqs, nFilter]`: the filter bank of ``LFCC``.
    public static func linearFbanks(nFreqs: Int, fMin: Double, fMax: Double, nFilter: Int, sampleRate: Int) -> Tensor {
        precondition(nFreqs >= 1 && nFilter >= 1, "linear_fbanks: n_freqs and n_filter must be positive, got \(nFreqs) and \(nFilter)")
        let allFreqs = linspace32(0, Double(sampleRate / 2), nFreqs)
        let fPts = linspace32(fMin, fMax, nFilter + 2)
        return Tensor(triangularFilterbank(allFreqs, fPts), shape: [nFreqs, nFilter])
    }

    /// `torch.linspace` in float32 as ATen computes it: the endpoints rounded to float32, the
    /// step divided in float32, the first half stepped from the start and the second from the
    /// end (a double linspace rounded afterwards differs by an ulp in places).
    static func linspace32(_ start: Double, _ end: Double, _ steps: Int) -> [Float] {
        if steps <= 0 { return [] }
        let a = Float(start), b = Float(end)
        if steps == 1 { return [a] }
        let step = (b - a) / Float(steps - 1)
        let half = steps / 2
        return (0..<steps).map { i in i < half ? a + step * Float(i) : b - step * Float(steps - 1 - i) }
    }

    /// librosa's overlapping triangles, row-major `[allFreqs.count, fPts.count - 2]`: filter j
    /// rises from fPts[j] to fPts[j+1] and falls to fPts[j+2]; float32 throughout.
    static func triangularFilterbank(_ allFreqs: [Float], _ fPts: [Float]) -> [Float] {
        let nFilter = fPts.count - 2
        let fDiff = (0..<(fPts.count - 1)).map { fPts[$0 + 1] - fPts[$0] }
        var fb = [Float](repeating: 0, count: allFreqs.count * nFilter)
        for (i, f) in allFreqs.enumerated() {
            for j in 0..<nFilter {
                let down = -(fPts[j] - f) / fDiff[j]
                let up = (fPts[j + 2] - f) / fDiff[j + 1]
                // torch.max(zero, torch.min(down, up)), NaN-propagating like torch's
                let low = down.isNaN || up.isNaN ? Float.nan : Swift.min(down, up)
                fb[i * nFilter + j] = low.isNaN ? .nan : Swift.max(0, low)
            }
        }
        return fb
    }

    /// The DCT-II matrix (`torchaudio.functional.create_dct`), float32 `[nMels, nMFCC]`, to be
    /// right-multiplied onto `[..., nMels]` rows: cos(π/nMels · (n + ½) · k), times 2 without
    /// a norm (`nil`), or scaled to an orthonormal basis with `.ortho`.
    public static func createDCT(nMFCC: Int, nMels: Int, norm: DCTNorm?) -> Tensor {
        precondition(nMFCC >= 1 && nMels >= 1, "create_dct: n_mfcc and n_mels must be positive, got \(nMFCC) and \(nMels)")
        let step = Float(Double.pi / Double(nMels))
        let first = Float(1.0 / 2.0.squareRoot()), scale = Float((2.0 / Double(nMels)).squareRoot())
        var out = [Float](repeating: 0, count: nMels * nMFCC)
        for k in 0..<nMFCC {
            for n in 0..<nMels {
                var v = Foundation.cos(step * (Float(n) + 0.5) * Float(k))
                if norm == .ortho {
                    if k == 0 { v *= first }
                    v *= scale
                } else {
                    v *= 2
                }
                out[n * nMFCC + k] = v
            }
        }
        return Tensor(out, shape: [nMels, nMFCC])
    }
}
