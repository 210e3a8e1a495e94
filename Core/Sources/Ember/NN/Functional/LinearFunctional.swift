/// Affine maps (`F.linear`, `F.bilinear`).
extension Functional {
    /// `F.linear`: `input @ weight.T + bias`, over the last dim of `input` (any leading dims).
    /// `weight` is `[out, in]` as in PyTorch.
    public static func linear(_ input: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
        precondition(weight.dim == 2 || weight.dim == 1, "linear: weight must be 1-D or 2-D, got shape \(weight.shape)")
        precondition(
            input.dim >= 1 && input.shape[input.dim - 1] == weight.shape[weight.dim - 1],
            "linear: mat1 and mat2 shapes cannot be multiplied (input \(input.shape), weight \(weight.shape))")
        // As PyTorch: with a bias, a matrix (or a contiguous batch folded into one) goes through
        // addmm, which adds the bias inside the GEMM instead of in a second pass.
        if let bias, weight.dim == 2, input.dim == 2 || (input.dim > 2 && input.isContiguous) {
            let rows = input.dim == 2 ? input : input.reshape([-1, weight.shape[1]])
            let out = bias.addmm(rows, weight.t())
            return input.dim == 2 ? out : out.reshape(Array(input.shape.dropLast()) + [weight.shape[0]])
        }
        let product = input.matmul(weight.dim == 2 ? weight.t() : weight)
        guard let bias else { return product }
        return product + bias
    }

    /// `F.bilinear`: `y[..., o] = Σᵢⱼ x1[..., i] · weight[o, i, j] · x2[..., j] + bias[o]`.
    /// `input1` and `input2` share their leading dims.
    public static func bilinear(_ input1: Tensor, _ input2: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
        precondition(weight.dim == 3, "bilinear: expected weight to be 3-D, got shape \(weight.shape)")
        let (outFeatures, in1, in2) = (weight.shape[0], weight.shape[1], weight.shape[2])
        precondition(
            input1.dim >= 1 && input1.dim == input2.dim && input1.shape.dropLast() == input2.shape.dropLast(),
            "bilinear: input1 \(input1.shape) and input2 \(input2.shape) must have the same leading dims")
        precondition(
            input1.shape.last == in1 && input2.shape.last == in2,
            "bilinear: input1 \(input1.shape) and input2 \(input2.shape) do not match weight \(weight.shape)")
        let lead = Array(input1.shape.dropLast())
        let x1 = input1.reshape([-1, in1]), x2 = input2.reshape([-1, in2])
        // x1 · W as one matrix product: [B, in1] @ [in1, out·in2] → [B, out, in2].
        let projected = x1.matmul(weight.permute(1, 0, 2).reshape([in1, outFeatures * in2])).reshape([-1, outFeatures, in2])
        var out = (projected * x2.unsqueeze(1)).sum(dim: 2)
        if let bias { out = out + bias }
        return out.reshape(lead + [outFeatures])
    }
}
