import XCTest
@testable import Ember

/// Helpers for the gradient tests of reductions, indexing, joining and linear algebra.

/// A float64 leaf that requires grad, with standard-normal values from a seeded generator
/// (distinct values, so max/sort/median have no ties unless a test makes them).
func gradLeaf(_ shape: [Int], seed: UInt64) -> Tensor {
    Tensor.randn(shape, dtype: .float64, generator: Generator(seed: seed)).requiresGrad_()
}

/// A float64 leaf with the given values.
func gradLeaf(_ values: [Double], _ shape: [Int]) -> Tensor {
    Tensor(values, shape: shape).requiresGrad_()
}

/// Fails the test with gradcheck's message when the analytic and numeric Jacobians differ.
func checkGradient(
    _ inputs: [Tensor], file: StaticString = #filePath, line: UInt = #line, _ function: ([Tensor]) -> Tensor
) {
    XCTAssertNoThrow(try gradcheck(inputs: inputs, function), file: file, line: line)
}

/// The multi-output form of `checkGradient`.
func checkGradients(
    _ inputs: [Tensor], file: StaticString = #filePath, line: UInt = #line, _ function: ([Tensor]) -> [Tensor]
) {
    XCTAssertNoThrow(try gradcheck(inputs: inputs, function), file: file, line: line)
}

/// Fails the test when second derivatives differ from finite differences of the gradient.
func checkSecondGradient(
    _ inputs: [Tensor], file: StaticString = #filePath, line: UInt = #line, _ function: ([Tensor]) -> Tensor
) {
    XCTAssertNoThrow(try gradgradcheck(inputs: inputs, generator: Generator(seed: 7), function), file: file, line: line)
}

/// Runs the cases of `Tests/Fixtures/Core/autograd_structural.json` whose names `ops` maps:
/// float32 inputs, PyTorch's upstream gradients; checks the first output's `gradFn` name and
/// every input gradient.
///
/// Tolerance: rtol 1e-4, atol 1e-5. Ember and PyTorch evaluate the same formulas in float32,
/// but reductions inside them (sums over a dim, products, norms) may add in another order,
/// which moves results by a few ulps; values here are O(1), so 1e-5 absolute covers that
/// while any wrong formula is off by O(0.1) or more.
func runStructuralFixtures(
    _ ops: [String: (_ inputs: [Tensor], _ aux: [String: Tensor]) -> [Tensor]],
    file: StaticString = #filePath, line: UInt = #line
) throws {
    let cases = try Fixtures.cases("Core/autograd_structural.json")
    var ran = 0
    for c in cases {
        let name = c["name"] as! String
        guard let op = ops[name] else { continue }
        ran += 1
        let inputs = (c["inputs"] as! [Any]).map { Fixtures.tensor($0).requiresGrad_() }
        var aux: [String: Tensor] = [:]
        for key in ["index", "mask"] where c[key] != nil { aux[key] = Fixtures.tensor(c[key]) }
        let outputs = op(inputs, aux)
        XCTAssertEqual(outputs.first?.gradFn?.name, c["grad_fn"] as? String, "grad_fn of \(name)", file: file, line: line)
        let gradOutputs = (c["grad_outputs"] as! [Any]).map { Fixtures.tensor($0) }
        XCTAssertEqual(outputs.count, gradOutputs.count, "outputs of \(name)", file: file, line: line)
        let grads = Autograd.grad(outputs: outputs, inputs: inputs, gradOutputs: gradOutputs, allowUnused: true)
        for (i, expected) in (c["grads"] as! [Any]).enumerated() {
            if expected is NSNull {
                XCTAssertNil(grads[i], "\(name): input \(i) should get no gradient", file: file, line: line)
                continue
            }
            guard let actual = grads[i] else {
                XCTFail("\(name): input \(i) got no gradient", file: file, line: line)
                continue
            }
            assertClose(actual, Fixtures.tensor(expected), rtol: 1e-4, atol: 1e-5, "\(name) input \(i)", file: file, line: line)
        }
    }
    XCTAssertEqual(ran, ops.count, "every mapped case is in the fixture", file: file, line: line)
}
