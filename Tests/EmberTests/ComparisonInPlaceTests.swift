import XCTest
@testable import Ember

/// eq_, ne_, lt_, le_, gt_, ge_ against PyTorch (`Tests/Fixtures/Core/comparison_inplace.json`,
/// `Scripts/fixtures/core_comparison_inplace.py`). Exact: the results are 0/1 in self's dtype.
final class ComparisonInPlaceTests: XCTestCase {
    private func apply(_ op: String, _ t: Tensor, tensor other: Tensor) {
        switch op {
        case "eq_": t.eq_(other)
        case "ne_": t.ne_(other)
        case "lt_": t.lt_(other)
        case "le_": t.le_(other)
        case "gt_": t.gt_(other)
        case "ge_": t.ge_(other)
        default: XCTFail("unknown op \(op)")
        }
    }

    private func apply(_ op: String, _ t: Tensor, scalar other: Scalar) {
        switch op {
        case "eq_": t.eq_(other)
        case "ne_": t.ne_(other)
        case "lt_": t.lt_(other)
        case "le_": t.le_(other)
        case "gt_": t.gt_(other)
        case "ge_": t.ge_(other)
        default: XCTFail("unknown op \(op)")
        }
    }

    func testMatchesPyTorch() throws {
        var count = 0
        for c in try Fixtures.cases("Core/comparison_inplace.json") {
            guard let kind = c["kind"] as? String, kind != "autograd" else { continue }
            let op = c["op"] as! String
            let t = Fixtures.tensor(c["self"]).clone()
            let storage = t.storage
            let version = storage.version
            if kind == "tensor" {
                apply(op, t, tensor: Fixtures.tensor(c["other"]))
            } else {
                let scalar: Scalar = (c["scalar"] as? NSNumber).map { $0.doubleValue == 3 ? .int(3) : .double(2.5) }!
                apply(op, t, scalar: scalar)
            }
            XCTAssertTrue(t.storage === storage, "\(op) \(c["name"]!) wrote in place")
            XCTAssertGreaterThan(storage.version, version)
            assertClose(t, Fixtures.tensor(c["result"]), rtol: 0, atol: 0, "\(op) \(c["name"]!)")
            count += 1
        }
        XCTAssertEqual(count, 6 * 4 * 5)
    }

    func testAutogradRecordsZeroGradient() throws {
        let c = try Fixtures.cases("Core/comparison_inplace.json").first { $0["kind"] as? String == "autograd" }!
        let x = Tensor([1.0, 2.0, 3.0]).requiresGrad_()
        let y = x * 1
        y.eq_(2.0)
        let z = x * 1
        z.lt_(Tensor([2.0, 2.0, 2.0]))
        XCTAssertEqual(y.gradFn?.name, c["scalarNode"] as? String)
        XCTAssertEqual(z.gradFn?.name, c["tensorNode"] as? String)
        (y.sum() + z.sum()).backward()
        assertClose(x.grad!, Fixtures.tensor(c["grad"]), rtol: 0, atol: 0)
    }

    func testShapeMismatchStops() {
        assertStops(containing: ["eq_: output with shape [3] doesn't match the broadcast shape [2, 3]"]) {
            Tensor.ones([3]).eq_(Tensor.ones([2, 3]))
        }
    }
}
