import XCTest
@testable import Ember

/// Programmer errors stop with PyTorch's message, naming the op and the shapes (issue 3,
/// "Tests and bad input"). Each case runs in a forked child (see `captureProgrammerError`).
final class ProgrammerErrorTests: XCTestCase {
    #if canImport(Glibc)
    func testShapeErrorsNameTheOpAndShapes() {
        let a = Tensor.zeros([2, 3]), b = Tensor.zeros([4, 5])
        assertStops(containing: ["cat(): Sizes of tensors must match except in dimension 0", "[2, 3]", "[4, 5]"]) {
            _ = Tensor.cat([a, b], dim: 0)
        }
        assertStops(containing: ["mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"]) { _ = a.matmul(b) }
        assertStops(containing: ["add", "size of tensor a (3) must match the size of tensor b (5) at non-singleton dimension 1", "[2, 3]", "[4, 5]"]) {
            _ = a + b
        }
        assertStops(containing: ["view", "shape '[4, 2]' is invalid for input of size 6"]) { _ = a.view([4, 2]) }
        assertStops(containing: ["permute", "[2, 3]"]) { _ = a.permute([0]) }
    }

    func testIndexAndDimErrors() {
        let a = Tensor.zeros([2, 3])
        assertStops(containing: ["Dimension out of range (expected to be in range of [-2, 1], but got 2)"]) { _ = a.sum(dim: 2) }
        assertStops(containing: ["index 5 is out of bounds for dimension 0 with size 2"]) {
            _ = a.indexSelect(0, Tensor([Int64(5)]))
        }
    }

    func testDTypeErrorsNameTheDTypes() {
        let a = Tensor.zeros([2], dtype: .int64)
        assertStops(containing: ["result type float32 can't be cast to the desired output type int64"]) {
            a.add_(Tensor.ones([2]))
        }
        assertStops(containing: ["expected mat1 and mat2 to have the same dtype, but got: float32 != float64"]) {
            _ = Tensor.zeros([2, 2]).matmul(Tensor.zeros([2, 2], dtype: .float64))
        }
    }

    /// The message survives optimised builds too: Ember shadows `precondition` with a version
    /// built on `fatalError`, which always prints. This checks the shadow is the one in use.
    func testMessageIsPrintedThroughFatalError() {
        let (stderr, trapped) = captureProgrammerError { _ = Tensor.zeros([2]).view([3]) }
        XCTAssertTrue(trapped)
        XCTAssertTrue(stderr.contains("Fatal error"), "stderr was: \(stderr.prefix(400))")
    }
    #endif
}
