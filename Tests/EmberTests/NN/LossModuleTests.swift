import Foundation
import XCTest
@testable import Ember

/// The loss modules: options reach the functional forms, weights are buffers under PyTorch's
/// keys, and cross entropy's two backward paths (the direct kernel and the differentiable
/// form used under `createGraph`) agree.
final class LossModuleTests: XCTestCase {
    private let generator = Generator().manualSeed(99 as Int64)

    /// Modules call the functional forms with their options: results are bit-identical.
    func testModulesMatchFunctionalForms() {
        let x = Tensor.randn([4, 3], generator: generator), t = Tensor.randn([4, 3], generator: generator)
        let p = Tensor.rand([4, 3], generator: generator), y = Tensor.rand([4, 3], generator: generator)
        let labels = Tensor([2, 0, -1, 1])
        let w = Tensor([0.5, 2.0, 1.5])
        func same(_ a: Tensor, _ b: Tensor, _ label: String) { XCTAssertTrue(a.equal(b), label) }
        same(MSELoss(reduction: .sum)(x, t), Functional.mseLoss(x, t, reduction: .sum), "mse")
        same(L1Loss(reduction: .none)(x, t), Functional.l1Loss(x, t, reduction: .none), "l1")
        same(SmoothL1Loss(beta: 0.5)(x, t), Functional.smoothL1Loss(x, t, beta: 0.5), "smooth l1")
        same(HuberLoss(delta: 0.4)(x, t), Functional.huberLoss(x, t, delta: 0.4), "huber")
        same(BCELoss(weight: w)(p, y), Functional.binaryCrossEntropy(p, y, weight: w), "bce")
        same(
            BCEWithLogitsLoss(weight: w, posWeight: w * 2)(x, y),
            Functional.binaryCrossEntropyWithLogits(x, y, weight: w, posWeight: w * 2), "bce logits")
        same(
            KLDivLoss(reduction: .batchmean, logTarget: true)(x.logSoftmax(dim: 1), t.logSoftmax(dim: 1)),
            Functional.klDiv(x.logSoftmax(dim: 1), t.logSoftmax(dim: 1), reduction: .batchmean, logTarget: true), "kl")
        same(
            CrossEntropyLoss(weight: w, ignoreIndex: -1, labelSmoothing: 0.2)(x, labels),
            Functional.crossEntropy(x, labels, weight: w, ignoreIndex: -1, labelSmoothing: 0.2), "ce")
        same(
            NLLLoss(weight: w, ignoreIndex: -1, reduction: .sum)(x.logSoftmax(dim: 1), labels),
            Functional.nllLoss(x.logSoftmax(dim: 1), labels, weight: w, ignoreIndex: -1, reduction: .sum), "nll")
        let sign = Tensor([1.0, -1.0, 1.0, -1.0])
        same(
            MarginRankingLoss(margin: 0.3)(x[0..., 0], t[0..., 0], sign),
            Functional.marginRankingLoss(x[0..., 0], t[0..., 0], sign, margin: 0.3), "margin ranking")
        same(
            CosineEmbeddingLoss(margin: 0.1, reduction: .none)(x, t, sign),
            Functional.cosineEmbeddingLoss(x, t, sign, margin: 0.1, reduction: .none), "cosine")
        same(
            TripletMarginLoss(margin: 0.5, p: 1, swap: true)(x, t, p),
            Functional.tripletMarginLoss(x, t, p, margin: 0.5, p: 1, swap: true), "triplet")
        let logProbs = Tensor.randn([6, 2, 4], generator: generator).logSoftmax(dim: 2)
        let targets = Tensor([[1, 2], [3, 3]])
        same(
            CTCLoss(blank: 0, reduction: .sum)(logProbs, targets, inputLengths: [6, 5], targetLengths: [2, 2]),
            Functional.ctcLoss(logProbs, targets, inputLengths: [6, 5], targetLengths: [2, 2], reduction: .sum), "ctc")
        same(
            CTCLoss()(logProbs, targets, inputLengths: Tensor([6, 5]), targetLengths: Tensor([2, 2])),
            Functional.ctcLoss(logProbs, targets, inputLengths: [6, 5], targetLengths: [2, 2]), "ctc tensors")
    }

    /// Weights are buffers under PyTorch's keys (`weight`, `pos_weight`), absent when nil,
    /// and follow `to(_:)`.
    func testWeightsAreBuffers() {
        let w = Tensor([1.0, 2.0, 3.0])
        XCTAssertEqual(CrossEntropyLoss(weight: w).stateDict().keys, ["weight"])
        XCTAssertEqual(CrossEntropyLoss().stateDict().keys, [])
        XCTAssertEqual(NLLLoss(weight: w).stateDict().keys, ["weight"])
        XCTAssertEqual(BCELoss(weight: w).stateDict().keys, ["weight"])
        XCTAssertEqual(BCEWithLogitsLoss(weight: w, posWeight: w).stateDict().keys, ["weight", "pos_weight"])
        XCTAssertEqual(MSELoss().parameters().count, 0)
        let loss = CrossEntropyLoss(weight: w).to(.float64)
        XCTAssertEqual(loss.weight?.dtype, .float64)
        XCTAssertEqual("\(CrossEntropyLoss())", "CrossEntropyLoss()")
    }

    /// The direct backward kernel (first-order gradients) and the differentiable form that
    /// `createGraph` uses compute the same gradient (float32; 1e-6 relative and absolute, the
    /// paths round differently).
    func testCrossEntropyBackwardPathsAgree() {
        let image = Tensor([0, 2, -100, 1, 1, 0, 2, 2] as [Int64], shape: [2, 2, 2])
        let weight = Tensor([0.3, 1.7, 1.1])
        for reduction in LossReduction.allCases {
            for smoothing in [0.0, 0.25] {
                let x = Tensor.randn([2, 3, 2, 2], generator: generator).requiresGrad_()
                func gradient(createGraph: Bool) -> Tensor {
                    let loss = Functional.crossEntropy(
                        x, image, weight: weight, reduction: reduction, labelSmoothing: smoothing)
                    let seed = Tensor.randn(loss.shape, generator: Generator().manualSeed(5 as Int64))
                    return Autograd.grad(outputs: [loss], inputs: [x], gradOutputs: [seed], createGraph: createGraph)[0]!
                }
                let direct = gradient(createGraph: false)
                let differentiable = gradient(createGraph: true)
                XCTAssertTrue(differentiable.requiresGrad, "createGraph gives a differentiable gradient")
                assertClose(direct, differentiable.detach(), rtol: 1e-6, atol: 1e-6, "\(reduction) smoothing \(smoothing)")
                let nll = Functional.nllLoss(x.logSoftmax(dim: 1), image, weight: weight, reduction: reduction)
                let seed = Tensor.randn(nll.shape, generator: Generator().manualSeed(6 as Int64))
                assertClose(
                    Autograd.grad(outputs: [nll], inputs: [x], gradOutputs: [seed], retainGraph: true)[0]!,
                    Autograd.grad(outputs: [nll], inputs: [x], gradOutputs: [seed], createGraph: true)[0]!.detach(),
                    rtol: 1e-6, atol: 1e-6, "nll \(reduction)")
            }
        }
    }

    /// Half-precision logits compute in float32 and give a float16 loss and gradient.
    func testCrossEntropyHalfPrecision() {
        let x32 = Tensor.randn([4, 5], generator: generator)
        let labels = Tensor([0, 4, 2, 1])
        let x16 = x32.half().requiresGrad_()
        let loss = Functional.crossEntropy(x16, labels)
        XCTAssertEqual(loss.dtype, .float16)
        // float16 rounding of the inputs and the result: 1e-3 relative.
        assertClose(loss.float(), Functional.crossEntropy(x16.detach().float(), labels), rtol: 1e-3, atol: 1e-3, checkDType: false)
        loss.backward()
        XCTAssertEqual(x16.grad?.dtype, .float16)
    }

    /// A training step: a linear classifier's cross entropy goes down under plain gradient steps.
    func testCrossEntropyTrainsALinearClassifier() {
        let x = Tensor.randn([32, 4], generator: generator)
        let labels = x.argmax(dim: 1)
        let layer = Linear(inFeatures: 4, outFeatures: 4)
        let criterion = CrossEntropyLoss()
        var losses: [Float] = []
        for _ in 0..<30 {
            layer.zeroGrad()
            let loss = criterion(layer(x), labels)
            loss.backward()
            losses.append(loss.item(Float.self))
            withNoGrad {
                for p in layer.parameters() { p.sub_(p.grad! * 0.5) }
            }
        }
        XCTAssertLessThan(losses.last!, losses.first! * 0.5, "losses \(losses)")
    }

    /// Logits of ±1000 do not overflow: the log-sum-exp shifts by the row's maximum. The value
    /// to 1e-3 (2000 + log 3 in float32), the gradient to 1e-6 (exp(-1000) underflows to 0).
    func testCrossEntropyLargeLogits() {
        let x = Tensor([[1000.0, 0.0, -1000.0], [0.0, 0.0, 0.0]]).requiresGrad_()
        let loss = Functional.crossEntropy(x, Tensor([2, 1]), reduction: .sum)
        XCTAssertEqual(loss.item(Float.self), 2000 + Float(Foundation.log(3.0)), accuracy: 1e-3)
        loss.backward()
        let third = Float(1.0 / 3.0)
        assertClose(x.grad!, Tensor([[1, 0, -1], [third, third - 1, third]] as [[Float]]), atol: 1e-6)
        let nan = Functional.crossEntropy(Tensor([[Float.nan, 0, 1]]), Tensor([1]))
        XCTAssertTrue(nan.item(Float.self).isNaN)
    }
}
