/// How a loss combines its per-element values: PyTorch's `reduction=` argument.
///
/// The name is `LossReduction`, not `Reduction`, because Ember's reduction kernels already
/// own that name inside the module.
public enum LossReduction: String, Sendable, Hashable, CaseIterable {
    /// The per-element losses, unreduced (`reduction="none"`).
    case none
    /// Their mean (`"mean"`). NLL and cross entropy with class-index targets divide by the sum
    /// of the weights of the targets that are not ignored, as PyTorch does.
    case mean
    /// Their sum (`"sum"`).
    case sum
}

/// The reductions of `Functional.klDiv` and `KLDivLoss`, which add `batchmean`.
public enum KLDivReduction: String, Sendable, Hashable, CaseIterable {
    /// The per-element losses, unreduced.
    case none
    /// The sum divided by the batch size (the size of dim 0): the KL divergence's definition.
    case batchmean
    /// The sum.
    case sum
    /// The mean over every element (PyTorch keeps it for compatibility and warns that it is
    /// not the divergence; `batchmean` is).
    case mean
}

/// Shared plumbing of the loss functions.
enum LossSupport {
    /// How a recorded loss reduces its elementwise values, and the factor its backward applies.
    enum Mode {
        case none
        case mean
        /// The sum divided by `divisor` (1 for a plain sum; the batch size for `batchmean`).
        case sum(divisor: Double)

        init(_ reduction: LossReduction) {
            switch reduction {
            case .none: self = .none
            case .mean: self = .mean
            case .sum: self = .sum(divisor: 1)
            }
        }
    }

    /// PyTorch's `apply_loss_reduction`, without autograd.
    static func reduce(_ loss: Tensor, _ mode: Mode) -> Tensor {
        switch mode {
        case .none: return loss
        case .mean: return loss.mean()
        case .sum(let divisor): return divisor == 1 ? loss.sum() : loss.sum().div(.double(divisor))
        }
    }

    static func reduce(_ loss: Tensor, _ reduction: LossReduction) -> Tensor { reduce(loss, Mode(reduction)) }

    /// Records a loss whose value is a reduction of elementwise values: `elementwise` was computed
    /// without grad; `derivative` receives the gradient of each element (the output's gradient,
    /// already divided by the element count for a mean) and returns one gradient per input.
    /// One node instead of a chain of elementwise nodes, as PyTorch's `mse_loss` has.
    static func pointwise(
        _ name: String, inputs: [Tensor], saving: [Tensor], mode: Mode, elementwise: Tensor,
        derivative: @escaping (_ elementGrad: Tensor, _ saved: [Tensor]) -> [Tensor?]
    ) -> Tensor {
        let count = elementwise.count
        let output = withNoGrad { reduce(elementwise, mode) }
        return Autograd.record(name, inputs: inputs, output: output, saving: saving) { grad, saved in
            switch mode {
            case .none: return derivative(grad, saved)
            case .mean: return derivative(grad.div(.double(Double(count))), saved)
            case .sum(let divisor): return derivative(divisor == 1 ? grad : grad.div(.double(divisor)), saved)
            }
        }
    }

    /// The weighted form of the regression losses (PyTorch 2.11's `weight=` of `mse_loss`,
    /// `l1_loss` and `huber_loss`), composed like PyTorch's Python code: the unreduced loss times
    /// `weight`, summed, and for the mean divided by the weights' sum (`weightSumMean`) or by the
    /// element count.
    static func weighted(
        _ op: String, unreduced: Tensor, weight: Tensor, inputShape: [Int], reduction: LossReduction,
        weightSumMean: Bool
    ) -> Tensor {
        precondition(
            weight.shape == inputShape,
            "\(op): Weights and input must have the same size (weight \(weight.shape), input \(inputShape)).")
        let loss = unreduced * weight
        switch reduction {
        case .none: return loss
        case .sum: return loss.sum()
        case .mean: return weightSumMean ? loss.sum() / weight.sum() : loss.mean()
        }
    }

    /// Stops when `tensor` needs grad, for arguments PyTorch does not differentiate (loss weights).
    static func requireNoGrad(_ tensor: Tensor?, op: String, argument: String) {
        guard let tensor, GradMode.isEnabled else { return }
        precondition(
            !tensor.requiresGrad,
            "The function '\(op)' is not differentiable with respect to argument '\(argument)'. This input cannot have requires_grad True.")
    }
}
