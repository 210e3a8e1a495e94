/// The connectionist temporal classification loss module (`nn.CTCLoss`); see
/// `Functional.ctcLoss`.
///
/// ```swift
/// let ctc = CTCLoss(blank: 0, zeroInfinity: true)
/// let loss = ctc(logits.logSoftmax(dim: 2), targets, inputLengths: [50, 42], targetLengths: [12, 9])
/// ```
public final class CTCLoss: Module {
    public let blank: Int
    public let reduction: LossReduction
    public let zeroInfinity: Bool

    public init(blank: Int = 0, reduction: LossReduction = .mean, zeroInfinity: Bool = false) {
        self.blank = blank
        self.reduction = reduction
        self.zeroInfinity = zeroInfinity
        super.init()
    }

    /// The loss of (T, N, C) log-probabilities against padded (N, S) or concatenated targets.
    public func callAsFunction(_ logProbs: Tensor, _ targets: Tensor, inputLengths: [Int], targetLengths: [Int]) -> Tensor {
        Functional.ctcLoss(
            logProbs, targets, inputLengths: inputLengths, targetLengths: targetLengths, blank: blank,
            reduction: reduction, zeroInfinity: zeroInfinity)
    }

    /// The same with the lengths as integer tensors.
    public func callAsFunction(_ logProbs: Tensor, _ targets: Tensor, inputLengths: Tensor, targetLengths: Tensor) -> Tensor {
        Functional.ctcLoss(
            logProbs, targets, inputLengths: inputLengths, targetLengths: targetLengths, blank: blank,
            reduction: reduction, zeroInfinity: zeroInfinity)
    }
}
