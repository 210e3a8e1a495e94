import Foundation
import XCTest
@testable import Ember

/// Runs the cases of `Scripts/fixtures/core_nn_losses.py`: each evaluates one loss on float32
/// operands, compares the value, then backpropagates the stored `grad_output` and compares the
/// gradient of every operand PyTorch differentiated.
enum LossFixtures {
    static func run(
        _ file: String, rtol: Double, atol: Double, only ops: Set<String>? = nil,
        sourceFile: StaticString = #filePath, line: UInt = #line
    ) throws {
        let cases = try Fixtures.cases("Core/\(file)", file: sourceFile, line: line)
        var ran = 0
        for c in cases {
            let op = c["op"] as! String
            if let ops, !ops.contains(op) { continue }
            let name = c["name"] as! String
            let gradNames = (c["grads"] as! [String: Any]).keys.sorted()
            var inputs = [String: Tensor]()
            for (key, value) in c["inputs"] as! [String: Any] {
                let tensor = Fixtures.tensor(value)
                if gradNames.contains(key) { tensor.requiresGrad_() }
                inputs[key] = tensor
            }
            let loss = evaluate(op, inputs, options: c["options"] as! [String: Any])
            assertClose(loss, Fixtures.tensor(c["loss"]), rtol: rtol, atol: atol, "\(name) loss", file: sourceFile, line: line)
            let leaves = gradNames.map { inputs[$0]! }
            let grads = Autograd.grad(
                outputs: [loss], inputs: leaves, gradOutputs: [Fixtures.tensor(c["grad_output"])], allowUnused: true)
            let expected = c["grads"] as! [String: Any]
            for (key, grad) in zip(gradNames, grads) {
                guard let grad else {
                    XCTFail("\(name): no gradient for \(key)", file: sourceFile, line: line)
                    continue
                }
                assertClose(grad, Fixtures.tensor(expected[key]), rtol: rtol, atol: atol, "\(name) grad \(key)", file: sourceFile, line: line)
            }
            ran += 1
        }
        XCTAssertGreaterThan(ran, 0, "no fixture case ran", file: sourceFile, line: line)
    }

    /// Calls the Ember loss a fixture case names, with its options.
    static func evaluate(_ op: String, _ t: [String: Tensor], options o: [String: Any]) -> Tensor {
        func double(_ key: String, _ fallback: Double) -> Double { (o[key] as? NSNumber)?.doubleValue ?? fallback }
        func int(_ key: String, _ fallback: Int) -> Int { (o[key] as? NSNumber)?.intValue ?? fallback }
        func bool(_ key: String) -> Bool { (o[key] as? Bool) ?? false }
        let reductionName = o["reduction"] as? String ?? "mean"
        let reduction = LossReduction(rawValue: reductionName) ?? .mean
        switch op {
        case "mse": return Functional.mseLoss(t["input"]!, t["target"]!, reduction: reduction, weight: t["weight"])
        case "l1": return Functional.l1Loss(t["input"]!, t["target"]!, reduction: reduction, weight: t["weight"])
        case "smooth_l1":
            return Functional.smoothL1Loss(t["input"]!, t["target"]!, reduction: reduction, beta: double("beta", 1))
        case "huber":
            return Functional.huberLoss(
                t["input"]!, t["target"]!, reduction: reduction, delta: double("delta", 1), weight: t["weight"])
        case "bce":
            return Functional.binaryCrossEntropy(t["input"]!, t["target"]!, weight: t["weight"], reduction: reduction)
        case "bce_logits":
            return Functional.binaryCrossEntropyWithLogits(
                t["input"]!, t["target"]!, weight: t["weight"], reduction: reduction, posWeight: t["pos_weight"])
        case "kl_div":
            return Functional.klDiv(
                t["input"]!, t["target"]!, reduction: KLDivReduction(rawValue: reductionName)!, logTarget: bool("log_target"))
        case "margin_ranking":
            return Functional.marginRankingLoss(
                t["input1"]!, t["input2"]!, t["target"]!, margin: double("margin", 0), reduction: reduction)
        case "cosine_embedding":
            return Functional.cosineEmbeddingLoss(
                t["input1"]!, t["input2"]!, t["target"]!, margin: double("margin", 0), reduction: reduction)
        case "triplet_margin":
            return Functional.tripletMarginLoss(
                t["anchor"]!, t["positive"]!, t["negative"]!, margin: double("margin", 1), p: double("p", 2),
                eps: double("eps", 1e-6), swap: bool("swap"), reduction: reduction)
        case "ce":
            return Functional.crossEntropy(
                t["input"]!, t["target"]!, weight: t["weight"], ignoreIndex: int("ignore_index", -100),
                reduction: reduction, labelSmoothing: double("label_smoothing", 0))
        case "nll":
            return Functional.nllLoss(
                t["input"]!, t["target"]!, weight: t["weight"], ignoreIndex: int("ignore_index", -100), reduction: reduction)
        case "ctc", "ctc_logits":
            let logProbs = op == "ctc" ? t["log_probs"]! : t["logits"]!.logSoftmax(dim: -1)
            return Functional.ctcLoss(
                logProbs, t["targets"]!, inputLengths: t["input_lengths"]!, targetLengths: t["target_lengths"]!,
                blank: int("blank", 0), reduction: reduction, zeroInfinity: bool("zero_infinity"))
        default:
            fatalError("unknown loss fixture op \(op)")
        }
    }
}
