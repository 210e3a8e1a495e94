/// Loss modules for regression (`nn.MSELoss`, `nn.L1Loss`, `nn.SmoothL1Loss`, `nn.HuberLoss`).
/// Each holds its options and calls the `Functional` form: `loss(input, target)`.

/// The mean squared error, `(input - target)²` reduced (`nn.MSELoss`).
public final class MSELoss: Module {
    public let reduction: LossReduction

    public init(reduction: LossReduction = .mean) {
        self.reduction = reduction
        super.init()
    }

    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Functional.mseLoss(input, target, reduction: reduction)
    }
}

/// The mean absolute error, `|input - target|` reduced (`nn.L1Loss`).
public final class L1Loss: Module {
    public let reduction: LossReduction

    public init(reduction: LossReduction = .mean) {
        self.reduction = reduction
        super.init()
    }

    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Functional.l1Loss(input, target, reduction: reduction)
    }
}

/// Quadratic below `beta`, linear above (`nn.SmoothL1Loss`); see `Functional.smoothL1Loss`.
public final class SmoothL1Loss: Module {
    public let reduction: LossReduction
    public let beta: Double

    public init(reduction: LossReduction = .mean, beta: Double = 1) {
        precondition(beta >= 0, "SmoothL1Loss: beta must be non-negative, got \(beta)")
        self.reduction = reduction
        self.beta = beta
        super.init()
    }

    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Functional.smoothL1Loss(input, target, reduction: reduction, beta: beta)
    }
}

/// Quadratic below `delta`, linear with slope `delta` above (`nn.HuberLoss`); see
/// `Functional.huberLoss`.
public final class HuberLoss: Module {
    public let reduction: LossReduction
    public let delta: Double

    public init(reduction: LossReduction = .mean, delta: Double = 1) {
        precondition(delta > 0, "HuberLoss: delta must be positive, got \(delta)")
        self.reduction = reduction
        self.delta = delta
        super.init()
    }

    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Functional.huberLoss(input, target, reduction: reduction, delta: delta)
    }
}
