import XCTest
@testable import Ember

/// Float64 finite-difference checks (`gradcheck`, eps 1e-6, atol 1e-5, rtol 1e-3) of every loss
/// in every reduction, with respect to each differentiable operand, and second derivatives
/// (`gradgradcheck`) of the losses whose backward is written in differentiable ops. Operands
/// are drawn away from kinks (|x - t| = beta, the hinge, x = 0 or 1 for BCE) where finite
/// differences are meaningless.
final class LossGradcheckTests: XCTestCase {
    private let generator = Generator().manualSeed(20_240 as Int64)

    private func randn(_ shape: [Int]) -> Tensor { Tensor.randn(shape, dtype: .float64, generator: generator) }
    private func rand(_ shape: [Int], _ low: Double = 0, _ high: Double = 1) -> Tensor {
        Tensor.rand(shape, dtype: .float64, generator: generator) * .double(high - low) + .double(low)
    }
    private func leaf(_ t: Tensor) -> Tensor { t.detach().requiresGrad_() }

    private func check(_ label: String, _ inputs: [Tensor], second: Bool = true, _ f: @escaping ([Tensor]) -> Tensor) {
        XCTAssertNoThrow(try gradcheck(inputs: inputs, f), label)
        if second { XCTAssertNoThrow(try gradgradcheck(inputs: inputs, generator: generator, f), "\(label) (second order)") }
    }

    func testRegressionLosses() {
        for reduction in LossReduction.allCases {
            let x = leaf(randn([3, 4])), t = leaf(randn([3, 4])), w = leaf(rand([3, 4], 0.2, 1))
            check("mse \(reduction)", [x, t]) { Functional.mseLoss($0[0], $0[1], reduction: reduction) }
            check("mse weighted \(reduction)", [x, t, w]) { Functional.mseLoss($0[0], $0[1], reduction: reduction, weight: $0[2]) }
            check("mse broadcast \(reduction)", [x, leaf(randn([4]))]) { Functional.mseLoss($0[0], $0[1], reduction: reduction) }
            check("l1 \(reduction)", [x, t]) { Functional.l1Loss($0[0], $0[1], reduction: reduction) }
            check("l1 weighted \(reduction)", [x, t, w]) { Functional.l1Loss($0[0], $0[1], reduction: reduction, weight: $0[2]) }
            check("smooth l1 \(reduction)", [x, t]) { Functional.smoothL1Loss($0[0], $0[1], reduction: reduction, beta: 0.8) }
            check("huber \(reduction)", [x, t]) { Functional.huberLoss($0[0], $0[1], reduction: reduction, delta: 0.6) }
            check("huber weighted \(reduction)", [x, t, w]) {
                Functional.huberLoss($0[0], $0[1], reduction: reduction, delta: 0.6, weight: $0[2])
            }
        }
    }

    func testBinaryLosses() {
        for reduction in LossReduction.allCases {
            let p = leaf(rand([3, 4], 0.05, 0.95)), t = leaf(rand([3, 4])), w = rand([4], 0.5, 1.5)
            check("bce \(reduction)", [p, t]) { Functional.binaryCrossEntropy($0[0], $0[1], reduction: reduction) }
            check("bce weighted \(reduction)", [p, t]) {
                Functional.binaryCrossEntropy($0[0], $0[1], weight: w, reduction: reduction)
            }
            let x = leaf(randn([3, 4]) * 3), posWeight = rand([4], 0.2, 3)
            check("bce logits \(reduction)", [x, t]) { Functional.binaryCrossEntropyWithLogits($0[0], $0[1], reduction: reduction) }
            check("bce logits weighted \(reduction)", [x, t]) {
                Functional.binaryCrossEntropyWithLogits($0[0], $0[1], weight: w, reduction: reduction, posWeight: posWeight)
            }
        }
    }

    func testKLDivergence() {
        for reduction in KLDivReduction.allCases {
            let input = leaf(randn([3, 4]).logSoftmax(dim: 1))
            let target = leaf(rand([3, 4], 0.1, 1))
            check("kl_div \(reduction)", [input, target]) { Functional.klDiv($0[0], $0[1], reduction: reduction) }
            let logTarget = leaf(randn([3, 4]).logSoftmax(dim: 1))
            check("kl_div log target \(reduction)", [input, logTarget]) {
                Functional.klDiv($0[0], $0[1], reduction: reduction, logTarget: true)
            }
        }
    }

    func testRankingAndEmbeddingLosses() {
        for reduction in LossReduction.allCases {
            let a = leaf(Tensor([0.5, -1.0, 2.0, 0.3, -0.7, 1.1], dtype: .float64))
            let b = leaf(Tensor([0.1, 0.4, -0.5, 1.3, -0.2, 0.6], dtype: .float64))
            let sign = leaf(Tensor([1.0, -1.0, 1.0, -1.0, 1.0, -1.0], dtype: .float64))
            check("margin ranking \(reduction)", [a, b, sign]) {
                Functional.marginRankingLoss($0[0], $0[1], $0[2], margin: 0.25, reduction: reduction)
            }
            let x1 = leaf(randn([5, 4])), x2 = leaf(randn([5, 4]))
            let target = Tensor([1.0, -1.0, 1.0, -1.0, -1.0], dtype: .float64)
            check("cosine embedding \(reduction)", [x1, x2]) {
                Functional.cosineEmbeddingLoss($0[0], $0[1], target, margin: -0.5, reduction: reduction)
            }
            let anchor = leaf(randn([5, 4])), positive = leaf(randn([5, 4])), negative = leaf(randn([5, 4]))
            for (p, swap) in [(2.0, false), (2.0, true), (3.0, false)] {
                check("triplet p\(p) swap \(swap) \(reduction)", [anchor, positive, negative]) {
                    Functional.tripletMarginLoss($0[0], $0[1], $0[2], margin: 5, p: p, swap: swap, reduction: reduction)
                }
            }
        }
    }

    func testNLLAndCrossEntropyWithClassIndices() {
        let labels = Tensor([0, 3, -100, 2, 1])
        let weight = rand([4], 0.3, 1.5)
        let image = Tensor([1, 0, 3, -100, 2, 2, 0, 1] as [Int64], shape: [2, 2, 2])
        for reduction in LossReduction.allCases {
            let logits = leaf(randn([5, 4]))
            check("nll \(reduction)", [logits]) {
                Functional.nllLoss($0[0], labels, weight: weight, reduction: reduction)
            }
            for smoothing in [0.0, 0.3] {
                check("ce smoothing \(smoothing) \(reduction)", [logits]) {
                    Functional.crossEntropy($0[0], labels, weight: weight, reduction: reduction, labelSmoothing: smoothing)
                }
                check("ce image smoothing \(smoothing) \(reduction)", [leaf(randn([2, 4, 2, 2]))]) {
                    Functional.crossEntropy($0[0], image, weight: weight, reduction: reduction, labelSmoothing: smoothing)
                }
            }
            check("ce unbatched \(reduction)", [leaf(randn([4]))]) {
                Functional.crossEntropy($0[0], Tensor(scalar: Int64(2)), reduction: reduction, labelSmoothing: 0.1)
            }
        }
    }

    func testCrossEntropyWithProbabilities() {
        for reduction in LossReduction.allCases {
            let logits = leaf(randn([3, 4])), target = leaf(randn([3, 4]).softmax(dim: 1)), weight = leaf(rand([4], 0.3, 1.5))
            check("ce probabilities \(reduction)", [logits, target, weight]) {
                Functional.crossEntropy($0[0], $0[1], weight: $0[2], reduction: reduction, labelSmoothing: 0.2)
            }
            check("ce probabilities image \(reduction)", [leaf(randn([2, 3, 2, 2])), leaf(randn([2, 3, 2, 2]).softmax(dim: 1))]) {
                Functional.crossEntropy($0[0], $0[1], reduction: reduction)
            }
        }
    }

    /// CTC's gradient is PyTorch's: correct for the logits behind a logSoftmax, which is how
    /// it is checked here (its backward is not differentiable again, as in PyTorch).
    func testCTCThroughLogSoftmax() {
        let targets = Tensor([[1, 2, 2], [3, 1, 0]])
        for reduction in LossReduction.allCases {
            let logits = leaf(randn([6, 2, 4]))
            check("ctc \(reduction)", [logits], second: false) {
                Functional.ctcLoss(
                    $0[0].logSoftmax(dim: 2), targets, inputLengths: [6, 5], targetLengths: [3, 2], reduction: reduction)
            }
        }
    }

    /// With raw (unnormalised) log-probabilities, PyTorch's CTC gradient is the true derivative
    /// plus exp(lp) times the output's gradient; this checks that relation against central
    /// differences directly, independent of logSoftmax's backward.
    func testCTCRawGradientIsDerivativePlusExpTerm() {
        let lp = randn([5, 2, 3]) * 0.5 - 1
        let targets = Tensor([1, 2, 2, 1])  // concatenated: [1, 2] and [2, 1]
        let scale = 0.8
        func loss(_ x: Tensor) -> Double {
            Functional.ctcLoss(x, targets, inputLengths: [5, 4], targetLengths: [2, 2], reduction: .sum).item(Double.self)
        }
        let leafLp = leaf(lp)
        let out = Functional.ctcLoss(leafLp, targets, inputLengths: [5, 4], targetLengths: [2, 2], reduction: .sum)
        let analytic = Autograd.grad(
            outputs: [out], inputs: [leafLp], gradOutputs: [Tensor(scalar: scale)])[0]!.toArray(Double.self)
        let values = lp.toArray(Double.self)
        let frames = [5, 4]
        for index in 0..<values.count {
            var plus = values, minus = values
            plus[index] += 1e-6
            minus[index] -= 1e-6
            let numeric = (loss(Tensor(plus, shape: lp.shape)) - loss(Tensor(minus, shape: lp.shape))) / 2e-6 * scale
            // Frames past a sequence's length get 0 from PyTorch's formula, not exp(lp).
            let (t, b) = (index / 6, (index / 3) % 2)
            let expected = t < frames[b] ? numeric + Foundation.exp(values[index]) * scale : 0
            XCTAssertEqual(analytic[index], expected, accuracy: 1e-6, "element \(index)")
        }
    }
}
