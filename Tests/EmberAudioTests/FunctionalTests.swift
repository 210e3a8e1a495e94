import Ember
import XCTest
@testable import EmberAudio

/// Functional ops and transforms against torchaudio 2.11 (`Scripts/fixtures/audio_functional.py`).
final class FunctionalTests: XCTestCase {
    var named: [String: Tensor] = [:]

    func cases(_ op: String) throws -> [[String: Any]] {
        let all = try AudioFixtures.cases("functional.json")
        for c in all where c["op"] as? String == "named" {
            named[c["name"] as! String] = AudioFixtures.tensor(c["value"])
        }
        let selected = all.filter { $0["op"] as? String == op }
        XCTAssertFalse(selected.isEmpty, "no fixture cases for \(op)")
        return selected
    }

    func tensor(_ value: Any?) -> Tensor {
        if let name = value as? String { return named[name]! }
        return AudioFixtures.tensor(value)
    }

    func testResampleMatchesTorchaudio() throws {
        for c in try cases("resample") {
            let kw = c["kw"] as! [String: Any]
            let method = (kw["resampling_method"] as? String).flatMap(ResamplingMethod.init(rawValue:)) ?? .sincInterpHann
            let input = tensor(c["input"])
            let out = Functional.resample(
                input, origFreq: c["orig"] as! Int, newFreq: c["new"] as! Int,
                lowpassFilterWidth: kw["lowpass_filter_width"] as? Int ?? 6, rolloff: kw["rolloff"] as? Double ?? 0.99,
                resamplingMethod: method, beta: kw["beta"] as? Double)
            // Tolerance 1e-5 absolute (the brief's bound): torchaudio builds the kernel in the
            // waveform's dtype, Ember in double rounded to float32.
            assertClose(out, tensor(c["output"]), atol: 1e-5, "resample \(c["orig"]!)→\(c["new"]!) \(kw)")
        }
    }

    func testResampleTransformAndNonContiguousInput() throws {
        for c in try cases("Resample") {
            let input = tensor(c["input"])
            let transform = Resample(origFreq: c["orig"] as! Int, newFreq: c["new"] as! Int)
            assertClose(transform(input), tensor(c["output"]), atol: 1e-5, "Resample transform")
            // The same row three times through an expanded (stride 0, non-contiguous) view.
            let rows = input.expand([3, input.size(1)])
            XCTAssertFalse(rows.isContiguous)
            let expected = tensor(c["output"])
            assertClose(transform(rows), expected.expand([3, expected.size(1)]).contiguous(), atol: 1e-5, "Resample of an expanded view")
        }
    }

    func testResampleEdgeCases() {
        let empty = Functional.resample(Tensor(empty: [2, 0]), origFreq: 16_000, newFreq: 8_000)
        XCTAssertEqual(empty.shape, [2, 0])
        let noRows = Functional.resample(Tensor(empty: [0, 100]), origFreq: 16_000, newFreq: 8_000)
        XCTAssertEqual(noRows.shape, [0, 50])
        let same = Tensor([0.1, 0.2, 0.3], shape: [3]).float()
        XCTAssertTrue(Functional.resample(same, origFreq: 8_000, newFreq: 8_000).isSameTensor(same))
        // a constant signal stays constant in the middle, far from the zero padding (atol 1e-3:
        // the filter's DC gain is 1 up to its truncation)
        let dc = Functional.resample(Tensor.ones([1, 2_000]), origFreq: 16_000, newFreq: 8_000)
        XCTAssertEqual(dc.shape, [1, 1_000])
        XCTAssertEqual(dc.toArray(Float.self)[500], 1, accuracy: 1e-3)
    }

    func testWindowsMatchTorch() throws {
        for c in try cases("window") {
            let expected = tensor(c["output"])
            let n = c["length"] as! Int, periodic = c["periodic"] as! Bool, dtype = expected.dtype
            let actual: Tensor
            switch c["name"] as! String {
            case "hann": actual = Windows.hann(n, periodic: periodic, dtype: dtype)
            case "hamming": actual = Windows.hamming(n, periodic: periodic, dtype: dtype)
            case "blackman": actual = Windows.blackman(n, periodic: periodic, dtype: dtype)
            case "bartlett": actual = Windows.bartlett(n, periodic: periodic, dtype: dtype)
            case "kaiser": actual = Windows.kaiser(n, periodic: periodic, dtype: dtype)
            case "kaiser_beta5": actual = Windows.kaiser(n, periodic: periodic, beta: 5, dtype: dtype)
            case "hamming_custom": actual = Windows.hamming(n, periodic: periodic, alpha: 0.6, beta: 0.4, dtype: dtype)
            default: XCTFail("unknown window \(c["name"]!)"); continue
            }
            // torch evaluates in the output dtype, Ember in double: a few float32 ulps
            // (atol 1e-6), 1e-12 for float64.
            assertClose(actual, expected, atol: dtype == .float64 ? 1e-12 : 1e-6, "\(c["name"]!) \(n) periodic=\(periodic) \(dtype)")
        }
    }

    func testMuLaw() throws {
        for c in try cases("mu_law_encoding") {
            let out = Functional.muLawEncoding(tensor(c["input"]), quantizationChannels: c["channels"] as! Int)
            // exact: the level is computed in float32 like torchaudio's
            assertClose(out, tensor(c["output"]), "mu_law_encoding")
        }
        for c in try cases("mu_law_decoding") {
            let out = Functional.muLawDecoding(tensor(c["input"]), quantizationChannels: c["channels"] as! Int)
            // float32 exp/log1p of libm vs ATen's vectorised ones: 1e-6 relative
            assertClose(out, tensor(c["output"]), rtol: 1e-6, atol: 1e-7, "mu_law_decoding")
        }
    }

    func testFadeVolGain() throws {
        for c in try cases("Fade") {
            let fade = Fade(
                fadeInLength: c["fade_in"] as! Int, fadeOutLength: c["fade_out"] as! Int,
                shape: Fade.Shape(rawValue: c["shape"] as! String)!)
            // float32 sin/pow/log10 of libm vs ATen: 1e-6 absolute
            assertClose(fade(tensor(c["input"])), tensor(c["output"]), atol: 1e-6, "Fade \(c["shape"]!)")
        }
        for c in try cases("Vol") {
            let vol = Vol(gain: c["gain"] as! Double, gainType: Vol.GainType(rawValue: c["gain_type"] as! String)!)
            // the gain factor is computed in double on both sides: 1 float32 ulp (rtol 1e-7)
            assertClose(vol(tensor(c["input"])), tensor(c["output"]), rtol: 1e-7, atol: 1e-9, "Vol \(c["gain_type"]!)")
        }
        for c in try cases("gain") {
            assertClose(Functional.gain(tensor(c["input"]), gainDB: c["gain_db"] as! Double), tensor(c["output"]), rtol: 1e-7, atol: 1e-9, "gain")
        }
    }

    func testEmphasisAndFilters() throws {
        for c in try cases("preemphasis") {
            // one float32 multiply-subtract per sample on both sides: exact
            assertClose(Functional.preemphasis(tensor(c["input"]), coeff: c["coeff"] as! Double), tensor(c["output"]), "preemphasis")
        }
        // IIR filters: Ember recurses in double, torchaudio in float32; 1e-5 absolute
        for c in try cases("deemphasis") {
            assertClose(Functional.deemphasis(tensor(c["input"]), coeff: c["coeff"] as! Double), tensor(c["output"]), atol: 1e-5, "deemphasis")
        }
        for c in try cases("lfilter") {
            let out = Functional.lfilter(tensor(c["input"]), aCoeffs: tensor(c["a"]), bCoeffs: tensor(c["b"]), clamp: c["clamp"] as! Bool)
            assertClose(out, tensor(c["output"]), atol: 1e-5, "lfilter clamp=\(c["clamp"]!)")
        }
        for c in try cases("lfilter_bank") {
            let out = Functional.lfilter(
                tensor(c["input"]), aCoeffs: tensor(c["a"]), bCoeffs: tensor(c["b"]), batching: c["batching"] as! Bool)
            assertClose(out, tensor(c["output"]), atol: 1e-5, "lfilter bank batching=\(c["batching"]!)")
        }
        for c in try cases("lowpass_biquad") {
            let out = Functional.lowpassBiquad(tensor(c["input"]), sampleRate: c["sr"] as! Int, cutoffFreq: c["freq"] as! Double, q: c["q"] as! Double)
            assertClose(out, tensor(c["output"]), atol: 1e-5, "lowpass_biquad")
        }
        for c in try cases("highpass_biquad") {
            let out = Functional.highpassBiquad(tensor(c["input"]), sampleRate: c["sr"] as! Int, cutoffFreq: c["freq"] as! Double, q: c["q"] as! Double)
            assertClose(out, tensor(c["output"]), atol: 1e-5, "highpass_biquad")
        }
        for c in try cases("bandpass_biquad") {
            let out = Functional.bandpassBiquad(
                tensor(c["input"]), sampleRate: c["sr"] as! Int, centralFreq: c["freq"] as! Double, q: c["q"] as! Double,
                constSkirtGain: c["const_skirt_gain"] as! Bool)
            assertClose(out, tensor(c["output"]), atol: 1e-5, "bandpass_biquad")
        }
    }
}
