/// The Kullback-Leibler divergence loss.
extension Functional {
    /// `F.kl_div(input, target, reduction, log_target)`: pointwise
    /// `target (log(target) - input)`, where `input` holds log-probabilities and `target`
    /// probabilities (log-probabilities with `logTarget`, giving `exp(target) (target - input)`).
    ///
    /// A zero target contributes 0 (PyTorch's `xlogy`). `.batchmean` divides the sum by the
    /// size of dim 0 and is the divergence's definition; `.mean` (the default, as in PyTorch)
    /// divides by the element count. Differentiable in input and target; like PyTorch, the
    /// target's gradient is NaN where a (non-log) target is 0.
    public static func klDiv(
        _ input: Tensor, _ target: Tensor, reduction: KLDivReduction = .mean, logTarget: Bool = false
    ) -> Tensor {
        let elementwise = withNoGrad { () -> Tensor in
            if logTarget { return target.exp() * (target - input) }
            let entropyTerm = Tensor.where(target.eq(0), 0.0, target * target.log())
            return entropyTerm - target * input
        }
        let mode: LossSupport.Mode
        switch reduction {
        case .none: mode = .none
        case .mean: mode = .mean
        case .sum: mode = .sum(divisor: 1)
        case .batchmean: mode = .sum(divisor: input.dim == 0 ? 1 : Double(input.shape[0]))
        }
        return LossSupport.pointwise(
            "KlDivBackward0", inputs: [input, target], saving: [input, target], mode: mode, elementwise: elementwise
        ) { grad, saved in
            let (x, t) = (saved[0], saved[1])
            if logTarget {
                let expTarget = t.exp()
                return [expTarget.neg() * grad, expTarget * (t - x + 1) * grad]
            }
            // d/dt (xlogy(t, t) - t x) = log t + t / t - x: PyTorch's xlogy derivative, NaN at t = 0.
            return [t.neg() * grad, (t.log() + t / t - x) * grad]
        }
    }
}
