import XCTest
@testable import Ember

/// The "Losses" examples of `Docs/Core.md`, run as written. Float32 comparisons use 1e-6
/// (softmax and log of small numbers; the MSE value is exact).
final class LossGuideExamplesTests: XCTestCase {
    func testLossesSection() {
        let logits = Tensor([[2.0, 0.5, -1.0], [0.0, 1.0, 0.0]]).requiresGrad_()
        let labels = Tensor([0, 1])
        let loss = CrossEntropyLoss()(logits, labels)
        loss.backward()
        let onehot = Tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
        assertClose(logits.grad!, (logits.detach().softmax(dim: 1) - onehot) / 2, rtol: 1e-6, atol: 1e-6)
        let logProbs = logits.detach().logSoftmax(dim: 1)
        let expected = -(logProbs[0, 0].item(Double.self) + logProbs[1, 1].item(Double.self)) / 2
        XCTAssertEqual(loss.item(Double.self), expected, accuracy: 1e-6)

        let smoothed = Functional.crossEntropy(logits, labels, labelSmoothing: 0.1)
        let uniform = -logProbs.sum(dim: 1).mean().item(Double.self) / 3
        XCTAssertEqual(smoothed.item(Double.self), 0.9 * expected + 0.1 * uniform, accuracy: 1e-6)
        let masks = Tensor([0, 1, 2, -100]).reshape(1, 2, 2)
        let perPixel = Functional.crossEntropy(Tensor.randn([1, 3, 2, 2]), masks, reduction: .none)
        XCTAssertEqual(perPixel.shape, [1, 2, 2])
        XCTAssertEqual(perPixel[0, 1, 1].item(Float.self), 0)
        let mse = Functional.mseLoss(Tensor([1.0, 2.0]), Tensor([0.0, 4.0]))
        XCTAssertEqual(mse.item(Float.self), 2.5)
        let kl = Functional.klDiv(
            logits.logSoftmax(dim: 1), Tensor([[0.5, 0.5, 0.0], [0.2, 0.6, 0.2]]), reduction: .batchmean)
        let sum = Functional.klDiv(
            logits.logSoftmax(dim: 1), Tensor([[0.5, 0.5, 0.0], [0.2, 0.6, 0.2]]), reduction: .sum)
        XCTAssertEqual(kl.item(Float.self), sum.item(Float.self) / 2, accuracy: 1e-6)

        let ctc = CTCLoss(blank: 0, zeroInfinity: true)
        let frames = Tensor.randn([6, 2, 4]).requiresGrad_()
        let ctcLoss = ctc(
            frames.logSoftmax(dim: 2), Tensor([[1, 2, 2], [3, 1, 0]]), inputLengths: [6, 5], targetLengths: [3, 2])
        ctcLoss.backward()
        XCTAssertTrue(ctcLoss.item(Float.self).isFinite)
        // Through logSoftmax, each frame's gradient sums to 0 over the classes.
        assertClose(frames.grad!.sum(dim: 2), Tensor.zeros([6, 2]), atol: 1e-6)
    }
}
