/// Loss modules for rankings and embeddings (`nn.MarginRankingLoss`,
/// `nn.CosineEmbeddingLoss`, `nn.TripletMarginLoss`).

/// `max(0, -target (input1 - input2) + margin)` (`nn.MarginRankingLoss`); see
/// `Functional.marginRankingLoss`.
public final class MarginRankingLoss: Module {
    public let margin: Double
    public let reduction: LossReduction

    public init(margin: Double = 0, reduction: LossReduction = .mean) {
        self.margin = margin
        self.reduction = reduction
        super.init()
    }

    public func callAsFunction(_ input1: Tensor, _ input2: Tensor, _ target: Tensor) -> Tensor {
        Functional.marginRankingLoss(input1, input2, target, margin: margin, reduction: reduction)
    }
}

/// Pulls pairs marked 1 to cosine 1 and pushes pairs marked -1 below `margin`
/// (`nn.CosineEmbeddingLoss`); see `Functional.cosineEmbeddingLoss`.
public final class CosineEmbeddingLoss: Module {
    public let margin: Double
    public let reduction: LossReduction

    public init(margin: Double = 0, reduction: LossReduction = .mean) {
        self.margin = margin
        self.reduction = reduction
        super.init()
    }

    public func callAsFunction(_ input1: Tensor, _ input2: Tensor, _ target: Tensor) -> Tensor {
        Functional.cosineEmbeddingLoss(input1, input2, target, margin: margin, reduction: reduction)
    }
}

/// `max(0, margin + d(anchor, positive) - d(anchor, negative))` with the p-norm distance
/// (`nn.TripletMarginLoss`); see `Functional.tripletMarginLoss`.
public final class TripletMarginLoss: Module {
    public let margin: Double
    public let p: Double
    public let eps: Double
    public let swap: Bool
    public let reduction: LossReduction

    public init(margin: Double = 1, p: Double = 2, eps: Double = 1e-6, swap: Bool = false, reduction: LossReduction = .mean) {
        precondition(margin > 0, "TripletMarginLoss: margin must be greater than 0, got \(margin)")
        self.margin = margin
        self.p = p
        self.eps = eps
        self.swap = swap
        self.reduction = reduction
        super.init()
    }

    public func callAsFunction(_ anchor: Tensor, _ positive: Tensor, _ negative: Tensor) -> Tensor {
        Functional.tripletMarginLoss(
            anchor, positive, negative, margin: margin, p: p, eps: eps, swap: swap, reduction: reduction)
    }
}
