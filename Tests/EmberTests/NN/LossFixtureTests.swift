import XCTest
@testable import Ember

/// Every loss against PyTorch 2.11 on float32 operands: value and operand gradients for each
/// reduction and option combination (cases in `Scripts/fixtures/core_nn_losses.py`).
///
/// Tolerance 1e-6 relative plus 1e-6 absolute: the elementwise formulas are PyTorch's, so
/// values differ only by float32 rounding (a few ulp) and by summation order in the
/// reductions; the absolute part covers results near 0 after cancellation. CTC runs its
/// recursion in float64 where PyTorch runs it in float32, and sums over up to 12 frames of
/// log-sum-exp, so it gets 1e-5 relative and 1e-5 absolute.
final class LossFixtureTests: XCTestCase {
    func testRegressionLosses() throws {
        // MSE, L1 (with a zero difference), smooth L1 (beta 1, 0.5 and 0 = L1), Huber; weighted
        // forms (PyTorch 2.11's `weight=`); a broadcast (5) target against (4, 5) input.
        try LossFixtures.run("nn_loss_regression.json", rtol: 1e-6, atol: 1e-6)
    }

    func testBinaryCrossEntropy() throws {
        // Probabilities 0 and 1 exercise the -100 log clamp (gradients of ±1e12, compared relatively);
        // logits of ±40 the stable with-logits form; weight and pos_weight broadcast along the last dim.
        try LossFixtures.run("nn_loss_binary.json", rtol: 1e-6, atol: 1e-6)
    }

    func testKLDivergence() throws {
        // A zero target: contributes 0, and its target gradient is NaN as in PyTorch (xlogy).
        try LossFixtures.run("nn_loss_embedding.json", rtol: 1e-6, atol: 1e-6, only: ["kl_div"])
    }

    func testMarginRanking() throws {
        // Includes a pair exactly at the hinge, where the gradient is 0.
        try LossFixtures.run("nn_loss_embedding.json", rtol: 1e-6, atol: 1e-6, only: ["margin_ranking"])
    }

    func testCosineEmbedding() throws {
        try LossFixtures.run("nn_loss_embedding.json", rtol: 1e-6, atol: 1e-6, only: ["cosine_embedding"])
    }

    func testTripletMargin() throws {
        // p = 1, 2, 3, with and without swap, and an unbatched triple.
        try LossFixtures.run("nn_loss_embedding.json", rtol: 1e-6, atol: 1e-6, only: ["triplet_margin"])
    }

    func testNLLLoss() throws {
        // (N, C), (C) with a 0-d target, (N, C, H, W); weights; ignore_index -100 and 2; every
        // target ignored (mean is NaN, gradient 0).
        try LossFixtures.run("nn_loss_classification.json", rtol: 1e-6, atol: 1e-6, only: ["nll"])
    }

    func testCrossEntropy() throws {
        // Class indices and class probabilities; (N, C), (C), (N, C, L), (N, C, H, W),
        // (N, C, D, H, W); weights, ignore_index, label smoothing 0.1 and 0.45 with and without
        // weights, all targets ignored with smoothing.
        try LossFixtures.run("nn_loss_classification.json", rtol: 1e-6, atol: 1e-6, only: ["ce"])
    }

    func testCTCLossGradientOfLogProbs() throws {
        // Padded and concatenated targets, zero_infinity with an infeasible sequence (NaN
        // gradients without it, as PyTorch gives), blank 3, an unbatched sequence, input lengths
        // shorter than T. The gradient is PyTorch's (with its exp(lp) term).
        try LossFixtures.run("nn_loss_ctc.json", rtol: 1e-5, atol: 1e-5, only: ["ctc"])
    }

    func testCTCLossThroughLogSoftmax() throws {
        // The gradient of the logits, through logSoftmax's backward.
        try LossFixtures.run("nn_loss_ctc.json", rtol: 1e-5, atol: 1e-5, only: ["ctc_logits"])
    }
}
