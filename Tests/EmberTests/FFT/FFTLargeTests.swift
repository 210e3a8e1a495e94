import XCTest
@testable import Ember

/// Long transforms (the four-step and Bluestein paths) without fixtures: a float64 naive DFT
/// on a few bins and inverse round trips.
final class FFTLargeTests: XCTestCase {
    typealias S = FFTTestSupport

    /// X[k] = Σ x[j]·exp(−2πi·jk/n), the angle reduced exactly with integer arithmetic.
    private func naiveBin(_ x: [Double], _ k: Int) -> (Double, Double) {
        let n = x.count
        var re = 0.0, im = 0.0
        for j in 0..<n {
            let a = -2 * Double.pi * Double((j * k) % n) / Double(n)
            re += x[j] * cos(a)
            im += x[j] * sin(a)
        }
        return (re, im)
    }

    func testLargePrimeRFFT() {
        // 1,000,003 is prime: Bluestein over a 2·3·5-smooth length run as a four-step transform.
        let n = 1_000_003
        let x = S.signal([n], 1)
        let spectrum = FFT.rfft(x).viewAsReal()
        XCTAssertEqual(spectrum.shape, [n / 2 + 1, 2])
        let values = x.toArray(Double.self), got = spectrum.toArray(Double.self)
        // Bins' magnitudes are about √n·rms ≈ 600; float64 rounding leaves about 1e-9 here.
        for k in [0, 1, 2, 1234, 250_000, 499_999, n / 2] {
            let (re, im) = naiveBin(values, k)
            XCTAssertEqual(got[2 * k], re, accuracy: 1e-7, "re bin \(k)")
            XCTAssertEqual(got[2 * k + 1], im, accuracy: 1e-7, "im bin \(k)")
        }
        // Round trip in float32: 1e-5 of the signal's range.
        let x32 = x.to(.float32)
        let back = FFT.irfft(FFT.rfft(x32), n: n)
        assertClose(back, x32, atol: 1e-5, "float32 round trip, n = \(n)")
    }

    func testFourStepLengthsRoundTrip() {
        // 2^18 and 3·2^16 run four-step; 2^17·5 + 1 is odd with large prime factors.
        for n in [1 << 18, 3 << 16, 655_361] {
            let z = S.csignal([n], 3)
            let back = FFT.ifft(FFT.fft(z))
            assertClose(back.viewAsReal(), z.viewAsReal(), atol: 1e-12, "c2c round trip \(n)")
            let values = z.viewAsReal().toArray(Double.self)
            let spectrum = FFT.fft(z).viewAsReal().toArray(Double.self)
            for k in [1, n / 3] {
                var re = 0.0, im = 0.0
                for j in 0..<n {
                    let a = -2 * Double.pi * Double((j * k) % n) / Double(n)
                    let (c, s) = (cos(a), sin(a))
                    re += values[2 * j] * c - values[2 * j + 1] * s
                    im += values[2 * j] * s + values[2 * j + 1] * c
                }
                XCTAssertEqual(spectrum[2 * k], re, accuracy: 1e-8, "re bin \(k) of \(n)")
                XCTAssertEqual(spectrum[2 * k + 1], im, accuracy: 1e-8, "im bin \(k) of \(n)")
            }
        }
    }

    func testBatchedMatchesOneByOne() {
        // Batches spread over the pool must give the same numbers as single transforms.
        let x = S.signal([16, 1000], 2, dtype: .float32)
        let all = FFT.rfft(x).viewAsReal()
        for row in [0, 7, 15] {
            assertClose(all.select(0, row), FFT.rfft(x.select(0, row)).viewAsReal(), atol: 0, "row \(row)")
        }
    }
}
