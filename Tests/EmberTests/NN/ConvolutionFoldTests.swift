import XCTest
@testable import Ember

/// unfold/fold and pixel shuffle against PyTorch (`Scripts/fixtures/core_nn_conv.py`), and
/// float64 gradient checks.
final class ConvolutionFoldTests: XCTestCase {
    /// These ops move elements (fold adds up to four of them): outputs exact except fold
    /// (atol 1e-6), gradients likewise.
    func testAgainstPyTorch() throws {
        for c in try Fixtures.cases("Core/nn_conv_fold.json") {
            let name = c["name"] as! String
            let x = Fixtures.tensor(c["input"]).requiresGrad_()
            let out: Tensor
            switch name {
            case "unfold":
                out = Functional.unfold(
                    x, kernelSize: IntOrTuple(c["kernel_size"] as! [Int]), dilation: IntOrTuple(c["dilation"] as! [Int]),
                    padding: IntOrTuple(c["padding"] as! [Int]), stride: IntOrTuple(c["stride"] as! [Int]))
            case "fold":
                out = Functional.fold(
                    x, outputSize: IntOrTuple(c["output_size"] as! [Int]), kernelSize: IntOrTuple(c["kernel_size"] as! [Int]),
                    dilation: IntOrTuple(c["dilation"] as! [Int]), padding: IntOrTuple(c["padding"] as! [Int]),
                    stride: IntOrTuple(c["stride"] as! [Int]))
            case "pixel_shuffle":
                out = Functional.pixelShuffle(x, upscaleFactor: c["factor"] as! Int)
            default:
                out = Functional.pixelUnshuffle(x, downscaleFactor: c["factor"] as! Int)
            }
            assertClose(out, Fixtures.tensor(c["out"]), atol: 1e-6, name)
            out.backward(Fixtures.tensor(c["grad"]))
            assertClose(x.grad!, Fixtures.tensor(c["grad_input"]), atol: 1e-6, "\(name) grad")
        }
    }

    func testGradcheck() throws {
        let g = Generator().manualSeed(1 as Int64)
        let x = Tensor.randn([1, 2, 4, 5], dtype: .float64, generator: g).requiresGrad_()
        try gradcheck(inputs: [x]) { Functional.unfold($0[0], kernelSize: [2, 3], dilation: [1, 2], padding: 1, stride: [2, 1]) }
        let cols = Tensor.randn([2, 8, 12], dtype: .float64, generator: g).requiresGrad_()
        try gradcheck(inputs: [cols]) { Functional.fold($0[0], outputSize: [4, 5], kernelSize: 2, padding: [1, 0], stride: [2, 1]) }
        let y = Tensor.randn([1, 8, 2, 3], dtype: .float64, generator: g).requiresGrad_()
        try gradcheck(inputs: [y]) { Functional.pixelShuffle($0[0], upscaleFactor: 2) }
        try gradcheck(inputs: [x]) { Functional.pixelUnshuffle($0[0].narrow(3, start: 0, length: 4), downscaleFactor: 2) }
        try gradgradcheck(inputs: [x], generator: Generator().manualSeed(2 as Int64)) {
            Functional.unfold($0[0], kernelSize: 2)
        }
    }

    /// fold(unfold(x)) multiplies each element by the number of blocks that contain it.
    func testFoldOfUnfoldCountsBlocks() {
        let x = Tensor.ones([1, 1, 3, 3])
        let counts = Functional.fold(Functional.unfold(x, kernelSize: 2), outputSize: 3, kernelSize: 2)
        XCTAssertEqual(counts.toArray(Float.self), [1, 2, 1, 2, 4, 2, 1, 2, 1])
        let unbatched = Functional.unfold(Tensor.ones([2, 3, 3]), kernelSize: 2)
        XCTAssertEqual(unbatched.shape, [8, 4])
    }
}
