import Ember
import XCTest
@testable import EmberAudio

/// Non-spectral transforms and functional ops against torchaudio 2.11
/// (`Scripts/fixtures/audio_transforms.py` → `Tests/Fixtures/Audio/transforms.json`).
final class TransformsTests: XCTestCase {
    static let all: [[String: Any]] = (try? AudioFixtures.cases("transforms.json")) ?? []
    static let named: [String: Tensor] = {
        var out: [String: Tensor] = [:]
        for c in all where c["op"] as? String == "named" { out[c["name"] as! String] = AudioFixtures.tensor(c["value"]) }
        return out
    }()

    func cases(_ op: String) -> [[String: Any]] {
        let selected = Self.all.filter { $0["op"] as? String == op }
        XCTAssertFalse(selected.isEmpty, "no fixture cases for \(op)")
        return selected
    }

    func tensor(_ value: Any?) -> Tensor {
        if let name = value as? String {
            if name.hasPrefix("file:") {
                return try! load(path: AudioFixtures.path("clips/" + name.dropFirst(5))).waveform
            }
            return Self.named[name]!
        }
        return AudioFixtures.tensor(value)
    }

    func testMelFilterBanksAndDCT() {
        for c in cases("melscale_fbanks") {
            let fb = Functional.melscaleFbanks(
                nFreqs: c["n_freqs"] as! Int, fMin: c["f_min"] as! Double, fMax: c["f_max"] as! Double,
                nMels: c["n_mels"] as! Int, sampleRate: c["sample_rate"] as! Int,
                norm: (c["norm"] as? String).flatMap(MelNorm.init(rawValue:)),
                melScale: MelScaleType(rawValue: c["mel_scale"] as! String)!)
            // float32 on both sides in the same operation order, but ATen's vectorised powf/expf
            // (Sleef, 1 ulp) and libm's round the band edges differently: one ulp of a 5 kHz
            // edge (5e-4 Hz) over a ~300 Hz slope moves a weight by ~2e-6; 1e-5 absolute
            assertClose(fb, tensor(c["output"]), atol: 1e-5, "melscale_fbanks \(c["mel_scale"]!) \(c["norm"] ?? "none")")
        }
        for c in cases("linear_fbanks") {
            let fb = Functional.linearFbanks(
                nFreqs: c["n_freqs"] as! Int, fMin: c["f_min"] as! Double, fMax: c["f_max"] as! Double,
                nFilter: c["n_filter"] as! Int, sampleRate: c["sample_rate"] as! Int)
            // no transcendental functions: float32 arithmetic in ATen's order, 1e-6
            assertClose(fb, tensor(c["output"]), atol: 1e-6, "linear_fbanks")
        }
        for c in cases("create_dct") {
            let dct = Functional.createDCT(
                nMFCC: c["n_mfcc"] as! Int, nMels: c["n_mels"] as! Int, norm: (c["norm"] as? String).flatMap(DCTNorm.init(rawValue:)))
            // float32 cos of libm vs ATen: 2 ulps of values ≤ 2 (atol 5e-7)
            assertClose(dct, tensor(c["output"]), atol: 5e-7, "create_dct \(c["n_mfcc"]!)x\(c["n_mels"]!)")
        }
        // the Slaney scale is linear below 1 kHz and logarithmic above, continuous at 1 kHz
        XCTAssertEqual(Functional.hzToMel(1000, melScale: .slaney), 15, accuracy: 1e-12)
        XCTAssertEqual(Functional.hzToMel(700, melScale: .htk), 2595 * 0.3010299956639812, accuracy: 1e-9)
    }

    func testAmplitudeToDB() {
        for c in cases("AmplitudeToDB") {
            let transform = AmplitudeToDB(stype: AmplitudeToDB.SType(rawValue: c["stype"] as! String)!, topDB: c["top_db"] as? Double)
            // dB values up to ~100 in magnitude from float32 log10: 1e-3 dB absolute (the brief's dB bound)
            assertClose(transform(tensor(c["input"])), tensor(c["output"]), atol: 1e-3, "AmplitudeToDB \(c["stype"]!) \(c["top_db"] ?? "nil")")
        }
        for c in cases("amplitude_to_DB") {
            let out = Functional.amplitudeToDB(
                tensor(c["input"]), multiplier: c["multiplier"] as! Double, amin: c["amin"] as! Double,
                dbMultiplier: c["db_multiplier"] as! Double, topDB: c["top_db"] as? Double)
            assertClose(out, tensor(c["output"]), atol: 1e-3, "amplitude_to_DB")
        }
        for c in cases("DB_to_amplitude") {
            let out = Functional.dbToAmplitude(tensor(c["input"]), ref: c["ref"] as! Double, power: c["power"] as! Double)
            // float32 pow twice: 1e-5 relative
            assertClose(out, tensor(c["output"]), rtol: 1e-5, atol: 1e-12, "DB_to_amplitude")
        }
    }

    func testComputeDeltas() {
        for c in cases("compute_deltas") {
            let out = Functional.computeDeltas(tensor(c["input"]), winLength: c["win_length"] as! Int)
            // float32 convolution sums in a different order: 1e-6 absolute on values of ~1
            assertClose(out, tensor(c["output"]), atol: 1e-6, "compute_deltas win \(c["win_length"]!)")
        }
        for c in cases("ComputeDeltas") {
            assertClose(ComputeDeltas(winLength: 5)(tensor(c["input"])), tensor(c["output"]), atol: 1e-6, "ComputeDeltas")
        }
        // a linear ramp has delta 1 away from the replicated edges
        let ramp = Tensor.arange(0, 20, dtype: .float64).view([1, 20])
        let d = Functional.computeDeltas(ramp, winLength: 5).toArray(Double.self)
        XCTAssertEqual(d[10], 1, accuracy: 1e-12)
        XCTAssertEqual(d[0], 0.5, accuracy: 1e-12)  // (1·(1−0) + 2·(2−0)) / 10
    }

    /// The masks are compared exactly: Ember's generator reproduces torch's draws for the
    /// seed, so the masked band must be the same one.
    func testMasksDrawnAsTorchaudio() {
        func expected(_ c: [String: Any], _ input: Tensor, _ value: Double) -> Tensor {
            input.maskedFill(tensor(c["mask"]).to(.bool), .double(value))
        }
        for op in ["mask_along_axis", "mask_along_axis_iid"] {
            for c in cases(op) {
                var input = tensor(c["input"])
                if c["dtype"] as? String == "float64" { input = input.double() }
                let g = Generator(seed: UInt64(c["seed"] as! Int))
                let param = c["mask_param"] as! Int, value = c["mask_value"] as! Double
                let axis = c["axis"] as! Int, p = c["p"] as! Double
                let out = op == "mask_along_axis"
                    ? Functional.maskAlongAxis(input, maskParam: param, maskValue: value, axis: axis, p: p, generator: g)
                    : Functional.maskAlongAxisIID(input, maskParam: param, maskValue: value, axis: axis, p: p, generator: g)
                assertClose(out, expected(c, input, value), "\(op) seed \(c["seed"]!)")
            }
        }
        for op in ["FrequencyMasking", "TimeMasking"] {
            for c in cases(op) {
                let input = tensor(c["input"])
                let g = Generator(seed: UInt64(c["seed"] as! Int))
                let out = op == "FrequencyMasking"
                    ? FrequencyMasking(freqMaskParam: c["mask_param"] as! Int, iidMasks: c["iid_masks"] as! Bool)(input, generator: g)
                    : TimeMasking(timeMaskParam: c["mask_param"] as! Int, iidMasks: c["iid_masks"] as! Bool, p: c["p"] as! Double)(
                        input, generator: g)
                assertClose(out, expected(c, input, 0), "\(op) seed \(c["seed"]!)")
            }
        }
    }

    func testFiltfiltAndBiquads() {
        // IIR recursions: Ember in double, torchaudio in float32 — 1e-5 absolute (as lfilter)
        for c in cases("filtfilt") {
            let out = Functional.filtfilt(tensor(c["input"]), aCoeffs: tensor(c["a"]), bCoeffs: tensor(c["b"]), clamp: c["clamp"] as! Bool)
            assertClose(out, tensor(c["output"]), atol: 1e-5, "filtfilt")
        }
        for c in cases("biquad") {
            let x = tensor(c["input"]), args = c["args"] as! [Any]
            let sr = args[0] as! Int
            func d(_ i: Int) -> Double { (args[i] as! NSNumber).doubleValue }
            let out: Tensor
            switch c["name"] as! String {
            case "allpass": out = Functional.allpassBiquad(x, sampleRate: sr, centralFreq: d(1), q: d(2))
            case "bandreject": out = Functional.bandrejectBiquad(x, sampleRate: sr, centralFreq: d(1), q: d(2))
            case "equalizer": out = Functional.equalizerBiquad(x, sampleRate: sr, centerFreq: d(1), gain: d(2), q: d(3))
            case "band": out = Functional.bandBiquad(x, sampleRate: sr, centralFreq: d(1), q: d(2), noise: d(3) != 0)
            case "treble": out = Functional.trebleBiquad(x, sampleRate: sr, gain: d(1), centralFreq: d(2), q: d(3))
            case "bass": out = Functional.bassBiquad(x, sampleRate: sr, gain: d(1), centralFreq: d(2), q: d(3))
            case "lowpass": out = Functional.lowpassBiquad(x, sampleRate: sr, cutoffFreq: d(1), q: d(2))
            case "highpass": out = Functional.highpassBiquad(x, sampleRate: sr, cutoffFreq: d(1), q: d(2))
            default: XCTFail("unknown biquad \(c["name"]!)"); continue
            }
            // float64: the same recursion in the same precision, 1e-12
            let atol = x.dtype == .float64 ? 1e-12 : 1e-5
            assertClose(out, tensor(c["output"]), atol: atol, "\(c["name"]!)_biquad \(x.dtype)")
        }
    }

    func testSpeed() {
        for c in cases("speed") {
            let (out, lengths) = Functional.speed(
                tensor(c["input"]), origFreq: c["orig_freq"] as! Int, factor: c["factor"] as! Double, lengths: tensor(c["lengths"]))
            // the resampler's bound (1e-5); lengths exact
            assertClose(out, tensor(c["output"]), atol: 1e-5, "speed \(c["factor"]!)")
            assertClose(lengths!, tensor(c["out_lengths"]), "speed lengths \(c["factor"]!)")
        }
        for c in cases("SpeedPerturbation") {
            let perturb = SpeedPerturbation(origFreq: c["orig_freq"] as! Int, factors: c["factors"] as! [Double])
            let g = Generator(seed: UInt64(c["seed"] as! Int))
            var picks: [Int] = []
            var last: (waveform: Tensor, lengths: Tensor?)!
            for _ in 0..<4 {
                last = perturb(tensor(c["input"]), lengths: Tensor([800]), generator: g)
                picks.append(last.waveform.size(-1))
            }
            // the same factors picked in the same order as torch's randint under the seed
            XCTAssertEqual(picks, c["output_lengths"] as! [Int])
            assertClose(last.waveform, tensor(c["last_output"]), atol: 1e-5, "SpeedPerturbation")
            assertClose(last.lengths!, tensor(c["last_out_lengths"]), "SpeedPerturbation lengths")
        }
    }

    func testDetectPitchFrequency() {
        for c in cases("detect_pitch_frequency") {
            let kw = c["kw"] as! [String: Any]
            let out = Functional.detectPitchFrequency(
                tensor(c["input"]), sampleRate: c["sample_rate"] as! Int, frameTime: kw["frame_time"] as? Double ?? 0.01,
                winLength: kw["win_length"] as? Int ?? 30, freqLow: kw["freq_low"] as? Int ?? 85,
                freqHigh: kw["freq_high"] as? Int ?? 3400)
            // frequencies are sampleRate / lag for integer lags: equal to float32 rounding when
            // the same lag wins (rtol 1e-6); correlations in double vs float32 could only flip
            // a pick whose two candidates are within float32 noise, which these signals avoid
            assertClose(out, tensor(c["output"]), rtol: 1e-6, "detect_pitch_frequency \(c["input"]!) \(kw)")
        }
        // the music signal's fundamental is 220 Hz (±3 Hz vibrato): 16000/73 ≈ 219.2 Hz
        let (music, _) = try! load(path: AudioFixtures.path("clips/music_16k_f32.wav"))
        let pitch = Functional.detectPitchFrequency(music, sampleRate: 16_000).toArray(Float.self)
        XCTAssertEqual(Double(pitch[pitch.count / 2]), 220, accuracy: 8)
    }

    func testMelScaleAndInverse() {
        for c in cases("MelScale") {
            let mel = MelScale(
                nMels: c["n_mels"] as! Int, sampleRate: c["sample_rate"] as! Int, fMin: c["f_min"] as! Double,
                fMax: c["f_max"] as? Double, nSTFT: c["n_stft"] as! Int,
                norm: (c["norm"] as? String).flatMap(MelNorm.init(rawValue:)),
                melScale: MelScaleType(rawValue: c["mel_scale"] as! String)!)
            let expected = tensor(c["output"])
            let maxValue = expected.abs().max().item(Float.self)
            // float32 matrix products summed in another order: 1e-5 relative to the maximum
            assertClose(mel(tensor(c["input"])), expected, atol: 1e-5 * Double(maxValue), "MelScale \(c["mel_scale"]!)")
        }
        for c in cases("InverseMelScale") {
            let inverse = InverseMelScale(
                nSTFT: c["n_stft"] as! Int, nMels: c["n_mels"] as! Int, sampleRate: c["sample_rate"] as! Int,
                fMin: c["f_min"] as? Double ?? 0, norm: (c["norm"] as? String).flatMap(MelNorm.init(rawValue:)),
                melScale: MelScaleType(rawValue: c["mel_scale"] as! String)!)
            let expected = tensor(c["output"])
            let maxValue = Double(expected.abs().max().item(Float.self))
            // LAPACK's float32 gels vs a double QR of the same minimum-norm problem: the
            // solution is conditioned by the filter bank, 1e-4 relative to the maximum
            assertClose(inverse(tensor(c["input"])), expected, atol: 1e-4 * maxValue, "InverseMelScale")
        }
    }

    func testLeastSquaresBothShapes() {
        // overdetermined: the exact solution of a consistent system
        let a: [Double] = [1, 2, 3, 4, 5, 6, 7, 8, 10, 1, 0, 1]  // 4x3
        let x: [Double] = [1, -2, 0.5]
        let b = (0..<4).map { i in (0..<3).reduce(0.0) { $0 + a[i * 3 + $1] * x[$1] } }
        let solved = LeastSquares(a, rows: 4, cols: 3).solve(b, k: 1)
        for i in 0..<3 { XCTAssertEqual(solved[i], x[i], accuracy: 1e-12) }
        // underdetermined: x = Aᵀ(AAᵀ)⁻¹b is the minimum-norm solution; for A = [1 1] and b = 2, x = [1, 1]
        let minNorm = LeastSquares([1, 1], rows: 1, cols: 2).solve([2], k: 1)
        XCTAssertEqual(minNorm[0], 1, accuracy: 1e-12)
        XCTAssertEqual(minNorm[1], 1, accuracy: 1e-12)
    }

    func testGradcheckOfDifferentiableTransforms() throws {
        let g = Generator(seed: 3)
        let power = (Tensor.rand([1, 9, 6], dtype: .float64, generator: g) + 0.1).requiresGrad_()
        try gradcheck(inputs: [power]) { AmplitudeToDB(stype: .power, topDB: 8)($0[0]) }
        try gradcheck(inputs: [power]) { MelScale(nMels: 4, sampleRate: 16_000, nSTFT: 9)($0[0]) }
        try gradcheck(inputs: [power]) { ComputeDeltas(winLength: 5)($0[0]) }
        try gradcheck(inputs: [power]) { Functional.maskAlongAxis($0[0], maskParam: 4, maskValue: 0, axis: 2, generator: Generator(seed: 1)) }
    }
}
