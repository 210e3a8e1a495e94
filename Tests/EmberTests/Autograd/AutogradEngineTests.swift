import XCTest
@testable import Ember

/// The engine's semantics (accumulation, scopes, hooks, views, in-place history), exercised
/// through custom functions so that they do not depend on any op's own backward formula.
/// Values are small integers or exact binary fractions: comparisons are exact (tolerance 0).
final class AutogradEngineTests: XCTestCase {
    /// f(x) = factor * x, with its backward defined here.
    private func scaled(_ x: Tensor, by factor: Double) -> Tensor {
        let out = withNoGrad { x.mul(.double(factor)) }
        return Autograd.record("ScaleBackward", inputs: [x], output: out) { grad, _ in
            [withNoGrad { grad.mul(.double(factor)) }]
        }
    }

    /// f(x, y) = x * y (broadcasting), saving both inputs.
    private func product(_ x: Tensor, _ y: Tensor) -> Tensor {
        let out = withNoGrad { x.mul(y) }
        return Autograd.record("ProductBackward", inputs: [x, y], output: out, saving: [x, y]) { grad, saved in
            withNoGrad { [grad.mul(saved[1]), grad.mul(saved[0])] }
        }
    }

    /// Sum of all elements, with a broadcast gradient.
    private func total(_ x: Tensor) -> Tensor {
        let out = withNoGrad { x.sum() }
        let shape = x.shape
        return Autograd.record("TotalBackward", inputs: [x], output: out) { grad, _ in [grad.expand(shape)] }
    }

    private func values(_ t: Tensor?) -> [Double] { t?.toArray(Double.self) ?? [] }

    func testLeavesAndNonLeaves() {
        let x = Tensor([1.0, 2, 3]).requiresGrad_()
        let plain = Tensor([1.0, 2, 3])
        XCTAssertTrue(x.isLeaf)
        XCTAssertTrue(x.requiresGrad)
        XCTAssertFalse(plain.requiresGrad)
        let y = scaled(x, by: 2)
        XCTAssertFalse(y.isLeaf)
        XCTAssertTrue(y.requiresGrad)
        XCTAssertEqual(y.gradFn?.name, "ScaleBackward")
        XCTAssertNil(scaled(plain, by: 2).gradFn, "no input requires grad: no node")
        XCTAssertNil(y.detach().gradFn)
        XCTAssertTrue(y.detach().isLeaf)
    }

    func testBackwardAccumulatesIntoLeafGrad() {
        let x = Tensor([1.0, 2, 3]).requiresGrad_()
        let loss = total(scaled(x, by: 3))
        loss.backward(retainGraph: true)
        XCTAssertEqual(values(x.grad), [3, 3, 3])
        loss.backward()
        XCTAssertEqual(values(x.grad), [6, 6, 6], ".grad accumulates across backward calls")
        x.grad = nil
        total(scaled(x, by: 1)).backward()
        XCTAssertEqual(values(x.grad), [1, 1, 1])
    }

    func testNonScalarBackwardTakesAGradient() {
        let x = Tensor([1.0, 2]).requiresGrad_()
        scaled(x, by: 2).backward(Tensor([10.0, 100]))
        XCTAssertEqual(values(x.grad), [20, 200])
    }

    func testDiamondGraphSumsBothPaths() {
        let x = Tensor([1.0, 2]).requiresGrad_()
        let a = scaled(x, by: 2), b = scaled(x, by: 5)
        total(product(a, b)).backward()
        // d/dx (2x * 5x) = 20x
        XCTAssertEqual(values(x.grad), [20, 40])
    }

    func testBroadcastGradientIsSummedToInputShape() {
        let x = Tensor([[1.0, 2, 3], [4, 5, 6]]).requiresGrad_()
        let row = Tensor([1.0, 10, 100]).requiresGrad_()
        total(product(x, row)).backward()
        XCTAssertEqual(values(row.grad), [5, 7, 9])
        XCTAssertEqual(row.grad?.shape, [3])
        XCTAssertEqual(values(x.grad), [1, 10, 100, 1, 10, 100])
    }

    func testGradientIsCastToTheInputDType() {
        let x = Tensor([1.0, 2]).float().requiresGrad_()
        let y = Tensor([3.0, 4], dtype: .float64)
        total(product(x, y)).backward()
        XCTAssertEqual(x.grad?.dtype, .float32)
        XCTAssertEqual(values(x.grad), [3, 4])
    }

    func testNoGradAndEnableGradScopes() {
        let x = Tensor([1.0]).requiresGrad_()
        withNoGrad {
            XCTAssertFalse(GradMode.isEnabled)
            XCTAssertFalse(scaled(x, by: 2).requiresGrad)
            withEnableGrad { XCTAssertTrue(scaled(x, by: 2).requiresGrad) }
            XCTAssertFalse(GradMode.isEnabled)
        }
        XCTAssertTrue(GradMode.isEnabled)
    }

    func testGradModeIsPerThread() {
        let other = expectation(description: "other thread")
        withNoGrad {
            Thread.detachNewThread {
                XCTAssertTrue(GradMode.isEnabled, "a no-grad scope on one thread leaves others recording")
                other.fulfill()
            }
            wait(for: [other], timeout: 10)
        }
    }

    func testAutogradGradLeavesDotGradAlone() {
        let x = Tensor([1.0, 2]).requiresGrad_()
        let unused = Tensor([5.0]).requiresGrad_()
        let grads = Autograd.grad(outputs: [total(scaled(x, by: 4))], inputs: [x, unused], allowUnused: true)
        XCTAssertEqual(values(grads[0]), [4, 4])
        XCTAssertNil(grads[1])
        XCTAssertNil(x.grad)
    }

    func testGradWithRespectToANonLeaf() {
        let x = Tensor([1.0, 2]).requiresGrad_()
        let h = scaled(x, by: 3)
        let grads = Autograd.grad(outputs: [total(scaled(h, by: 2))], inputs: [h])
        XCTAssertEqual(values(grads[0]), [2, 2])
    }

    func testBackwardWithInputsOnlyFillsThose() {
        let x = Tensor([1.0]).requiresGrad_(), y = Tensor([2.0]).requiresGrad_()
        total(product(x, y)).backward(inputs: [x])
        XCTAssertEqual(values(x.grad), [2])
        XCTAssertNil(y.grad)
    }

    func testHooksAndRetainGrad() {
        let x = Tensor([1.0, 2]).requiresGrad_()
        var seenAtLeaf: [Double] = []
        x.registerHook { grad in
            seenAtLeaf = grad.toArray(Double.self)
            return withNoGrad { grad.mul(10) }
        }
        let h = scaled(x, by: 2)
        h.retainGrad()
        var seenAtH: [Double] = []
        h.registerHook { grad in
            seenAtH = grad.toArray(Double.self)
            return nil
        }
        total(scaled(h, by: 3)).backward()
        XCTAssertEqual(seenAtH, [3, 3])
        XCTAssertEqual(values(h.grad), [3, 3], "retainGrad keeps a non-leaf's gradient")
        XCTAssertEqual(seenAtLeaf, [6, 6])
        XCTAssertEqual(values(x.grad), [60, 60], "a leaf hook's result is what accumulates")
    }

    func testMultiOutputNodeGetsZerosForUnusedOutputs() {
        let x = Tensor([1.0, 2, 3, 4]).requiresGrad_()
        let parts = withNoGrad { [x.narrow(0, start: 0, length: 2).clone(), x.narrow(0, start: 2, length: 2).clone()] }
        var received: [[Double]] = []
        let outs = Autograd.record("SplitBackward", inputs: [x], outputs: parts) { grads, _ in
            received = grads.map { $0.toArray(Double.self) }
            return [Tensor.cat(grads, dim: 0)]
        }
        total(scaled(outs[1], by: 7)).backward()
        XCTAssertEqual(received, [[0, 0], [7, 7]])
        XCTAssertEqual(values(x.grad), [0, 0, 7, 7])
    }

    /// exp-like op that saves its own output.
    private func selfSaving(_ x: Tensor) -> Tensor {
        let out = withNoGrad { x.add(1) }
        return Autograd.record("SelfSavingBackward", inputs: [x], output: out, saving: [out]) { grad, saved in
            [withNoGrad { grad.mul(saved[0]) }]
        }
    }

    func testSavedOutputIsRestoredWithItsNode() {
        let x = Tensor([0.0, 1]).requiresGrad_()
        total(selfSaving(x)).backward()
        XCTAssertEqual(values(x.grad), [1, 2])
    }

    func testSavingAnOutputMakesNoReferenceCycle() {
        let x = Tensor([0.0, 1]).requiresGrad_()
        func weakNode() -> Node? {
            weak var node = selfSaving(x).gradFn
            return node
        }
        XCTAssertNil(weakNode(), "the node goes with its output")
    }

    func testGradientsThroughViews() {
        let x = Tensor([[1.0, 2, 3], [4, 5, 6]]).requiresGrad_()
        let weights = Tensor([[1.0, 10], [100, 1000], [10_000, 100_000]])
        total(product(x.t(), weights)).backward()
        XCTAssertEqual(values(x.grad), [1, 100, 10_000, 10, 1000, 100_000])

        x.grad = nil
        total(scaled(x.narrow(1, start: 1, length: 2).select(0, 1), by: 2)).backward()
        XCTAssertEqual(values(x.grad), [0, 0, 0, 0, 2, 2])

        x.grad = nil
        total(x.reshape([3, 2]).permute(1, 0).unsqueeze(0).squeeze().flatten()).backward()
        XCTAssertEqual(values(x.grad), [1, 1, 1, 1, 1, 1])

        x.grad = nil
        total(x.expand([4, 2, 3])).backward()
        XCTAssertEqual(values(x.grad), [4, 4, 4, 4, 4, 4])

        x.grad = nil
        total(x.diagonal()).backward()
        XCTAssertEqual(values(x.grad), [1, 0, 0, 0, 1, 0])
    }

    func testOverlappingViewsAddTheirGradients() {
        let x = Tensor([1.0, 2, 3, 4]).requiresGrad_()
        // Windows of 2 with step 1: [1,2], [2,3], [3,4]; inner elements appear twice.
        total(x.unfold(0, size: 2, step: 1)).backward()
        XCTAssertEqual(values(x.grad), [1, 2, 2, 1])

        x.grad = nil
        total(x.asStrided([2, 3], [1, 1], storageOffset: 0)).backward()
        XCTAssertEqual(values(x.grad), [1, 2, 2, 1])
    }

    func testInPlaceOnANonLeafTakesOverItsHistory() {
        let x = Tensor([1.0, 2]).requiresGrad_()
        let y = x.clone()
        let z = Tensor([5.0, 6]).requiresGrad_()
        y.copy_(z)
        XCTAssertEqual(y.toArray(Double.self), [5, 6])
        total(scaled(y, by: 2)).backward()
        XCTAssertEqual(values(z.grad), [2, 2])
        XCTAssertNil(x.grad, "x's values were overwritten: no gradient reaches it")
    }

    func testInPlaceOnAViewRewritesTheBaseHistory() {
        let x = Tensor([1.0, 2, 3, 4]).requiresGrad_()
        let base = x.clone()
        let z = Tensor([10.0, 20]).requiresGrad_()
        base.narrow(0, start: 1, length: 2).copy_(z)
        XCTAssertEqual(base.toArray(Double.self), [1, 10, 20, 4])
        total(product(base, Tensor([1.0, 2, 3, 4]))).backward()
        XCTAssertEqual(values(x.grad), [1, 0, 0, 4])
        XCTAssertEqual(values(z.grad), [2, 3])
    }

    func testVersionCounterCountsInPlaceWrites() {
        let x = Tensor([1.0, 2])
        let before = x.storage.version
        x.copy_(Tensor([3.0, 4]))
        XCTAssertGreaterThan(x.storage.version, before)
    }

    func testGradcheckPassesCorrectAndRejectsWrongGradients() throws {
        let x = Tensor([0.5, -1.5, 2], dtype: .float64).requiresGrad_()
        let y = Tensor([2.0, 3, -1], dtype: .float64).requiresGrad_()
        try gradcheck(inputs: [x, y]) { inputs in total(product(inputs[0], inputs[1])) }

        func wrong(_ t: Tensor) -> Tensor {
            let out = withNoGrad { t.mul(3) }
            return Autograd.record("WrongBackward", inputs: [t], output: out) { grad, _ in
                [withNoGrad { grad.mul(2) }]
            }
        }
        XCTAssertThrowsError(try gradcheck(inputs: [x]) { wrong($0[0]) }) { error in
            XCTAssertTrue("\(error)".contains("Jacobian mismatch"), "\(error)")
        }
    }

    func testSecondBackwardWithCreateGraph() throws {
        // g(x) = x * x through the custom product; its backward uses differentiable custom ops.
        func square(_ t: Tensor) -> Tensor {
            let out = withNoGrad { t.mul(t) }
            return Autograd.record("SquareBackward", inputs: [t], output: out, saving: [t]) { grad, saved in
                [self.product(self.scaled(grad, by: 2), saved[0])]
            }
        }
        let x = Tensor([3.0], dtype: .float64).requiresGrad_()
        let first = Autograd.grad(outputs: [square(x)], inputs: [x], createGraph: true)[0]!
        XCTAssertEqual(values(first), [6])
        XCTAssertTrue(first.requiresGrad)
        let second = Autograd.grad(outputs: [first], inputs: [x])[0]
        XCTAssertEqual(values(second), [2])
        try gradgradcheck(inputs: [x]) { square($0[0]) }
    }
}

/// The examples of the "Autograd" section of `Docs/Core.md`, as written (exact values).
final class AutogradGuideExamplesTests: XCTestCase {
    func testAutogradSection() throws {
        let w = Tensor([[1.0, 2.0], [3.0, 4.0]]).requiresGrad_()
        let x = Tensor([[1.0], [1.0]])
        let loss = (w.matmul(x) * 3).sum()
        XCTAssertEqual(loss.gradFn?.name, "SumBackward0")
        loss.backward()
        XCTAssertEqual(w.grad?.toArray(Float.self), [3, 3, 3, 3])
        withNoGrad { w.sub_(w.grad! * 0.1) }
        // float32 arithmetic: within one ulp of the decimal values.
        for (value, expected) in zip(w.toArray(Float.self), [Float(0.7), 1.7, 2.7, 3.7]) {
            XCTAssertEqual(value, expected, accuracy: 1e-6)
        }
        XCTAssertTrue(w.isLeaf)

        let y = Tensor([2.0], dtype: .float64).requiresGrad_()
        let dy = Autograd.grad(outputs: [y * y * y], inputs: [y], createGraph: true)[0]!
        XCTAssertEqual(dy.toArray(Double.self), [12])
        let d2y = Autograd.grad(outputs: [dy], inputs: [y])[0]!
        XCTAssertEqual(d2y.toArray(Double.self), [12])
        try gradcheck(inputs: [y]) { inputs in inputs[0].sin() * inputs[0] }
    }

    func testCustomFunction() throws {
        func cube(_ x: Tensor) -> Tensor {
            let out = withNoGrad { x * x * x }
            return Autograd.record("CubeBackward", inputs: [x], output: out, saving: [x]) { grad, saved in
                [grad * 3 * saved[0] * saved[0]]
            }
        }
        let x = Tensor([1.0, 2.0], dtype: .float64).requiresGrad_()
        cube(x).sum().backward()
        XCTAssertEqual(x.grad?.toArray(Double.self), [3, 12])
        try gradcheck(inputs: [x]) { cube($0[0]) }
        try gradgradcheck(inputs: [x]) { cube($0[0]) }
    }
}
