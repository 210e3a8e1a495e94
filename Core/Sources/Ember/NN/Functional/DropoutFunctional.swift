/// Random zeroing (`F.dropout`, `F.dropout1d/2d/3d`).
///
/// The mask is PyTorch's: Bernoulli(1 - p) draws in the input's dtype, divided by 1 - p, one
/// per element (or one per channel for the feature variants), multiplied into the input, so
/// gradients flow through the kept elements scaled by 1 / (1 - p). Draws come from
/// `generator` or the default generator; they follow `Tensor.bernoulli_(p:)`, which matches
/// PyTorch's stream except where PyTorch uses MKL's generator (Intel CPUs).
extension Functional {
    /// `F.dropout`: zeroes each element with probability `p` and scales the rest by
    /// 1 / (1 - p) when `training`; otherwise returns `input` itself.
    public static func dropout(
        _ input: Tensor, p: Double = 0.5, training: Bool = true, inplace: Bool = false, generator: Generator? = nil
    ) -> Tensor {
        precondition(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got \(p)")
        guard training && p > 0 else { return input }
        return applyNoise(input, noise: noise(shape: input.shape, like: input, p: p, generator: generator), inplace: inplace)
    }

    /// `F.dropout1d`: zeroes whole channels of `(N, C, L)` or `(C, L)` input.
    public static func dropout1d(
        _ input: Tensor, p: Double = 0.5, training: Bool = true, inplace: Bool = false, generator: Generator? = nil
    ) -> Tensor {
        featureDropout(input, p: p, training: training, inplace: inplace, generator: generator, spatialDims: 1, name: "dropout1d")
    }

    /// `F.dropout2d`: zeroes whole channels of `(N, C, H, W)` or `(C, H, W)` input.
    public static func dropout2d(
        _ input: Tensor, p: Double = 0.5, training: Bool = true, inplace: Bool = false, generator: Generator? = nil
    ) -> Tensor {
        featureDropout(input, p: p, training: training, inplace: inplace, generator: generator, spatialDims: 2, name: "dropout2d")
    }

    /// `F.dropout3d`: zeroes whole channels of `(N, C, D, H, W)` or `(C, D, H, W)` input.
    public static func dropout3d(
        _ input: Tensor, p: Double = 0.5, training: Bool = true, inplace: Bool = false, generator: Generator? = nil
    ) -> Tensor {
        featureDropout(input, p: p, training: training, inplace: inplace, generator: generator, spatialDims: 3, name: "dropout3d")
    }

    /// Channel-wise dropout: one draw per (sample, channel); unbatched input is treated as a
    /// batch of one, except that `dropout2d` reads 3-D input as `(N, C, L)`, as PyTorch does.
    private static func featureDropout(
        _ input: Tensor, p: Double, training: Bool, inplace: Bool, generator: Generator?, spatialDims: Int, name: String
    ) -> Tensor {
        precondition(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got \(p)")
        precondition(
            input.dim == spatialDims + 1 || input.dim == spatialDims + 2,
            "\(name): Expected \(spatialDims + 1)D or \(spatialDims + 2)D input, but received a \(input.dim)D input of shape \(input.shape)")
        guard training && p > 0 else { return input }
        let batched = input.dim == spatialDims + 2 || spatialDims == 2
        let x = batched ? input : input.unsqueeze(0)
        let noiseShape = [x.shape[0], x.shape[1]] + [Int](repeating: 1, count: x.dim - 2)
        let out = applyNoise(x, noise: noise(shape: noiseShape, like: x, p: p, generator: generator), inplace: inplace)
        if inplace { return input }
        return batched ? out : out.squeeze(dim: 0)
    }

    /// Bernoulli(1 - p) / (1 - p) in the input's dtype (all zeros for p = 1).
    private static func noise(shape: [Int], like input: Tensor, p: Double, generator: Generator?) -> Tensor {
        precondition(input.dtype.isFloatingPoint, "dropout: expected a floating point input, got \(input.dtype)")
        if p == 1 { return Tensor.zeros(shape, dtype: input.dtype) }
        let noise = Tensor(empty: shape, dtype: input.dtype).bernoulli_(p: 1 - p, generator: generator)
        return noise.div_(Scalar.double(1 - p))
    }

    private static func applyNoise(_ input: Tensor, noise: Tensor, inplace: Bool) -> Tensor {
        inplace ? input.mul_(noise) : input * noise
    }
}
