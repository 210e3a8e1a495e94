/// Backward formulas shared by the reductions (PyTorch's `FunctionsManual.cpp` helpers:
/// `unsqueeze_multiple`, `evenly_distribute_backward`, `value_selecting_reduction_backward`,
/// `prod_safe_zeros_backward`, `reversed_cumsum`).
///
/// Every formula is written in differentiable tensor ops, so a backward run with
/// `createGraph: true` records it and second derivatives come out of the same code.
enum ReductionGrad {
    /// Runs an op's forward computation, outside autograd when `recording` (the op records
    /// one node itself, so internal casts and copies must leave none).
    @inline(__always)
    static func untracked<R>(_ recording: Bool, _ body: () -> R) -> R {
        recording ? withNoGrad(body) : body()
    }

    /// The reduced dims of a reduction over `dims` (nil or empty: every dim), normalised and
    /// sorted, as `ReducePlan` chooses them.
    static func reducedDims(rank: Int, dims: [Int]?, op: String) -> [Int] {
        guard let dims, !dims.isEmpty, rank > 0 else { return Array(0..<rank) }
        return dims.map { Shape.normalize($0, rank: rank, op: op) }.sorted()
    }

    /// `shape` with the reduced dims kept as size 1 (the result's shape with `keepDim`).
    static func keptShape(_ shape: [Int], reduced: [Int]) -> [Int] {
        shape.indices.map { reduced.contains($0) ? 1 : shape[$0] }
    }

    /// A reduction's gradient (or result) brought back to the `keepDim` shape
    /// (`unsqueeze_multiple`): a reshape, since only size-1 dims are inserted.
    static func restoreReduced(_ t: Tensor, keptShape: [Int]) -> Tensor {
        t.shape == keptShape ? t : t.reshape(keptShape)
    }

    /// `evenly_distribute_backward`: the gradient of a full max/min/median goes in equal
    /// shares to every element equal to the result (every NaN when the result is NaN).
    static func evenlyDistribute(_ grad: Tensor, input: Tensor, value: Tensor) -> Tensor {
        let mask = withNoGrad { () -> Tensor in
            let isNaN = value.dtype.isFloatingPoint && value.isnan().item(Bool.self)
            return (isNaN ? input.isnan() : input.eq(value)).to(grad.dtype)
        }
        let count = withNoGrad { mask.sum() }
        return mask.mul(grad.div(count))
    }

    /// `value_selecting_reduction_backward`: the gradient of values picked along `dim` at
    /// `indices` (max/min/sort/topk/kthvalue/median along a dim) is scattered back there.
    static func valueSelecting(_ grad: Tensor, dim: Int, indices: Tensor, shape: [Int], keepDim: Bool) -> Tensor {
        var grad = grad, indices = indices
        if !keepDim && !shape.isEmpty {
            grad = grad.unsqueeze(dim)
            indices = indices.unsqueeze(dim)
        }
        return Tensor.zeros(shape, dtype: grad.dtype).scatter(dim, indices, grad)
    }

    /// `reversed_cumsum`: sums from each position to the end along `dim`.
    static func reversedCumsum(_ t: Tensor, dim: Int) -> Tensor {
        t.flip([dim]).cumsum(dim: dim).flip([dim])
    }

    /// `prod_safe_zeros_backward`: the product of every other element of the run, as an
    /// exclusive cumulative product from both ends, so that zeros in the input are exact.
    static func prodSafeZeros(_ grad: Tensor, input: Tensor, dim: Int) -> Tensor {
        if input.count == 0 { return grad.expand(input.shape) }
        let n = input.shape[dim]
        if n == 1 { return grad }
        var onesShape = input.shape
        onesShape[dim] = 1
        let ones = Tensor.ones(onesShape, dtype: grad.dtype)
        let before = Tensor.cat([ones, input.narrow(dim, start: 0, length: n - 1)], dim: dim).cumprod(dim: dim)
        let reversed = input.narrow(dim, start: 1, length: n - 1).flip([dim])
        let after = Tensor.cat([ones, reversed], dim: dim).cumprod(dim: dim).flip([dim])
        return grad.mul(before.mul(after))
    }

    /// The number of zeros in `t`, outside autograd.
    static func zeroCount(_ t: Tensor) -> Int64 {
        withNoGrad { t.eq(0).sum().item(Int64.self) }
    }
}
