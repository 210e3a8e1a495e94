import Foundation

/// The ranking and embedding losses: margin ranking, cosine embedding and triplet margin.
///
/// Cosine embedding and triplet margin are compositions of differentiable tensor ops, as in
/// PyTorch (their cost is in the reductions, which a fused node would not save).
extension Functional {
    /// `F.margin_ranking_loss(input1, input2, target, margin, reduction)`:
    /// `max(0, -target (input1 - input2) + margin)`, reduced. `target` holds 1 where `input1`
    /// should rank higher and -1 where `input2` should. All three have the same shape (PyTorch
    /// refuses broadcasting here); all three are differentiable.
    public static func marginRankingLoss(
        _ input1: Tensor, _ input2: Tensor, _ target: Tensor, margin: Double = 0, reduction: LossReduction = .mean
    ) -> Tensor {
        precondition(
            input1.shape == input2.shape && input1.shape == target.shape,
            "margin_ranking_loss: all input tensors should have same size but got sizes: input1: \(input1.shape), input2: \(input2.shape), target: \(target.shape)"
        )
        let elementwise = withNoGrad { (target.neg() * (input1 - input2) + .double(margin)).clamp(min: 0) }
        return LossSupport.pointwise(
            "MarginRankingLossBackward0", inputs: [input1, input2, target], saving: [input1, input2, target],
            mode: .init(reduction), elementwise: elementwise
        ) { grad, saved in
            let difference = saved[0] - saved[1]
            // PyTorch's kernel counts the hinge point itself as active.
            let active = (saved[2].neg() * difference + .double(margin)).ge(0)
            let gradInput1 = Tensor.where(active, saved[2].neg() * grad, 0.0)
            let gradTarget = Tensor.where(active, difference.neg() * grad, 0.0)
            return [gradInput1, gradInput1.neg(), gradTarget]
        }
    }

    /// `F.cosine_embedding_loss(input1, input2, target, margin, reduction)`: with `cos` the
    /// cosine similarity of each pair of rows, `1 - cos` where `target == 1` and
    /// `max(0, cos - margin)` where `target == -1` (0 for any other target value).
    ///
    /// Inputs are (N, D) with a (N) target, or (D) with a 0-d target. Squared norms get 1e-12
    /// added before the square root, as in PyTorch, so a zero vector gives cos 0, not NaN.
    public static func cosineEmbeddingLoss(
        _ input1: Tensor, _ input2: Tensor, _ target: Tensor, margin: Double = 0, reduction: LossReduction = .mean
    ) -> Tensor {
        let dim = target.dim
        precondition(dim == 0 || dim == 1, "cosine_embedding_loss: 0D or 1D target tensor expected, multi-target not supported")
        precondition(
            input1.dim == dim + 1,
            "cosine_embedding_loss: \(dim)D target tensor expects \(dim + 1)D input tensors, but found inputs with sizes \(input1.shape) and \(input2.shape)."
        )
        // PyTorch's EPSILON is the float 1e-12.
        let epsilon = Scalar.double(Double(Float(1e-12)))
        let productSum = (input1 * input2).sum(dim: dim)
        let squaredNorm1 = (input1 * input1).sum(dim: dim) + epsilon
        let squaredNorm2 = (input2 * input2).sum(dim: dim) + epsilon
        let cosine = productSum / (squaredNorm1 * squaredNorm2).sqrt()
        let positive = Tensor.where(target.eq(1), 1 - cosine, 0.0)
        let negative = Tensor.where(target.eq(-1), (cosine - .double(margin)).clamp(min: 0), 0.0)
        return LossSupport.reduce(positive + negative, reduction)
    }

    /// `F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction)`:
    /// `max(0, margin + d(anchor, positive) - d(anchor, negative))` with `d` the p-norm
    /// distance along the last dim (`F.pairwise_distance`, which adds `eps` to the difference).
    ///
    /// With `swap`, the negative distance is the smaller of d(anchor, negative) and
    /// d(positive, negative) (Balntas et al., 2016). `margin` must be positive.
    public static func tripletMarginLoss(
        _ anchor: Tensor, _ positive: Tensor, _ negative: Tensor, margin: Double = 1, p: Double = 2,
        eps: Double = 1e-6, swap: Bool = false, reduction: LossReduction = .mean
    ) -> Tensor {
        precondition(margin > 0, "triplet_margin_loss: margin must be greater than 0, got \(margin)")
        precondition(
            anchor.dim == positive.dim && positive.dim == negative.dim,
            "triplet_margin_loss: All inputs should have same dimension but got \(anchor.dim)D, \(positive.dim)D and \(negative.dim)D inputs."
        )
        var negativeDistance = tripletDistance(anchor, negative, p: p, eps: eps)
        if swap { negativeDistance = negativeDistance.minimum(tripletDistance(positive, negative, p: p, eps: eps)) }
        let positiveDistance = tripletDistance(anchor, positive, p: p, eps: eps)
        let loss = (positiveDistance + .double(margin) - negativeDistance).clamp(min: 0)
        return LossSupport.reduce(loss, reduction)
    }

    /// PyTorch's `pairwise_distance(x1, x2, p, eps)`: `‖x1 - x2 + eps‖_p` along the last dim of
    /// the broadcast shape.
    private static func tripletDistance(_ x1: Tensor, _ x2: Tensor, p: Double, eps: Double) -> Tensor {
        let innermost = Swift.max(x1.dim, x2.dim) - 1
        return (x1 - x2 + .double(eps)).norm(p: .p(p), dim: Swift.max(innermost, 0))
    }
}
