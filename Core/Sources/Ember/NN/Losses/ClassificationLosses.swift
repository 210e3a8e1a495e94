/// Loss modules for classification (`nn.CrossEntropyLoss`, `nn.NLLLoss`). The class weights
/// are a buffer named `weight`, as in PyTorch, so they follow `to(_:)` and the state dict.

/// Cross entropy of logits against class indices or class probabilities
/// (`nn.CrossEntropyLoss`); see `Functional.crossEntropy`.
///
/// ```swift
/// let criterion = CrossEntropyLoss(labelSmoothing: 0.1)
/// let loss = criterion(logits, labels)   // logits (N, C), labels (N) of int64
/// ```
public final class CrossEntropyLoss: Module {
    /// Per-class weights (C), or nil.
    @Buffer public var weight: Tensor?
    public let ignoreIndex: Int
    public let reduction: LossReduction
    public let labelSmoothing: Double

    public init(
        weight: Tensor? = nil, ignoreIndex: Int = -100, reduction: LossReduction = .mean, labelSmoothing: Double = 0
    ) {
        precondition(
            labelSmoothing >= 0 && labelSmoothing <= 1,
            "CrossEntropyLoss: label_smoothing must be between 0.0 and 1.0. Got: \(labelSmoothing)")
        self.weight = weight
        self.ignoreIndex = ignoreIndex
        self.reduction = reduction
        self.labelSmoothing = labelSmoothing
        super.init()
    }

    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Functional.crossEntropy(
            input, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction,
            labelSmoothing: labelSmoothing)
    }
}

/// Negative log likelihood of log-probabilities against class indices (`nn.NLLLoss`); see
/// `Functional.nllLoss`.
public final class NLLLoss: Module {
    /// Per-class weights (C), or nil.
    @Buffer public var weight: Tensor?
    public let ignoreIndex: Int
    public let reduction: LossReduction

    public init(weight: Tensor? = nil, ignoreIndex: Int = -100, reduction: LossReduction = .mean) {
        self.weight = weight
        self.ignoreIndex = ignoreIndex
        self.reduction = reduction
        super.init()
    }

    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Functional.nllLoss(input, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction)
    }
}
