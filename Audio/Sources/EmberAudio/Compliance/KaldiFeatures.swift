import Ember
import Foundation

extension Kaldi {
    /// Kaldi's log-power spectrogram (`compute-spectrogram-feats`,
    /// `torchaudio.compliance.kaldi.spectrogram`): `[frames, paddedWindowSize/2 + 1]`,
    /// log(max(|FFT|², ε)) with bin 0 replaced by the frame's log energy.
    ///
    /// Options as Kaldi's (lengths in milliseconds): frames of `frameLength` every
    /// `frameShift`, dithered (`dither` · N(0, 1) drawn on `generator`; 0 = off), DC offset
    /// removed, pre-emphasised, windowed, zero-padded to a power of two. Returns an empty
    /// tensor when the signal is shorter than `minDuration` seconds.
    public static func spectrogram(
        _ waveform: Tensor, blackmanCoeff: Double = 0.42, channel: Int = -1, dither: Double = 0, energyFloor: Double = 1,
        frameLength: Double = 25, frameShift: Double = 10, minDuration: Double = 0, preemphasisCoefficient: Double = 0.97,
        rawEnergy: Bool = true, removeDCOffset: Bool = true, roundToPowerOfTwo: Bool = true,
        sampleFrequency: Double = 16_000, snipEdges: Bool = true, subtractMean: Bool = false,
        windowType: WindowType = .povey, generator: Generator? = nil
    ) -> Tensor {
        let o = Framing(
            blackmanCoeff: blackmanCoeff, channel: channel, dither: dither, energyFloor: energyFloor,
            frameLength: frameLength, frameShift: frameShift, preemphasisCoefficient: preemphasisCoefficient,
            rawEnergy: rawEnergy, removeDCOffset: removeDCOffset, roundToPowerOfTwo: roundToPowerOfTwo,
            sampleFrequency: sampleFrequency, snipEdges: snipEdges, windowType: windowType, generator: generator)
        guard let (frames, logEnergy, _) = Kaldi.frames(waveform, o, minDuration: minDuration, op: "spectrogram") else {
            return Tensor(empty: [0], dtype: .float32)
        }
        let power = FFT.rfft(frames).abs().pow(2).clamp(min: .double(epsilon)).log()
        let spectrum = Tensor.cat([logEnergy.unsqueeze(1), power.narrow(1, start: 1, length: power.size(1) - 1)], dim: 1)
        return subtractColumnMean(spectrum, subtractMean)
    }

    /// Kaldi's mel filter-bank features (`compute-fbank-feats`, `torchaudio.compliance.kaldi.fbank`):
    /// `[frames, numMelBins (+1 with useEnergy)]`, the log (`useLogFbank`) of the mel-weighted
    /// power (`usePower`, else magnitude) spectrum; the frame's log energy goes first, or last
    /// with `htkCompat`. Framing options as ``spectrogram(_:blackmanCoeff:channel:dither:energyFloor:frameLength:frameShift:minDuration:preemphasisCoefficient:rawEnergy:removeDCOffset:roundToPowerOfTwo:sampleFrequency:snipEdges:subtractMean:windowType:generator:)``;
    /// mel options as ``melBanks(numBins:paddedWindowSize:sampleFrequency:lowFreq:highFreq:vtlnLow:vtlnHigh:vtlnWarp:)``.
    public static func fbank(
        _ waveform: Tensor, blackmanCoeff: Double = 0.42, channel: Int = -1, dither: Double = 0, energyFloor: Double = 1,
        frameLength: Double = 25, frameShift: Double = 10, highFreq: Double = 0, htkCompat: Bool = false,
        lowFreq: Double = 20, minDuration: Double = 0, numMelBins: Int = 23, preemphasisCoefficient: Double = 0.97,
        rawEnergy: Bool = true, removeDCOffset: Bool = true, roundToPowerOfTwo: Bool = true,
        sampleFrequency: Double = 16_000, snipEdges: Bool = true, subtractMean: Bool = false, useEnergy: Bool = false,
        useLogFbank: Bool = true, usePower: Bool = true, vtlnHigh: Double = -500, vtlnLow: Double = 100,
        vtlnWarp: Double = 1, windowType: WindowType = .povey, generator: Generator? = nil
    ) -> Tensor {
        let o = Framing(
            blackmanCoeff: blackmanCoeff, channel: channel, dither: dither, energyFloor: energyFloor,
            frameLength: frameLength, frameShift: frameShift, preemphasisCoefficient: preemphasisCoefficient,
            rawEnergy: rawEnergy, removeDCOffset: removeDCOffset, roundToPowerOfTwo: roundToPowerOfTwo,
            sampleFrequency: sampleFrequency, snipEdges: snipEdges, windowType: windowType, generator: generator)
        guard let (frames, logEnergy, padded) = Kaldi.frames(waveform, o, minDuration: minDuration, op: "fbank") else {
            return Tensor(empty: [0], dtype: waveform.dtype)
        }
        var spectrum = FFT.rfft(frames).abs()
        if usePower { spectrum = spectrum.pow(2) }
        let banks = melBanks(
            numBins: numMelBins, paddedWindowSize: padded, sampleFrequency: sampleFrequency, lowFreq: lowFreq,
            highFreq: highFreq, vtlnLow: vtlnLow, vtlnHigh: vtlnHigh, vtlnWarp: vtlnWarp
        ).bins.to(frames.dtype)
        // the Nyquist bin gets weight 0
        let weights = Ember.Functional.pad(banks, [0, 1])
        var energies = spectrum.mm(weights.t())
        if useLogFbank { energies = energies.clamp(min: .double(epsilon)).log() }
        if useEnergy {
            let column = logEnergy.unsqueeze(1)
            energies = Tensor.cat(htkCompat ? [energies, column] : [column, energies], dim: 1)
        }
        return subtractColumnMean(energies, subtractMean)
    }

    /// Kaldi's MFCCs (`compute-mfcc-feats`, `torchaudio.compliance.kaldi.mfcc`):
    /// `[frames, numCeps]`, the DCT of the log mel energies (C0 weighted √(1/numMelBins)),
    /// liftered by 1 + (L/2)·sin(πi/L) (`cepstralLifter` L; 0 = off). With `useEnergy` the
    /// log energy replaces C0; with `htkCompat` C0/energy moves last (C0 scaled by √2 when
    /// it is not the energy). Other options as ``fbank(_:blackmanCoeff:channel:dither:energyFloor:frameLength:frameShift:highFreq:htkCompat:lowFreq:minDuration:numMelBins:preemphasisCoefficient:rawEnergy:removeDCOffset:roundToPowerOfTwo:sampleFrequency:snipEdges:subtractMean:useEnergy:useLogFbank:usePower:vtlnHigh:vtlnLow:vtlnWarp:windowType:generator:)``.
    public static func mfcc(
        _ waveform: Tensor, blackmanCoeff: Double = 0.42, cepstralLifter: Double = 22, channel: Int = -1,
        dither: Double = 0, energyFloor: Double = 1, frameLength: Double = 25, frameShift: Double = 10,
        highFreq: Double = 0, htkCompat: Bool = false, lowFreq: Double = 20, numCeps: Int = 13, minDuration: Double = 0,
        numMelBins: Int = 23, preemphasisCoefficient: Double = 0.97, rawEnergy: Bool = true,
        removeDCOffset: Bool = true, roundToPowerOfTwo: Bool = true, sampleFrequency: Double = 16_000,
        snipEdges: Bool = true, subtractMean: Bool = false, useEnergy: Bool = false, vtlnHigh: Double = -500,
        vtlnLow: Double = 100, vtlnWarp: Double = 1, windowType: WindowType = .povey, generator: Generator? = nil
    ) -> Tensor {
        precondition(numCeps <= numMelBins, "kaldi.mfcc: num_ceps cannot be larger than num_mel_bins: \(numCeps) vs \(numMelBins)")
        var feature = fbank(
            waveform, blackmanCoeff: blackmanCoeff, channel: channel, dither: dither, energyFloor: energyFloor,
            frameLength: frameLength, frameShift: frameShift, highFreq: highFreq, htkCompat: htkCompat, lowFreq: lowFreq,
            minDuration: minDuration, numMelBins: numMelBins, preemphasisCoefficient: preemphasisCoefficient,
            rawEnergy: rawEnergy, removeDCOffset: removeDCOffset, roundToPowerOfTwo: roundToPowerOfTwo,
            sampleFrequency: sampleFrequency, snipEdges: snipEdges, subtractMean: false, useEnergy: useEnergy,
            useLogFbank: true, usePower: true, vtlnHigh: vtlnHigh, vtlnLow: vtlnLow, vtlnWarp: vtlnWarp,
            windowType: windowType, generator: generator)
        if feature.dim < 2 { return feature }
        var energy: Tensor?
        if useEnergy {
            energy = feature.narrow(1, start: htkCompat ? numMelBins : 0, length: 1)
            feature = feature.narrow(1, start: htkCompat ? 0 : 1, length: numMelBins)
        }
        feature = feature.matmul(dctMatrix(numCeps: numCeps, numMelBins: numMelBins).to(feature.dtype))
        if cepstralLifter != 0 {
            feature = feature * lifterCoefficients(numCeps: numCeps, cepstralLifter: cepstralLifter).to(feature.dtype).unsqueeze(0)
        }
        if let energy {
            feature = Tensor.cat([energy, feature.narrow(1, start: 1, length: numCeps - 1)], dim: 1)
        }
        if htkCompat {
            var c0 = feature.narrow(1, start: 0, length: 1)
            if !useEnergy { c0 = c0 * .double(2.0.squareRoot()) }
            feature = Tensor.cat([feature.narrow(1, start: 1, length: numCeps - 1), c0], dim: 1)
        }
        return subtractColumnMean(feature, subtractMean)
    }

    /// Kaldi's DCT (`_get_dct_matrix`): torchaudio's orthonormal DCT-II with column 0 set to
    /// √(1/numMelBins), float32 `[numMelBins, numCeps]`.
    static func dctMatrix(numCeps: Int, numMelBins: Int) -> Tensor {
        var values = Functional.createDCT(nMFCC: numMelBins, nMels: numMelBins, norm: .ortho).toArray(Float.self)
        let first = Float((1 / Double(numMelBins)).squareRoot())
        for row in 0..<numMelBins { values[row * numMelBins] = first }
        return Tensor(values, shape: [numMelBins, numMelBins]).narrow(1, start: 0, length: numCeps).contiguous()
    }

    /// 1 + (L/2)·sin(π·i/L) for i in 0..<numCeps, float32 (`_get_lifter_coeffs`).
    static func lifterCoefficients(numCeps: Int, cepstralLifter: Double) -> Tensor {
        let pi = Float(Double.pi), lifter = Float(cepstralLifter), half = Float(0.5 * cepstralLifter)
        return Tensor((0..<numCeps).map { 1 + half * Foundation.sin(pi * Float($0) / lifter) }, shape: [numCeps])
    }
}
