import Foundation

/// `tril`, `triu` and `diag`: triangles and diagonals of matrices.
extension Tensor {
    /// `torch.tril(tensor, diagonal)`: the lower triangle (`j <= i + diagonal`) of each matrix
    /// in the last two dims; the rest is zero.
    public func tril(_ diagonal: Int = 0) -> Tensor { triangle(lower: true, diagonal: diagonal, op: "tril") }

    /// `torch.triu(tensor, diagonal)`: the upper triangle (`j >= i + diagonal`).
    public func triu(_ diagonal: Int = 0) -> Tensor { triangle(lower: false, diagonal: diagonal, op: "triu") }

    /// Backward (`TrilBackward0`, `TriuBackward0`): the same triangle of the gradient.
    private func triangle(lower: Bool, diagonal: Int, op: String) -> Tensor {
        precondition(dim >= 2, "\(op): input tensor must have at least 2 dimensions, got shape \(shape)")
        guard Autograd.needsGrad(self) else { return rawTriangle(lower: lower, diagonal: diagonal) }
        let out = withNoGrad { rawTriangle(lower: lower, diagonal: diagonal) }
        return Autograd.record(lower ? "TrilBackward0" : "TriuBackward0", inputs: [self], output: out) { grad, _ in
            [lower ? grad.tril(diagonal) : grad.triu(diagonal)]
        }
    }

    private func rawTriangle(lower: Bool, diagonal: Int) -> Tensor {
        let out = clone()
        let rows = shape[dim - 2], cols = shape[dim - 1]
        if out.count == 0 { return out }
        let item = dtype.itemSize
        let matrices = count / (rows * cols)
        let base = out.dataPointer
        // Zero bytes are the zero of every dtype, so the kernel clears byte ranges per row.
        parallelFor(matrices * rows, grain: Swift.max(1, 65_536 / Swift.max(cols, 1))) { range in
            for r in range {
                let i = r % rows
                let (start, end) = lower
                    ? (Swift.min(Swift.max(i + diagonal + 1, 0), cols), cols)
                    : (0, Swift.min(Swift.max(i + diagonal, 0), cols))
                if start < end { memset(base + (r * cols + start) * item, 0, (end - start) * item) }
            }
        }
        return out
    }

    /// `torch.diag(tensor, diagonal)`: a 1-D tensor becomes a square matrix with it on the
    /// given diagonal; a matrix gives a copy of that diagonal.
    ///
    /// Backward: for a matrix (`DiagonalBackward0_copy`, PyTorch's node for `diagonal_copy`) the
    /// gradient placed on the diagonal of zeros; for a vector (`DiagEmbedBackward0`) the
    /// gradient's diagonal.
    public func diag(_ diagonal: Int = 0) -> Tensor {
        precondition(dim == 1 || dim == 2, "diag(): Supports 1D or 2D tensors. Got \(dim)D (shape \(shape))")
        let needsGrad = Autograd.needsGrad(self)
        let out = ReductionGrad.untracked(needsGrad) { rawDiag(diagonal) }
        guard needsGrad else { return out }
        if dim == 2 {
            let shape = self.shape
            return Autograd.record("DiagonalBackward0_copy", inputs: [self], output: out) { grad, _ in
                [Tensor.scatterIntoZeros(grad, shape: shape) { $0.diagonal(offset: diagonal) }]
            }
        }
        return Autograd.record("DiagEmbedBackward0", inputs: [self], output: out) { grad, _ in
            [grad.diagonal(offset: diagonal)]
        }
    }

    private func rawDiag(_ diagonal: Int) -> Tensor {
        if dim == 2 { return self.diagonal(offset: diagonal).clone() }
        let n = shape[0] + Swift.abs(diagonal)
        let out = Tensor(empty: [n, n], dtype: dtype)
        memset(out.dataPointer, 0, n * n * dtype.itemSize)
        if count > 0 { copyCast(from: self, into: out.diagonal(offset: diagonal)) }
        return out
    }
}
