import XCTest
@testable import Ember

/// Gradients of the transforms: against PyTorch's (loss = Σ w·viewAsReal(out) with the
/// fixture's weights; 1e-10 relative to the largest gradient, float64), and float64 gradcheck
/// through `viewAsReal` (first and second derivatives).
final class FFTGradientTests: XCTestCase {
    typealias S = FFTTestSupport

    private func pytorchGradient(_ op: String) -> Any? {
        S.cases.first { $0["kind"] as? String == "grad" && $0["op"] as? String == op }?["grad"]
    }

    /// The gradient of Σ w·out for the op's input (real or complex, returned in real view).
    private func gradient(_ input: Tensor, _ f: (Tensor) -> Tensor) -> Tensor {
        let leaf = input.isComplex ? input.viewAsReal().detach().requiresGrad_() : input.detach().requiresGrad_()
        let x = input.isComplex ? leaf.viewAsComplex() : leaf
        let out = S.realView(f(x))
        (out * S.signal(out.shape, 11)).sum().backward()
        return leaf.grad!
    }

    func testGradientsMatchPyTorch() throws {
        var checked = 0
        for n in [8, 9, 17] {
            for norm in [FFT.Norm.backward, .ortho] {
                let tag = "\(n)_\(norm.rawValue)"
                let ops: [(String, Tensor, (Tensor) -> Tensor)] = [
                    ("fft", S.csignal([n], 2), { FFT.fft($0, norm: norm) }),
                    ("rfft", S.signal([n], 2), { FFT.rfft($0, norm: norm) }),
                    ("irfft", S.csignal([n / 2 + 1], 2), { FFT.irfft($0, n: n, norm: norm) }),
                    ("ihfft", S.signal([n], 2), { FFT.ihfft($0, norm: norm) }),
                    ("hfft", S.csignal([n / 2 + 1], 2), { FFT.hfft($0, n: n, norm: norm) }),
                ]
                for (name, input, f) in ops {
                    let expected = try XCTUnwrap(pytorchGradient("\(name)_\(tag)"), "\(name)_\(tag)")
                    S.assertSpectrum(gradient(input, f), expected, relative: 1e-10, "grad \(name)_\(tag)")
                    checked += 1
                }
            }
        }
        S.assertSpectrum(gradient(S.signal([4, 6], 2)) { FFT.rfft2($0) }, pytorchGradient("rfft2_4x6"), relative: 1e-10, "rfft2")
        S.assertSpectrum(
            gradient(S.csignal([4, 4], 2)) { FFT.irfft2($0, s: [4, 7]) }, pytorchGradient("irfft2_4x4_n7"),
            relative: 1e-10, "irfft2")
        XCTAssertEqual(checked, 30)
    }

    func testGradcheck() throws {
        for n in [5, 8, 97] {
            let z = S.csignal([2, n], 4).viewAsReal().requiresGrad_()
            try gradcheck(inputs: [z]) { FFT.fft($0[0].viewAsComplex(), norm: .ortho).viewAsReal() }
            let r = S.signal([2, n], 4).requiresGrad_()
            try gradcheck(inputs: [r]) { FFT.rfft($0[0]).viewAsReal() }
            let h = S.csignal([2, n / 2 + 1], 4).viewAsReal().requiresGrad_()
            try gradcheck(inputs: [h]) { FFT.irfft($0[0].viewAsComplex(), n: n).sin() }
        }
        let x = S.csignal([3, 4, 5], 1).viewAsReal().requiresGrad_()
        try gradcheck(inputs: [x]) { FFT.fftn($0[0].viewAsComplex(), s: [5, 3], dim: [0, 2]).viewAsReal() }
        let y = S.signal([4, 6], 1).requiresGrad_()
        try gradcheck(inputs: [y]) { FFT.irfft2(FFT.rfft2($0[0]) * FFT.rfft2($0[0])) }
    }

    func testSecondDerivatives() throws {
        let r = S.signal([7], 4).requiresGrad_()
        try gradgradcheck(inputs: [r]) { FFT.rfft($0[0]).viewAsReal().pow(2) }
        let h = S.csignal([4], 4).viewAsReal().requiresGrad_()
        try gradgradcheck(inputs: [h]) { FFT.irfft($0[0].viewAsComplex(), n: 6).pow(2) }
    }
}
