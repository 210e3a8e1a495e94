/// Loss modules for binary targets (`nn.BCELoss`, `nn.BCEWithLogitsLoss`). Weights are
/// buffers (`weight`, `pos_weight`), as in PyTorch.

/// Binary cross entropy of probabilities (`nn.BCELoss`); see `Functional.binaryCrossEntropy`.
public final class BCELoss: Module {
    /// Weights broadcast to the target's shape, or nil.
    @Buffer public var weight: Tensor?
    public let reduction: LossReduction

    public init(weight: Tensor? = nil, reduction: LossReduction = .mean) {
        self.weight = weight
        self.reduction = reduction
        super.init()
    }

    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Functional.binaryCrossEntropy(input, target, weight: weight, reduction: reduction)
    }
}

/// Binary cross entropy of logits, computed stably (`nn.BCEWithLogitsLoss`); see
/// `Functional.binaryCrossEntropyWithLogits`.
public final class BCEWithLogitsLoss: Module {
    /// Weights broadcast against the input, or nil.
    @Buffer public var weight: Tensor?
    /// Weights of the positive term, usually one per class (last dim), or nil.
    @Buffer public var posWeight: Tensor?
    public let reduction: LossReduction

    public init(weight: Tensor? = nil, reduction: LossReduction = .mean, posWeight: Tensor? = nil) {
        self.weight = weight
        self.posWeight = posWeight
        self.reduction = reduction
        super.init()
    }

    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Functional.binaryCrossEntropyWithLogits(
            input, target, weight: weight, reduction: reduction, posWeight: posWeight)
    }
}
