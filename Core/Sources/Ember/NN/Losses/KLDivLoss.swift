/// The Kullback-Leibler divergence loss module (`nn.KLDivLoss`); see `Functional.klDiv`.
/// `input` holds log-probabilities; use `reduction: .batchmean` for the divergence itself.
public final class KLDivLoss: Module {
    public let reduction: KLDivReduction
    public let logTarget: Bool

    public init(reduction: KLDivReduction = .mean, logTarget: Bool = false) {
        self.reduction = reduction
        self.logTarget = logTarget
        super.init()
    }

    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Functional.klDiv(input, target, reduction: reduction, logTarget: logTarget)
    }
}
