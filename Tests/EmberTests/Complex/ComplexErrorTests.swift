#if canImport(Glibc)
import XCTest
@testable import Ember

/// Ops without a complex kernel stop with PyTorch's message naming the op and the dtype
/// (`"sqrt_cpu" not implemented for 'ComplexFloat'`), checked in a forked child.
final class ComplexErrorTests: XCTestCase {
    func testUnsupportedOpsNameOpAndDType() {
        let z = Tensor([Complex<Float>(1, 2), Complex(3, -4)])
        assertStops(containing: ["sqrt", "not implemented for 'ComplexFloat'"]) { _ = z.sqrt() }
        assertStops(containing: ["lt", "not implemented for 'ComplexDouble'"]) { _ = z.to(.complex128).lt(z) }
        assertStops(containing: ["maximum", "ComplexFloat"]) { _ = z.maximum(z) }
        assertStops(containing: ["not implemented for 'ComplexFloat'", "sum and mean"]) { _ = z.prod() }
        assertStops(containing: ["view_as_real is only supported for complex tensors"]) { _ = Tensor([1.0]).viewAsReal() }
        assertStops(containing: ["view_as_complex", "last dimension of size 2"]) { _ = Tensor([1.0, 2, 3]).viewAsComplex() }
        assertStops(containing: ["imag is not implemented for tensors with non-complex dtypes"]) { _ = Tensor([1.0]).imag }
        assertStops(containing: ["grad can be implicitly created only for real scalar outputs"]) {
            Tensor([Complex<Double>(1, 2)]).requiresGrad_().mul(.complex(0, 1)).sum().backward()
        }
    }
}
#endif
