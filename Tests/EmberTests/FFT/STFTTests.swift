import XCTest
@testable import Ember

/// `stft`/`istft` and the window functions against PyTorch 2.11, on a speech excerpt
/// (float32: 1e-5 relative to the largest magnitude, about 10 float32 ulps of the
/// accumulated sums) and a chirp (float64: 1e-10).
final class STFTTests: XCTestCase {
    typealias S = FFTTestSupport

    private func stftCase(_ name: String) throws -> [String: Any] {
        try XCTUnwrap(S.cases.first { $0["kind"] as? String == "stft" && $0["name"] as? String == name }, name)
    }

    private var speech: Tensor {
        Fixtures.tensor(S.cases.first { $0["kind"] as? String == "speech" }!["speech"])
    }

    private var chirp: Tensor {
        let t: Tensor = Tensor.arange(2000, dtype: .float64) / 2000.0
        let linear: Tensor = t * 20.0
        let quadratic: Tensor = t * t * 150.0
        let phase: Tensor = (linear + quadratic) * Scalar.double(2 * Double.pi)
        return phase.sin()
    }

    func testSpeech() throws {
        var c = try stftCase("speech_hann128_hop32")
        let hann = Tensor.hannWindow(128)
        var spec = speech.stft(nFFT: 128, hopLength: 32, window: hann)
        XCTAssertEqual(spec.shape, [65, 33])
        S.assertSpectrum(S.sampled(spec.viewAsReal(), stride: 5, dim: 1), c["stft"], relative: 1e-5, "stft")
        var signal = spec.istft(nFFT: 128, hopLength: 32, window: hann, length: 1024)
        S.assertSpectrum(S.sampled(signal, stride: 5, dim: 0), c["istft"], relative: 1e-5, "istft")
        assertClose(signal, speech, atol: 1e-5, "round trip")

        c = try stftCase("speech_hamming80_nfft100_normalized")
        let hamming = Tensor.hammingWindow(80)
        spec = speech.stft(nFFT: 100, winLength: 80, window: hamming, normalized: true)
        S.assertSpectrum(S.sampled(spec.viewAsReal(), stride: 5, dim: 1), c["stft"], relative: 1e-5, "stft win 80")
        signal = spec.istft(nFFT: 100, winLength: 80, window: hamming, normalized: true)
        S.assertSpectrum(S.sampled(signal, stride: 5, dim: 0), c["istft"], relative: 1e-5, "istft win 80")

        c = try stftCase("speech600_hamming100_hop30_nocenter")
        let part = speech.narrow(0, start: 0, length: 600)
        spec = part.stft(nFFT: 100, hopLength: 30, window: Tensor.hammingWindow(100), center: false)
        S.assertSpectrum(S.sampled(spec.viewAsReal(), stride: 5, dim: 1), c["stft"], relative: 1e-5, "stft no centre")
        signal = spec.istft(nFFT: 100, hopLength: 30, window: Tensor.hammingWindow(100), center: false)
        S.assertSpectrum(S.sampled(signal, stride: 5, dim: 0), c["istft"], relative: 1e-5, "istft no centre")
    }

    func testChirp() throws {
        var c = try stftCase("chirp_hann64_hop16_constant")
        let hann = Tensor.hannWindow(64, dtype: .float64)
        var spec = chirp.stft(nFFT: 64, hopLength: 16, window: hann, padMode: .zeros)
        S.assertSpectrum(S.sampled(spec.viewAsReal(), stride: 7, dim: 1), c["stft"], relative: 1e-10, "stft chirp")
        var signal = spec.istft(nFFT: 64, hopLength: 16, window: hann)
        S.assertSpectrum(S.sampled(signal, stride: 7, dim: 0), c["istft"], relative: 1e-10, "istft chirp")

        c = try stftCase("chirp300_blackman32_twosided")
        let blackman = Tensor.blackmanWindow(32, dtype: .float64)
        let short = chirp.narrow(0, start: 0, length: 300)
        spec = short.stft(nFFT: 32, hopLength: 8, window: blackman, onesided: false)
        XCTAssertEqual(spec.shape, [32, 38])
        S.assertSpectrum(S.sampled(spec.viewAsReal(), stride: 3, dim: 1), c["stft"], relative: 1e-10, "two-sided stft")
        signal = spec.istft(nFFT: 32, hopLength: 8, window: blackman, onesided: false, length: 310)
        S.assertSpectrum(signal, c["istft"], relative: 1e-10, "two-sided istft, padded to 310")
        // A complex signal: two-sided both ways, returned complex.
        let z = Tensor.stack([short, short.flip([0])], dim: -1).viewAsComplex()
        let back = z.stft(nFFT: 32, hopLength: 8, window: blackman).istft(
            nFFT: 32, hopLength: 8, window: blackman, length: 300, returnComplex: true)
        assertClose(back.viewAsReal(), z.viewAsReal(), atol: 1e-12, "complex round trip")
        // Batched input gives each row's transform.
        let batch = Tensor.stack([short, short * 2], dim: 0)
        let batched = batch.stft(nFFT: 32, hopLength: 8, window: blackman)
        assertClose(batched.select(0, 1).viewAsReal(), (short * 2).stft(nFFT: 32, hopLength: 8, window: blackman).viewAsReal(), atol: 1e-12, "batched")
    }

    func testGradients() throws {
        let c = try XCTUnwrap(S.cases.first { $0["kind"] as? String == "stft_grad" })
        let x = chirp.narrow(0, start: 0, length: 200).detach().requiresGrad_()
        let window = Tensor.hannWindow(48, dtype: .float64).requiresGrad_()
        let out = x.stft(nFFT: 48, hopLength: 12, window: window).viewAsReal()
        (out * S.signal(out.shape, 12)).sum().backward()
        S.assertSpectrum(x.grad!, c["signal_grad"], relative: 1e-10, "signal gradient")
        S.assertSpectrum(window.grad!, c["window_grad"], relative: 1e-10, "window gradient")

        let y = S.signal([40], 3).requiresGrad_()
        let w = Tensor.hannWindow(16, dtype: .float64).requiresGrad_()
        try gradcheck(inputs: [y, w]) { $0[0].stft(nFFT: 16, hopLength: 4, window: $0[1]).viewAsReal() }
        let spec = S.signal([40], 3).stft(nFFT: 16, hopLength: 4, window: Tensor.hannWindow(16, dtype: .float64))
        let s = spec.viewAsReal().detach().requiresGrad_()
        try gradcheck(inputs: [s]) {
            $0[0].viewAsComplex().istft(nFFT: 16, hopLength: 4, window: Tensor.hannWindow(16, dtype: .float64), length: 40)
        }
    }

    func testWindows() {
        var checked = 0
        for c in S.cases where c["kind"] as? String == "window" {
            let n = c["n"] as! Int, periodic = c["periodic"] as! Bool
            let dtype = DType(rawValue: c["dtype"] as! String)!
            // Computed in double and rounded once: float32 may differ from PyTorch's float32
            // arithmetic by a few ulps; float64 by rounding of cos.
            let atol = dtype == .float32 ? 1e-6 : 1e-14
            let windows: [(String, Tensor)] = [
                ("hann", Tensor.hannWindow(n, periodic: periodic, dtype: dtype)),
                ("hamming", Tensor.hammingWindow(n, periodic: periodic, dtype: dtype)),
                ("hamming_custom", Tensor.hammingWindow(n, periodic: periodic, alpha: 0.6, beta: 0.4, dtype: dtype)),
                ("blackman", Tensor.blackmanWindow(n, periodic: periodic, dtype: dtype)),
                ("bartlett", Tensor.bartlettWindow(n, periodic: periodic, dtype: dtype)),
                ("kaiser", Tensor.kaiserWindow(n, periodic: periodic, dtype: dtype)),
                ("kaiser_beta5", Tensor.kaiserWindow(n, periodic: periodic, beta: 5, dtype: dtype)),
            ]
            for (name, actual) in windows {
                assertClose(actual, Fixtures.tensor(c[name]), atol: atol, "\(name) n=\(n) periodic=\(periodic) \(dtype)")
                checked += 1
            }
        }
        XCTAssertEqual(checked, 5 * 2 * 2 * 7)
    }
}
