/// Negative log likelihood and cross entropy.
///
/// With class-index targets each is one recorded node with a direct backward (see
/// `ClassIndexTargets`): cross entropy computes a log-sum-exp per sample forward (no
/// log-probability tensor) and writes its gradient in one pass around a vectorised `exp`
/// backward, with no one-hot tensor. Under `createGraph` the backward is written in
/// differentiable tensor ops instead, so second derivatives work.
extension Functional {
    /// `F.nll_loss(input, target, weight, ignore_index, reduction)`: `-weight[t] input[t]` for
    /// each sample's target class t, reduced.
    ///
    /// `input` holds log-probabilities, (N, C), (C) or (N, C, d1, d2, ...); `target` holds
    /// class indices of shape (N), () or (N, d1, d2, ...). Targets equal to `ignoreIndex` count
    /// for nothing, neither in the loss nor in the mean's denominator, which is the sum of the
    /// weights of the other targets (so `.mean` of all-ignored targets is NaN, as in PyTorch).
    /// `weight` (C) is not differentiable.
    public static func nllLoss(
        _ input: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
        reduction: LossReduction = .mean
    ) -> Tensor {
        LossSupport.requireNoGrad(weight, op: "nll_loss", argument: "weight")
        let problem = ClassIndexTargets(op: "nll_loss", input: input, target: target, weight: weight, ignoreIndex: ignoreIndex)
        let compute = computeDType(input.dtype, op: "nll_loss")
        let logProbs = withNoGrad { input.to(compute).contiguous() }
        let output = problem.nllLoss(logProbs, reduction: reduction).to(input.dtype)
        let shape = input.shape
        return Autograd.record("NllLossBackward0", inputs: [input], output: output) { grad, _ in
            if GradMode.isEnabled {
                // NLL is linear in its input: the gradient depends on `grad` only.
                let coefficients = problem.nllGradient(
                    scales: problem.sampleScales(reduction, grad: nil), dtype: compute, shape: shape)
                return [coefficients * expandLossGrad(grad, reduction: reduction, problem: problem)]
            }
            return [problem.nllGradient(scales: problem.sampleScales(reduction, grad: grad), dtype: compute, shape: shape)]
        }
    }

    /// `F.cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing)`: the
    /// negative log likelihood of `logSoftmax(input)` along the class dim.
    ///
    /// `input` holds unnormalised logits, (N, C), (C) or (N, C, d1, d2, ...). `target` is
    /// either class indices, shaped (N), () or (N, d1, d2, ...) as for `nllLoss` (with
    /// `ignoreIndex`, and `.mean` dividing by the weights of the targets that count), or class
    /// probabilities of the input's shape (then `.mean` divides by the number of samples
    /// N·d1·d2·…, weights or not, and `ignoreIndex` must stay negative).
    ///
    /// `labelSmoothing` ε in [0, 1] mixes the target with the uniform distribution:
    /// index targets lose `(1 - ε)` of their weight to `ε / C` on every class (each class
    /// weighted by `weight`); probability targets become `(1 - ε) target + ε / C`.
    /// `weight` (C) is differentiable only with probability targets, as in PyTorch.
    public static func crossEntropy(
        _ input: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
        reduction: LossReduction = .mean, labelSmoothing: Double = 0
    ) -> Tensor {
        precondition(
            labelSmoothing >= 0 && labelSmoothing <= 1,
            "cross_entropy: label_smoothing must be between 0.0 and 1.0. Got: \(labelSmoothing)")
        if input.shape == target.shape {
            return crossEntropyProbabilities(
                input, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction,
                labelSmoothing: labelSmoothing)
        }
        LossSupport.requireNoGrad(weight, op: "cross_entropy", argument: "weight")
        let problem = ClassIndexTargets(
            op: "cross_entropy", input: input, target: target, weight: weight, ignoreIndex: ignoreIndex)
        let compute = computeDType(input.dtype, op: "cross_entropy")
        let classDim = problem.classDim
        let logits = withNoGrad { input.to(compute).contiguous() }
        let (loss, logSumExp) = problem.crossEntropyLoss(logits, smoothing: labelSmoothing, reduction: reduction)
        let output = loss.to(input.dtype)
        let shape = input.shape
        // `logits` is `input` itself when it is already contiguous in the compute dtype.
        return Autograd.record("CrossEntropyLossBackward0", inputs: [input], output: output, saving: [input, logits]) {
            grad, saved in
            if GradMode.isEnabled {
                // Differentiable form: (softmax(x) Σ_c a - a) grad, with a built without grad.
                let a = problem.crossEntropyCoefficients(
                    scales: problem.sampleScales(reduction, grad: nil), smoothing: labelSmoothing, dtype: compute,
                    shape: shape)
                let softmax = saved[0].softmax(dim: classDim)
                return [(softmax * a.sum(dim: classDim, keepDim: true) - a)
                    * expandLossGrad(grad, reduction: reduction, problem: problem)]
            }
            return [problem.crossEntropyGradient(
                logits: saved[1], logSumExp: logSumExp, scales: problem.sampleScales(reduction, grad: grad),
                smoothing: labelSmoothing)]
        }
    }

    /// Cross entropy against class probabilities, PyTorch's `cross_entropy_loss_prob_target`:
    /// `-Σ_c weight[c] target[c] logSoftmax(input)[c]` per sample.
    private static func crossEntropyProbabilities(
        _ input: Tensor, _ target: Tensor, weight: Tensor?, ignoreIndex: Int, reduction: LossReduction,
        labelSmoothing: Double
    ) -> Tensor {
        precondition(
            target.dtype.isFloatingPoint,
            "cross_entropy: Expected floating point type for target with class probabilities, got \(target.dtype.scalarTypeName)")
        precondition(ignoreIndex < 0, "cross_entropy: ignore_index is not supported for floating point target")
        precondition(input.dim >= 1, "cross_entropy: Expected 1 or more dimensions (got 0)")
        let classDim = input.dim == 1 ? 0 : 1
        let classes = input.shape[classDim]
        if let weight {
            precondition(
                weight.dim == 1 && weight.count == classes,
                "cross_entropy: weight tensor should be defined either for all \(classes) classes or no classes but got weight tensor of shape: \(weight.shape)"
            )
        }
        // Weight as [1, C, 1, ...] so it broadcasts along the class dim.
        var weightShape = [Int](repeating: 1, count: input.dim)
        weightShape[classDim] = classes
        let samples = classes == 0 ? 0 : input.count / classes
        let smoothing = labelSmoothing
        func smoothed(_ t: Tensor) -> Tensor {
            smoothing > 0 ? t * .double(1 - smoothing) + .double(smoothing / Double(classes)) : t
        }
        let output = withNoGrad { () -> Tensor in
            var product = input.logSoftmax(dim: classDim) * smoothed(target)
            if let weight { product = product * weight.view(weightShape) }
            switch reduction {
            case .none: return product.sum(dim: classDim).neg()
            case .sum: return product.sum().neg()
            // PyTorch fills NaN for an empty input (0 / 0).
            case .mean: return product.sum().neg().div(.double(Double(samples)))
            }
        }
        let otherDims = (0..<input.dim).filter { $0 != classDim }
        let unbatched = input.dim == 1
        return Autograd.record(
            "CrossEntropyLossBackward0", inputs: [input, target] + (weight.map { [$0] } ?? []), output: output,
            saving: [input, target] + (weight.map { [$0] } ?? [])
        ) { grad, saved in
            let (x, t) = (saved[0], saved[1])
            let w = saved.count > 2 ? saved[2].view(weightShape) : nil
            let scale: Tensor
            switch reduction {
            case .none: scale = unbatched ? grad : grad.unsqueeze(classDim)
            case .sum: scale = grad
            case .mean: scale = grad.div(.double(Double(samples)))
            }
            let logProbs = x.logSoftmax(dim: classDim)
            let target = smoothed(t)
            let a = w.map { target * $0 } ?? target
            let gradInput = (x.softmax(dim: classDim) * a.sum(dim: classDim, keepDim: true) - a) * scale
            var gradTarget = logProbs.neg() * scale
            if let w { gradTarget = gradTarget * w }
            if smoothing > 0 { gradTarget = gradTarget * .double(1 - smoothing) }
            var grads: [Tensor?] = [gradInput, gradTarget]
            if w != nil { grads.append((logProbs * target * scale).neg().sum(dims: otherDims)) }
            return grads
        }
    }

    /// The dtype NLL and cross entropy compute in: float64 stays, other floating dtypes use
    /// float32 (half precision is rounded once at the end).
    private static func computeDType(_ dtype: DType, op: String) -> DType {
        precondition(dtype.isFloatingPoint, "\(op): \"\(op)_forward_out_frame\" not implemented for '\(dtype.scalarTypeName)'")
        return dtype == .float64 ? .float64 : .float32
    }

    /// The output's gradient shaped to broadcast against the [N, C, d1, ...] input.
    private static func expandLossGrad(_ grad: Tensor, reduction: LossReduction, problem: ClassIndexTargets) -> Tensor {
        reduction == .none && problem.classDim == 1 ? grad.unsqueeze(1) : grad
    }
}
