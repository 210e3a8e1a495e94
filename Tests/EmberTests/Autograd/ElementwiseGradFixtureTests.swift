import XCTest
@testable import Ember

/// Gradients of the elementwise ops against PyTorch (`Scripts/fixtures/core_autograd_elementwise.py`):
/// float32 inputs, contiguous, transposed, narrowed and expanded layouts, broadcast pairs, ties
/// and boundary points (relu at 0, clamp at its bounds, hardswish at ±3), and the `grad_fn`
/// name PyTorch reports; in-place ops on non-leaves and on views of them.
///
/// Tolerance: rtol 1e-6 with atol 1e-6 times the largest expected magnitude of that gradient.
/// PyTorch and Ember evaluate the same float32 formulas, but not always in the same order or
/// with the same libm (gelu and its kin are computed in double here), so results differ by a
/// few float32 ulps; where a gradient crosses zero (gelu near x = -0.75, cos near π/2) those
/// ulps are large relative to the value, which the scaled atol absorbs.
final class ElementwiseGradFixtureTests: XCTestCase {
    static func view(_ t: Tensor, _ kind: String) -> Tensor {
        switch kind {
        case "t": return t.transpose(0, 1)
        case "narrow": return t.narrow(1, start: 1, length: t.shape[1] - 2)
        case "expand": return t.expand([3, t.shape[1]])
        default: return t
        }
    }

    static func target(_ y: Tensor, _ kind: String) -> Tensor {
        switch kind {
        case "select0": return y.select(0, 0)
        case "narrow": return y.narrow(1, start: 1, length: 2)
        case "t": return y.t()
        default: return y
        }
    }

    /// Compares gradients with the class's tolerance.
    static func assertGradClose(
        _ actual: Tensor?, _ expected: Any, _ message: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        if expected is NSNull {
            XCTAssertNil(actual, "expected no gradient: \(message)", file: file, line: line)
            return
        }
        guard let actual else { return XCTFail("missing gradient: \(message)", file: file, line: line) }
        let reference = Fixtures.tensor(expected)
        let scale = reference.toArray(Double.self).filter(\.isFinite).map(Swift.abs).max() ?? 0
        assertClose(actual, reference, rtol: 1e-6, atol: 1e-6 * scale, message, file: file, line: line)
    }

    func testGradientsAndNodeNamesMatchPyTorch() throws {
        let cases = try Fixtures.cases("Core/autograd_elementwise.json")
        XCTAssertGreaterThan(cases.count, 300)
        var covered = Set<String>()
        for c in cases {
            let key = c["op"] as! String, layout = c["layout"] as! String
            guard let op = ElementwiseGradOps.all[key] else {
                XCTFail("no Swift op for fixture key \(key)")
                continue
            }
            covered.insert(key)
            let leaves = (c["inputs"] as! [Any]).map { Fixtures.tensor($0).requiresGrad_() }
            let views = c["views"] as! [String]
            let out = op.call(zip(leaves, views).map { Self.view($0, $1) })
            XCTAssertEqual(out.gradFn?.name, c["grad_fn"] as? String, "\(key) \(layout)")
            let grads = Autograd.grad(
                outputs: [out], inputs: leaves, gradOutputs: [Fixtures.tensor(c["seed"])], allowUnused: true)
            for (i, expected) in (c["grads"] as! [Any]).enumerated() {
                Self.assertGradClose(grads[i], expected, "\(key) \(layout) input \(i)")
            }
        }
        XCTAssertEqual(covered, Set(ElementwiseGradOps.all.keys), "every op of the table has fixture cases")
    }

    /// x a leaf, y = x * 1, then the op on y or on a view of it (select, narrow, transpose):
    /// gradients of sum(y * seed) for x and the op's other operands, and y's node (CopySlices
    /// after an edit through a view).
    func testInPlaceOpsOnNonLeavesAndTheirViewsMatchPyTorch() throws {
        let cases = try Fixtures.cases("Core/autograd_elementwise_inplace.json")
        XCTAssertGreaterThan(cases.count, 70)
        for c in cases {
            let key = c["op"] as! String, kind = c["target"] as! String
            guard let op = ElementwiseGradOps.inPlaceOps[key] else {
                XCTFail("no Swift op for fixture key \(key)")
                continue
            }
            let x = Fixtures.tensor(c["x"]).requiresGrad_()
            let others = (c["others"] as! [Any]).map { Fixtures.tensor($0).requiresGrad_() }
            let y = x * 1
            op(Self.target(y, kind), others)
            let expectedName = (c["grad_fn"] as! String).replacingOccurrences(of: "torch::autograd::", with: "")
            XCTAssertEqual(y.gradFn?.name, expectedName, "\(key) on \(kind)")
            let grads = Autograd.grad(outputs: [y], inputs: [x] + others, gradOutputs: [Fixtures.tensor(c["seed"])])
            for (i, expected) in (c["grads"] as! [Any]).enumerated() {
                Self.assertGradClose(grads[i], expected, "\(key) on \(kind), input \(i)")
            }
        }
    }
}
