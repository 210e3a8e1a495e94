/// The affine maps of the attention, Transformer and recurrent layers, with the bias folded
/// into the matrix product (PyTorch's `addmm`).
///
/// `Functional.linear` adds the bias as a broadcast pass after the product; here the output
/// starts as copies of the bias row and BLAS accumulates the product into it (beta = 1), which
/// saves a pass over the output and the broadcast iterator. Same numbers up to the order of one
/// addition; one autograd node with `addmm`'s backward.
enum AttentionLinear {
    /// `x · weightᵀ + bias` over the last dim of `x` (`F.linear`).
    static func apply(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        guard let bias, x.dim >= 1, weight.dim == 2, bias.dim == 1,
            x.dtype == .float32 || x.dtype == .float64, weight.dtype == x.dtype, bias.dtype == x.dtype,
            x.shape[x.dim - 1] == weight.shape[1], bias.shape[0] == weight.shape[0]
        else { return Functional.linear(x, weight: weight, bias: bias) }
        let (inFeatures, outFeatures) = (weight.shape[1], weight.shape[0])
        let lead = Array(x.shape.dropLast())
        let rows = lead.reduce(1, *)
        let out = withNoGrad { () -> Tensor in
            let flat = x.reshape([rows, inFeatures])
            let out = Tensor(empty: [rows, outFeatures], dtype: x.dtype)
            guard rows > 0 && outFeatures > 0 else { return out }
            fillRows(out, with: bias.contiguous())
            Gemm.batched(flat.unsqueeze(0), weight.t().unsqueeze(0), into: out.unsqueeze(0), alpha: 1, beta: 1)
            return out
        }.view(lead + [outFeatures])
        return Autograd.record("AddmmBackward0", inputs: [x, weight, bias], output: out, saving: [x, weight]) { grad, saved in
            let (input, w) = (saved[0], saved[1])
            let g = grad.reshape([-1, outFeatures])
            return [grad.matmul(w), g.t().mm(input.reshape([-1, inFeatures])), g.sum(dim: 0)]
        }
    }

    /// Copies the contiguous vector `row` into every row of the contiguous matrix `out`.
    private static func fillRows(_ out: Tensor, with row: Tensor) {
        let (rows, cols) = (out.shape[0], out.shape[1])
        let bytes = cols * out.dtype.itemSize
        let destination = out.dataPointer
        let source = UnsafeRawPointer(row.dataPointer)
        for r in 0..<rows { (destination + r * bytes).copyMemory(from: source, byteCount: bytes) }
    }
}
