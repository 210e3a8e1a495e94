import XCTest
@testable import Ember

/// The examples of `Docs/Core.md`, run as written, so the guide cannot drift from the API.
/// Values are exact (small integers and exactly representable floats).
final class GuideExamplesTests: XCTestCase {
    func testTensorsAreHandles() {
        let x = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        let t = x.t()
        t.mul_(2)
        XCTAssertEqual(x.toArray(Float.self), [2, 4, 6, 8, 10, 12])
        XCTAssertEqual("\(x)", "tensor([[ 2.,  4.,  6.],\n        [ 8., 10., 12.]])")
        XCTAssertFalse(t.isContiguous)
        XCTAssertEqual(t.strides, [1, 3])
        XCTAssertTrue(t.contiguous().isContiguous)
    }

    func testPromotionExamples() {
        let i = Tensor([1, 2, 3])
        XCTAssertEqual((i * 2).dtype, .int64)
        XCTAssertEqual((i * 2.5).dtype, .float32)
        XCTAssertEqual((i.to(.uint8) + Tensor([1], dtype: .int8)).dtype, .int16)
        XCTAssertEqual(i.div(2).dtype, .float32)
        XCTAssertEqual(i.div(2, roundingMode: .floor).toArray(Int64.self), [0, 1, 1])
    }

    func testTableExamples() {
        let x = Tensor.arange(24).reshape(2, 3, 4).float()
        XCTAssertEqual(x[0..<1, .ellipsis, .newAxis].shape, [1, 3, 4, 1])
        let mask = x.gt(20)
        x.maskedFill_(mask, 0)
        XCTAssertEqual(x.sum().item(Float.self), Float((0...20).reduce(0, +)))
        XCTAssertEqual(Tensor.cat([x, x], dim: 0).shape, [4, 3, 4])
        XCTAssertEqual(x.sum(dim: 1, keepDim: true).shape, [2, 1, 4])
        let a = Tensor.ones([2, 3]), b = Tensor.ones([3, 4])
        XCTAssertEqual(a.matmul(b).toArray(Float.self), Array(repeating: 3, count: 8))
    }

    func testRandomExamples() {
        Random.manualSeed(42)
        let first = Tensor.randn([2, 3])
        Random.manualSeed(42)
        XCTAssertTrue(first.equal(Tensor.randn([2, 3])))
        let g = Generator().manualSeed(7 as Int64)
        XCTAssertEqual(Tensor.randperm(10, generator: g).sort().values.toArray(Int64.self), Array(0..<10))
    }
}
