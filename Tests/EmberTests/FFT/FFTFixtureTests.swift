import XCTest
@testable import Ember

/// `FFT` against PyTorch 2.11 (Tests/Fixtures/Core/fft.json). Tolerances, relative to the
/// largest magnitude of the expected output: float64 1e-12·log2(n) (the transforms' rounding
/// grows like log n; PyTorch's pocketfft and these kernels round differently); float32 inputs
/// are the float64 signal rounded, so those compare at 2e-6·log2(n).
final class FFTFixtureTests: XCTestCase {
    typealias S = FFTTestSupport

    private func tolerance(_ n: Int, _ dtype: DType) -> Double {
        let log = Swift.max(1, log2(Double(Swift.max(n, 2))))
        return (dtype == .float64 ? 1e-12 : 2e-6) * log
    }

    func testOneDimensionalLengths() throws {
        var checked = 0
        for c in S.cases {
            guard let kind = c["kind"] as? String, ["c2c", "r2c", "c2r"].contains(kind) else { continue }
            let n = c["n"] as! Int, seed = c["seed"] as! Int, stride = c["stride"] as! Int
            for dtype in [DType.float64, .float32] {
                let tol = tolerance(n, dtype)
                switch kind {
                case "c2c":
                    let x = S.csignal([n], seed, dtype: dtype)
                    XCTAssertEqual(FFT.fft(x).dtype, dtype == .float64 ? .complex128 : .complex64)
                    S.assertSpectrum(S.sampled(FFT.fft(x).viewAsReal(), stride: stride, dim: 0), c["fft"], relative: tol, "fft n=\(n) \(dtype)")
                    S.assertSpectrum(S.sampled(FFT.ifft(x).viewAsReal(), stride: stride, dim: 0), c["ifft"], relative: tol, "ifft n=\(n) \(dtype)")
                case "r2c":
                    let x = S.signal([n], seed, dtype: dtype)
                    S.assertSpectrum(S.sampled(FFT.rfft(x).viewAsReal(), stride: stride, dim: 0), c["rfft"], relative: tol, "rfft n=\(n) \(dtype)")
                default:
                    let h = S.csignal([n / 2 + 1], seed, dtype: dtype)
                    S.assertSpectrum(S.sampled(FFT.irfft(h, n: n), stride: stride, dim: 0), c["irfft"], relative: tol, "irfft n=\(n) \(dtype)")
                }
                checked += 1
            }
        }
        XCTAssertEqual(checked, 18 * 3 * 2)
    }

    func testNormsPaddingAndTruncation() {
        var checked = 0
        for c in S.cases where c["kind"] as? String == "norm" {
            let n = c["n"] as! Int, m = c["m"] as? Int
            let norm = FFT.Norm(rawValue: c["norm"] as! String)!
            let x = S.csignal([n], 3), r = S.signal([n], 3)
            let tol = tolerance(n + 5, .float64)
            let label = "n=\(n) m=\(String(describing: m)) \(norm)"
            S.assertSpectrum(FFT.fft(x, n: m, norm: norm).viewAsReal(), c["fft"], relative: tol, "fft \(label)")
            S.assertSpectrum(FFT.ifft(x, n: m, norm: norm).viewAsReal(), c["ifft"], relative: tol, "ifft \(label)")
            S.assertSpectrum(FFT.rfft(r, n: m, norm: norm).viewAsReal(), c["rfft"], relative: tol, "rfft \(label)")
            S.assertSpectrum(FFT.irfft(x, n: m, norm: norm), c["irfft"], relative: tol, "irfft \(label)")
            S.assertSpectrum(FFT.hfft(x, n: m, norm: norm), c["hfft"], relative: tol, "hfft \(label)")
            S.assertSpectrum(FFT.ihfft(r, n: m, norm: norm).viewAsReal(), c["ihfft"], relative: tol, "ihfft \(label)")
            checked += 1
        }
        XCTAssertEqual(checked, 15)
    }

    func testBatchedAndOtherDims() throws {
        let c = try XCTUnwrap(S.cases.first { $0["kind"] as? String == "batched" })
        let x = S.csignal([3, 10, 4], 5), r = S.signal([3, 10, 4], 6)
        let tol = 1e-12 * 4
        S.assertSpectrum(FFT.fft(x, dim: 1).viewAsReal(), c["fft_dim1"], relative: tol, "fft dim 1")
        S.assertSpectrum(FFT.fft(x, n: 5, dim: 0).viewAsReal(), c["fft_dim0_n5"], relative: tol, "fft dim 0 n 5")
        S.assertSpectrum(FFT.ifft(x, n: 16, dim: 1).viewAsReal(), c["ifft_dim1_n16"], relative: tol, "ifft dim 1 n 16")
        S.assertSpectrum(FFT.rfft(r, dim: 1).viewAsReal(), c["rfft_dim1"], relative: tol, "rfft dim 1")
        S.assertSpectrum(FFT.rfft(r, n: 7, dim: 0).viewAsReal(), c["rfft_dim0_n7"], relative: tol, "rfft dim 0 n 7")
        S.assertSpectrum(FFT.irfft(x, n: 9, dim: 1), c["irfft_dim1_n9"], relative: tol, "irfft dim 1 n 9")
        S.assertSpectrum(FFT.fft(r, dim: 2).viewAsReal(), c["fft_real_dim2"], relative: tol, "fft of real input")
        // Strided input: a transposed view gives the same numbers as its contiguous copy.
        let t = S.csignal([10, 3], 5).transpose(0, 1)
        assertClose(FFT.fft(t).viewAsReal(), FFT.fft(t.contiguous()).viewAsReal(), atol: 0, "strided input")
        // Integer input computes in float32 (PyTorch's promotion).
        XCTAssertEqual(FFT.rfft(Tensor([1, 2, 3, 4])).dtype, .complex64)
    }

    func testMultidimensional() throws {
        let c = try XCTUnwrap(S.cases.first { $0["kind"] as? String == "nd" })
        let x = S.csignal([2, 6, 10], 8), r = S.signal([2, 6, 10], 9)
        let tol = 1e-12 * 8
        S.assertSpectrum(FFT.fft2(x).viewAsReal(), c["fft2"], relative: tol, "fft2")
        S.assertSpectrum(FFT.ifft2(x, norm: .ortho).viewAsReal(), c["ifft2"], relative: tol, "ifft2 ortho")
        S.assertSpectrum(FFT.fftn(x).viewAsReal(), c["fftn"], relative: tol, "fftn")
        S.assertSpectrum(FFT.fftn(x, s: [4, 12]).viewAsReal(), c["fftn_s"], relative: tol, "fftn s")
        S.assertSpectrum(FFT.ifftn(x, dim: [0, 2]).viewAsReal(), c["ifftn_dims"], relative: tol, "ifftn dims")
        S.assertSpectrum(FFT.rfft2(r).viewAsReal(), c["rfft2"], relative: tol, "rfft2")
        S.assertSpectrum(FFT.rfftn(r).viewAsReal(), c["rfftn"], relative: tol, "rfftn")
        S.assertSpectrum(FFT.irfft2(x), c["irfft2"], relative: tol, "irfft2")
        S.assertSpectrum(FFT.irfft2(x, s: [5, 9]), c["irfft2_s"], relative: tol, "irfft2 s")
        S.assertSpectrum(FFT.irfftn(x, norm: .forward), c["irfftn"], relative: tol, "irfftn forward")
    }

    func testFrequenciesAndShifts() throws {
        var checked = 0
        for c in S.cases where c["kind"] as? String == "freq" {
            let n = c["n"] as! Int, d = c["d"] as! Double
            let dtype = DType(rawValue: c["dtype"] as! String)!
            // Integers times the same rounded factor as PyTorch: exact.
            assertClose(FFT.fftfreq(n, d: d, dtype: dtype), Fixtures.tensor(c["fftfreq"]), "fftfreq \(n) \(dtype)")
            assertClose(FFT.rfftfreq(n, d: d, dtype: dtype), Fixtures.tensor(c["rfftfreq"]), "rfftfreq \(n) \(dtype)")
            checked += 1
        }
        XCTAssertEqual(checked, 6)
        let c = try XCTUnwrap(S.cases.first { $0["kind"] as? String == "shift" })
        let a = Tensor.arange(24, dtype: .float64).view([4, 6])
        assertClose(FFT.fftshift(a), Fixtures.tensor(c["fftshift"]), "fftshift")
        assertClose(FFT.ifftshift(a), Fixtures.tensor(c["ifftshift"]), "ifftshift")
        assertClose(FFT.fftshift(a, dim: [1]), Fixtures.tensor(c["fftshift_dim1"]), "fftshift dim 1")
        assertClose(FFT.ifftshift(Tensor.arange(5, dtype: .float32)), Fixtures.tensor(c["ifftshift_5"]), "ifftshift 5")
        // Complex tensors shift as a whole.
        let z = S.csignal([5], 1)
        assertClose(FFT.ifftshift(FFT.fftshift(z)).viewAsReal(), z.viewAsReal(), "shift round trip")
    }
}
