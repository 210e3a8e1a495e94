/// The regression losses: MSE, L1, smooth L1 and Huber.
///
/// Input and target broadcast against each other (PyTorch warns when their sizes differ; the
/// broadcast is usually a mistake, such as a (N) target against a (N, 1) input). Each records
/// one node with PyTorch's backward formula, differentiable in both input and target.
extension Functional {
    /// `F.mse_loss(input, target, reduction, weight)`: `(input - target)²`, reduced.
    ///
    /// With `weight` (same shape as `input`), each squared error is multiplied by its weight and
    /// the mean divides by the sum of the weights.
    public static func mseLoss(
        _ input: Tensor, _ target: Tensor, reduction: LossReduction = .mean, weight: Tensor? = nil
    ) -> Tensor {
        if let weight {
            return LossSupport.weighted(
                "mse_loss", unreduced: mseLoss(input, target, reduction: .none), weight: weight,
                inputShape: input.shape, reduction: reduction, weightSumMean: true)
        }
        let elementwise = withNoGrad { () -> Tensor in
            let difference = input - target
            return difference * difference
        }
        return LossSupport.pointwise(
            "MseLossBackward0", inputs: [input, target], saving: [input, target], mode: .init(reduction),
            elementwise: elementwise
        ) { grad, saved in
            let gradInput = (saved[0] - saved[1]) * grad * 2
            return [gradInput, gradInput.neg()]
        }
    }

    /// `F.l1_loss(input, target, reduction, weight)`: `|input - target|`, reduced.
    ///
    /// With `weight` (same shape as `input`), the mean divides by the sum of the weights. The
    /// gradient at `input == target` is 0.
    public static func l1Loss(
        _ input: Tensor, _ target: Tensor, reduction: LossReduction = .mean, weight: Tensor? = nil
    ) -> Tensor {
        if let weight {
            return LossSupport.weighted(
                "l1_loss", unreduced: l1Loss(input, target, reduction: .none), weight: weight,
                inputShape: input.shape, reduction: reduction, weightSumMean: true)
        }
        let elementwise = withNoGrad { (input - target).abs() }
        return LossSupport.pointwise(
            "L1LossBackward0", inputs: [input, target], saving: [input, target], mode: .init(reduction),
            elementwise: elementwise
        ) { grad, saved in
            let gradInput = (saved[0] - saved[1]).sign() * grad
            return [gradInput, gradInput.neg()]
        }
    }

    /// `F.smooth_l1_loss(input, target, reduction, beta)`: with `z = |input - target|`,
    /// `0.5 z² / beta` where `z < beta`, else `z - 0.5 beta`. `beta == 0` is the L1 loss.
    public static func smoothL1Loss(
        _ input: Tensor, _ target: Tensor, reduction: LossReduction = .mean, beta: Double = 1
    ) -> Tensor {
        precondition(beta >= 0, "smooth_l1_loss does not support negative values for beta (got \(beta)).")
        if beta == 0 { return l1Loss(input, target, reduction: reduction) }
        let elementwise = withNoGrad { () -> Tensor in
            let z = (input - target).abs()
            return Tensor.where(z.lt(.double(beta)), z * 0.5 * z / .double(beta), z - .double(0.5 * beta))
        }
        return LossSupport.pointwise(
            "SmoothL1LossBackward0", inputs: [input, target], saving: [input, target], mode: .init(reduction),
            elementwise: elementwise
        ) { grad, saved in
            // x / beta inside (-beta, beta), the sign of x outside: the clamp of x / beta to [-1, 1].
            let gradInput = ((saved[0] - saved[1]) / .double(beta)).clamp(min: -1, max: 1) * grad
            return [gradInput, gradInput.neg()]
        }
    }

    /// `F.huber_loss(input, target, reduction, delta, weight)`: with `z = |input - target|`,
    /// `0.5 z²` where `z < delta`, else `delta (z - 0.5 delta)`.
    ///
    /// With `weight` (same shape as `input`), the mean is the plain mean of the weighted losses
    /// (unlike `mseLoss` and `l1Loss`, which divide by the weights' sum: PyTorch's rule).
    public static func huberLoss(
        _ input: Tensor, _ target: Tensor, reduction: LossReduction = .mean, delta: Double = 1, weight: Tensor? = nil
    ) -> Tensor {
        precondition(delta > 0, "huber_loss does not support non-positive values for delta (got \(delta)).")
        if let weight {
            return LossSupport.weighted(
                "huber_loss", unreduced: huberLoss(input, target, reduction: .none, delta: delta), weight: weight,
                inputShape: input.shape, reduction: reduction, weightSumMean: false)
        }
        let elementwise = withNoGrad { () -> Tensor in
            let z = (input - target).abs()
            return Tensor.where(z.lt(.double(delta)), z * 0.5 * z, (z - .double(0.5 * delta)) * .double(delta))
        }
        return LossSupport.pointwise(
            "HuberLossBackward0", inputs: [input, target], saving: [input, target], mode: .init(reduction),
            elementwise: elementwise
        ) { grad, saved in
            let gradInput = (saved[0] - saved[1]).clamp(min: .double(-delta), max: .double(delta)) * grad
            return [gradInput, gradInput.neg()]
        }
    }
}
