import XCTest
@testable import Ember

/// The "FFT and STFT" examples of `Docs/Core.md`, run as written.
final class FFTGuideExamplesTests: XCTestCase {
    func testFFTExamples() {
        let t = Tensor.arange(64, dtype: .float64) / 64.0
        let x = (t * Scalar.double(2 * Double.pi * 5)).sin()
        let spectrum = FFT.rfft(x)
        XCTAssertEqual(spectrum.shape, [33])
        XCTAssertEqual(spectrum.dtype, .complex128)
        XCTAssertEqual(spectrum.abs().argmax().item(Int64.self), 5)
        assertClose(FFT.irfft(spectrum, n: 64), x, atol: 1e-14)
        XCTAssertEqual(FFT.rfftfreq(64, d: 1.0 / 64)[5].item(Float.self), 5.0)
        XCTAssertEqual(FFT.fftshift(FFT.fftfreq(4)).toArray(Float.self), [-0.5, -0.25, 0, 0.25])
    }

    func testSTFTExamples() {
        let signal = Tensor.randn([16_000], generator: Generator(seed: 0))
        let window = Tensor.hannWindow(400)
        let spec = signal.stft(nFFT: 400, hopLength: 160, window: window)
        XCTAssertEqual(spec.shape, [201, 101])
        XCTAssertEqual(spec.dtype, .complex64)
        XCTAssertEqual(spec.abs().pow(2).shape, [201, 101])
        let back = spec.istft(nFFT: 400, hopLength: 160, window: window, length: 16_000)
        assertClose(back, signal, atol: 1e-4)
    }
}
