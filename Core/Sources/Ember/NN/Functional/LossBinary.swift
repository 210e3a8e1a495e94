/// Binary cross entropy, on probabilities and on logits.
extension Functional {
    /// `F.binary_cross_entropy(input, target, weight, reduction)`:
    /// `-weight (target log(input) + (1 - target) log(1 - input))`, reduced.
    ///
    /// `input` holds probabilities in [0, 1] and `target` values in [0, 1], of the same shape.
    /// Each log is clamped at -100, as in PyTorch, so a certain wrong prediction costs 100
    /// instead of infinity. `weight` broadcasts to the target's shape; it is not
    /// differentiable (PyTorch refuses a weight that requires grad, and so does Ember).
    /// `target` is differentiable.
    public static func binaryCrossEntropy(
        _ input: Tensor, _ target: Tensor, weight: Tensor? = nil, reduction: LossReduction = .mean
    ) -> Tensor {
        precondition(
            target.shape == input.shape,
            "binary_cross_entropy: Using a target size (\(target.shape)) that is different to the input size (\(input.shape)) is deprecated. Please ensure they have the same size."
        )
        LossSupport.requireNoGrad(weight, op: "binary_cross_entropy", argument: "weight")
        let weight = weight.map { $0.expand(target.shape) }
        let elementwise = withNoGrad { () -> Tensor in
            precondition(
                input.ge(0).logicalAnd(input.le(1)).all().item(Bool.self),
                "binary_cross_entropy: all elements of input should be between 0 and 1")
            precondition(
                target.ge(0).logicalAnd(target.le(1)).all().item(Bool.self),
                "binary_cross_entropy: all elements of target should be between 0 and 1")
            let logInput = input.log().clamp(min: -100)
            let logOneMinusInput = input.neg().log1p().clamp(min: -100)
            let loss = (target - 1) * logOneMinusInput - target * logInput
            return weight.map { loss * $0 } ?? loss
        }
        let weighted = weight != nil
        return LossSupport.pointwise(
            "BinaryCrossEntropyBackward0", inputs: [input, target], saving: [input, target] + (weight.map { [$0] } ?? []),
            mode: .init(reduction), elementwise: elementwise
        ) { grad, saved in
            let (x, t) = (saved[0], saved[1])
            let scale = weighted ? grad * saved[2] : grad
            // d/dx = (x - t) / (x (1 - x)), the denominator kept above 1e-12 as PyTorch does.
            let gradInput = (x - t) / ((1 - x) * x).clamp(min: 1e-12) * scale
            // d/dt = -logit(x), unclamped as in PyTorch.
            let gradTarget = ((1 - x).log() - x.log()) * scale
            return [gradInput, gradTarget]
        }
    }

    /// `F.binary_cross_entropy_with_logits(input, target, weight, reduction, pos_weight)`: the
    /// binary cross entropy of `sigmoid(input)`, computed stably as
    /// `(1 - target) input - (1 + (posWeight - 1) target) logsigmoid(input)`, times `weight`.
    ///
    /// `target` has the input's shape; `weight` and `posWeight` broadcast (`posWeight` usually
    /// holds one factor per class, along the last dim, weighting the positive term). Neither is
    /// differentiable; `target` is.
    public static func binaryCrossEntropyWithLogits(
        _ input: Tensor, _ target: Tensor, weight: Tensor? = nil, reduction: LossReduction = .mean,
        posWeight: Tensor? = nil
    ) -> Tensor {
        precondition(
            target.shape == input.shape,
            "binary_cross_entropy_with_logits: Target size (\(target.shape)) must be the same as input size (\(input.shape))")
        LossSupport.requireNoGrad(weight, op: "binary_cross_entropy_with_logits", argument: "weight")
        LossSupport.requireNoGrad(posWeight, op: "binary_cross_entropy_with_logits", argument: "pos_weight")
        let elementwise = withNoGrad { () -> Tensor in
            var logSigmoid = input.logsigmoid()
            if let posWeight { logSigmoid = logSigmoid * ((posWeight - 1) * target + 1) }
            let loss = (1 - target) * input - logSigmoid
            return weight.map { loss * $0 } ?? loss
        }
        // Saved tensors are positional; absent optionals keep their slot with an empty marker.
        let marker = Tensor.empty([0])
        return LossSupport.pointwise(
            "BinaryCrossEntropyWithLogitsBackward0", inputs: [input, target],
            saving: [input, target, weight ?? marker, posWeight ?? marker], mode: .init(reduction),
            elementwise: elementwise
        ) { [hasWeight = weight != nil, hasPosWeight = posWeight != nil] grad, saved in
            let (x, t) = (saved[0], saved[1])
            let scale = hasWeight ? grad * saved[2] : grad
            let gradInput: Tensor
            let gradTarget: Tensor
            if hasPosWeight {
                let p = saved[3]
                let positive = p * t
                gradInput = ((positive + 1 - t) * x.sigmoid() - positive) * scale
                gradTarget = (x.neg().logsigmoid() - x.logsigmoid() * p) * scale
            } else {
                gradInput = (x.sigmoid() - t) * scale
                gradTarget = x.neg() * scale
            }
            return [gradInput, gradTarget]
        }
    }
}
