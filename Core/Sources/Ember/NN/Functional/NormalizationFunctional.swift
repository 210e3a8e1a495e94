/// Normalisation (`F.layer_norm`, `F.group_norm`, `F.rms_norm`, `F.batch_norm`,
/// `F.instance_norm`, `F.normalize`).
///
/// Each is a few whole-tensor reductions and broadcasts (differentiable through the
/// primitives' backward formulas). Statistics use the biased variance; where the affine part
/// is per channel, it is folded into one scale and one shift per channel (as PyTorch's CPU
/// kernels fold it), so the input is read twice: once for the statistics, once for
/// `x · scale + shift`.
extension Functional {
    /// `F.layer_norm`: normalises over the trailing `normalizedShape` dims, then applies the
    /// elementwise `weight` and `bias` (shaped `normalizedShape`) when given.
    public static func layerNorm(
        _ input: Tensor, normalizedShape: [Int], weight: Tensor? = nil, bias: Tensor? = nil, eps: Double = 1e-5
    ) -> Tensor {
        let k = normalizedShape.count
        precondition(
            k >= 1 && input.dim >= k && Array(input.shape.suffix(k)) == normalizedShape,
            "layer_norm: Given normalized_shape=\(normalizedShape), expected input with shape [*, \(normalizedShape.map(String.init).joined(separator: ", "))], but got input of size\(input.shape)")
        for (name, tensor) in [("weight", weight), ("bias", bias)] {
            if let tensor {
                precondition(
                    tensor.shape == normalizedShape,
                    "layer_norm: Expected \(name) to be of same shape as normalized_shape, but got \(name) of shape \(tensor.shape) and normalized_shape = \(normalizedShape)")
            }
        }
        if let fused = LayerNormKernel.forward(input, normalizedCount: k, weight: weight, bias: bias, eps: eps) {
            return fused
        }
        let (mean, variance) = moments(input, dims: Array((input.dim - k)..<input.dim))
        var out = (input - mean) * (variance + .double(eps)).rsqrt()
        if let weight { out = out * weight }
        if let bias { out = out + bias }
        return out
    }

    /// `F.group_norm`: splits the channels (dim 1) into `numGroups` groups and normalises each
    /// group of each sample over its channels and spatial positions; `weight` and `bias` are
    /// per channel.
    public static func groupNorm(
        _ input: Tensor, numGroups: Int, weight: Tensor? = nil, bias: Tensor? = nil, eps: Double = 1e-5
    ) -> Tensor {
        precondition(input.dim >= 2, "group_norm: Expected at least 2 dimensions for input tensor but received \(input.dim)")
        let (n, c) = (input.shape[0], input.shape[1])
        precondition(
            numGroups > 0 && c % numGroups == 0,
            "group_norm: Expected number of channels in input to be divisible by num_groups, but got input of shape \(input.shape) and num_groups=\(numGroups)")
        for (name, tensor) in [("weight", weight), ("bias", bias)] {
            if let tensor {
                precondition(
                    tensor.shape == [c],
                    "group_norm: Expected \(name) to be a vector of size equal to the number of channels in input, but got \(name) of shape \(tensor.shape) and input of shape \(input.shape)")
            }
        }
        let grouped = input.reshape([n, numGroups, c / numGroups, -1])
        let (mean, variance) = moments(grouped, dims: [2, 3])  // [N, G, 1, 1]
        var scale = (variance + .double(eps)).rsqrt()
        if let weight { scale = scale * weight.reshape([1, numGroups, c / numGroups, 1]) }  // [N, G, C/G, 1]
        var shift = mean * scale
        shift = bias.map { $0.reshape([1, numGroups, c / numGroups, 1]) - shift } ?? shift.neg()
        return (grouped * scale + shift).reshape(input.shape)
    }

    /// `F.rms_norm`: x / √(mean(x²) + eps) over the trailing `normalizedShape` dims, times
    /// `weight`. `eps` nil uses the machine epsilon of the computation type (float32's for
    /// float32 and narrower inputs, which are computed in float32, float64's for float64).
    public static func rmsNorm(
        _ input: Tensor, normalizedShape: [Int], weight: Tensor? = nil, eps: Double? = nil
    ) -> Tensor {
        let k = normalizedShape.count
        precondition(
            k >= 1 && input.dim >= k && Array(input.shape.suffix(k)) == normalizedShape,
            "rms_norm: Given normalized_shape=\(normalizedShape), expected input with shape [*, \(normalizedShape.map(String.init).joined(separator: ", "))], but got input of size\(input.shape)")
        if let weight {
            precondition(
                weight.shape == normalizedShape,
                "rms_norm: Expected weight to be of same shape as normalized_shape, but got weight of shape \(weight.shape) and normalized_shape = \(normalizedShape)")
        }
        let wide = input.dtype == .float64 ? input : input.to(.float32)
        let epsilon = eps ?? (wide.dtype == .float64 ? Double.ulpOfOne : Double(Float.ulpOfOne))
        let dims = Array((input.dim - k)..<input.dim)
        let rstd = ((wide * wide).mean(dims: dims, keepDim: true) + .double(epsilon)).rsqrt()
        let out = (wide * rstd).to(input.dtype)
        return weight.map { out * $0 } ?? out
    }

    /// `F.batch_norm`: normalises each channel (dim 1) over the batch and spatial dims.
    ///
    /// In `training`, the batch statistics are used and, when given, `runningMean` and
    /// `runningVar` are updated in place: `r ← (1 - momentum)·r + momentum·stat`, with the
    /// unbiased variance. Otherwise the running statistics normalise.
    public static func batchNorm(
        _ input: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor? = nil, bias: Tensor? = nil,
        training: Bool = false, momentum: Double = 0.1, eps: Double = 1e-5
    ) -> Tensor {
        precondition(input.dim >= 2, "batch_norm: expected an input with at least 2 dims (N, C, ...), got shape \(input.shape)")
        let c = input.shape[1]
        var statShape = [Int](repeating: 1, count: input.dim)
        statShape[1] = c
        let mean: Tensor, rstd: Tensor
        if training {
            let perChannel = input.count / Swift.max(c, 1)
            precondition(perChannel > 1, "Expected more than 1 value per channel when training, got input size \(input.shape)")
            let variance: Tensor
            (mean, variance) = moments(input, dims: [0] + Array(2..<input.dim))
            rstd = (variance + .double(eps)).rsqrt()
            updateRunningStats(
                runningMean, runningVar, mean: mean, variance: variance, count: perChannel, momentum: momentum, channels: c)
        } else {
            guard let runningMean, let runningVar else {
                preconditionFailure("batch_norm: running_mean and running_var must be defined in evaluation mode")
            }
            mean = runningMean.reshape(statShape)
            rstd = (runningVar.reshape(statShape) + .double(eps)).rsqrt()
        }
        return affineTransform(input, mean: mean, rstd: rstd, weight: weight?.reshape(statShape), bias: bias?.reshape(statShape))
    }

    /// `F.instance_norm`: normalises each channel of each sample over its spatial dims.
    ///
    /// With `useInputStats` (training, or no running statistics), the sample statistics are
    /// used and the running statistics, when given, are updated with their batch average;
    /// otherwise the running statistics normalise.
    public static func instanceNorm(
        _ input: Tensor, runningMean: Tensor? = nil, runningVar: Tensor? = nil, weight: Tensor? = nil,
        bias: Tensor? = nil, useInputStats: Bool = true, momentum: Double = 0.1, eps: Double = 1e-5
    ) -> Tensor {
        precondition(input.dim >= 3, "instance_norm: expected an input with at least 3 dims (N, C, ...), got shape \(input.shape)")
        let c = input.shape[1]
        var statShape = [Int](repeating: 1, count: input.dim)
        statShape[1] = c
        let mean: Tensor, rstd: Tensor
        if useInputStats {
            let spatial = input.shape.dropFirst(2).reduce(1, *)
            precondition(spatial > 1, "Expected more than 1 spatial element when training, got input size \(input.shape)")
            let variance: Tensor
            (mean, variance) = moments(input, dims: Array(2..<input.dim))  // [N, C, 1, ...]
            rstd = (variance + .double(eps)).rsqrt()
            updateRunningStats(
                runningMean, runningVar, mean: mean, variance: variance, count: spatial, momentum: momentum, channels: c)
        } else {
            guard let runningMean, let runningVar else {
                preconditionFailure("instance_norm: Expected running_mean and running_var to be defined when use_input_stats is false")
            }
            mean = runningMean.reshape(statShape)
            rstd = (runningVar.reshape(statShape) + .double(eps)).rsqrt()
        }
        return affineTransform(input, mean: mean, rstd: rstd, weight: weight?.reshape(statShape), bias: bias?.reshape(statShape))
    }

    /// `F.normalize`: x / max(‖x‖ₚ, eps) along `dim`.
    public static func normalize(_ input: Tensor, p: Double = 2, dim: Int = 1, eps: Double = 1e-12) -> Tensor {
        input / input.norm(p: .p(p), dim: dim, keepDim: true).clamp(min: .double(eps))
    }

    // MARK: Shared pieces

    /// Mean and biased variance over `dims`, kept as size-1 dims.
    static func moments(_ input: Tensor, dims: [Int]) -> (mean: Tensor, variance: Tensor) {
        (input.mean(dims: dims, keepDim: true), input.var(dims: dims, correction: 0, keepDim: true))
    }

    /// `x · scale + shift` with scale = rstd·weight and shift = bias - mean·scale, the per-channel
    /// parts computed on the small statistics tensors.
    static func affineTransform(_ input: Tensor, mean: Tensor, rstd: Tensor, weight: Tensor?, bias: Tensor?) -> Tensor {
        let scale = weight.map { rstd * $0 } ?? rstd
        let shift = bias.map { $0 - mean * scale } ?? (mean * scale).neg()
        return input * scale + shift
    }

    /// The running-statistics update of batch and instance norm, in float64 as PyTorch's CPU
    /// kernel does it: `r ← momentum·stat + (1 - momentum)·r`, with the unbiased variance,
    /// averaged over the samples for instance norm.
    private static func updateRunningStats(
        _ runningMean: Tensor?, _ runningVar: Tensor?, mean: Tensor, variance: Tensor, count: Int,
        momentum: Double, channels: Int
    ) {
        guard runningMean != nil || runningVar != nil else { return }
        withNoGrad {
            if let runningMean {
                let batchMean = mean.to(.float64).reshape([-1, channels]).mean(dim: 0)
                runningMean.copy_(batchMean * .double(momentum) + runningMean.to(.float64) * .double(1 - momentum))
            }
            if let runningVar {
                let correction = Double(count) / Double(Swift.max(count - 1, 1))
                let unbiased = (variance.to(.float64).reshape([-1, channels]) * .double(correction)).mean(dim: 0)
                runningVar.copy_(unbiased * .double(momentum) + runningVar.to(.float64) * .double(1 - momentum))
            }
        }
    }
}
