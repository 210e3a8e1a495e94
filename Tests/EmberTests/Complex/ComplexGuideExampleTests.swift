import XCTest
@testable import Ember

/// The "Complex numbers" examples of `Docs/Core.md`, run as written.
final class ComplexGuideExampleTests: XCTestCase {
    func testGuideExample() {
        let z = Tensor([Complex<Float>(1, 2), Complex(3, -4)])
        XCTAssertEqual(z.description, "tensor([1.+2.j, 3.-4.j])")
        XCTAssertEqual(z.abs().description, "tensor([2.2361, 5.0000])")
        XCTAssertEqual(z.real.dtype, .float32)
        XCTAssertEqual(z.imag.strides, [2])
        XCTAssertEqual(z.viewAsReal().shape, [2, 2])
        XCTAssertEqual(Tensor([1.0, 2.0], dtype: .float64).mul(.complex(0, 1)).dtype, .complex128)
        XCTAssertEqual(z[1].conj().item(Complex<Float>.self), Complex(3, 4))
        let w = Tensor.polar(abs: Tensor([2.0, 1.0]), angle: Tensor([0.0, Double.pi / 2]))
        XCTAssertEqual(w.dtype, .complex64)
        // cos(π/2) in float32 is -4.37e-8, as in PyTorch.
        assertClose(w, Tensor([Complex<Float>(2, 0), Complex(0, 1)]), rtol: 0, atol: 1e-7)

        let a = Tensor([Complex<Double>(3, 4)]).requiresGrad_()
        a.abs().sum().backward()
        XCTAssertEqual(a.grad!.description, "tensor([0.6000+0.8000j], dtype=torch.complex128)")
    }
}
