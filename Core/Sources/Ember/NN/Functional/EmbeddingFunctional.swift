/// Table lookup (`F.embedding`).
extension Functional {
    /// `F.embedding`: rows of `weight` (`[num, dim]`) picked by the integer `input`, giving
    /// `input.shape + [dim]`.
    ///
    /// The row `paddingIdx` receives no gradient. With `maxNorm`, the rows looked up whose
    /// `normType`-norm exceeds it are first rescaled in place (under no-grad, as PyTorch's
    /// `embedding_renorm_`) to norm `maxNorm`.
    public static func embedding(
        _ input: Tensor, weight: Tensor, paddingIdx: Int? = nil, maxNorm: Double? = nil, normType: Double = 2
    ) -> Tensor {
        precondition(weight.dim == 2, "embedding: 'weight' must be 2-D, got shape \(weight.shape)")
        precondition(
            input.dtype == .int64 || input.dtype == .int32,
            "embedding: Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got \(input.dtype) instead")
        let (num, dim) = (weight.shape[0], weight.shape[1])
        let padding = paddingIdx.map { index -> Int in
            precondition(index < num && index >= -num, "embedding: Padding_idx must be within num_embeddings")
            return index < 0 ? index + num : index
        }
        let indices = input.to(.int64).reshape([-1])
        if let maxNorm { renorm_(weight, indices: indices, maxNorm: maxNorm, normType: normType) }
        let rows = withNoGrad { weight.indexSelect(0, indices) }.reshape(input.shape + [dim])
        return Autograd.record("EmbeddingBackward0", inputs: [weight], output: rows, saving: [indices]) { grad, saved in
            var perRow = grad.reshape([-1, dim])
            if let padding { perRow = perRow.maskedFill((saved[0] .== Scalar.int(Int64(padding))).unsqueeze(1), 0) }
            return [Tensor.zeros([num, dim], dtype: grad.dtype).indexAdd(0, saved[0], perRow)]
        }
    }

    /// `embedding_renorm_`: scales the rows of `weight` named in `indices` whose norm exceeds
    /// `maxNorm` down to `maxNorm` (with PyTorch's 1e-7 guard).
    static func renorm_(_ weight: Tensor, indices: Tensor, maxNorm: Double, normType: Double) {
        withNoGrad {
            let unique = indices.unique().values
            let rows = weight.indexSelect(0, unique)
            let norms = rows.norm(p: .p(normType), dim: 1, keepDim: true)
            let scale = Tensor.where(norms .> Scalar.double(maxNorm), Scalar.double(maxNorm) / (norms + 1e-7), 1)
            weight.indexPut_(indices: [unique], values: rows * scale)
        }
    }
}
