/// kthvalue and median: order statistics along a dim, read from a stable sort.
///
/// Among equal values the index returned is the first in the stable sort order (PyTorch's
/// quickselect leaves the choice among ties unspecified). NaN sorts above every number, so a
/// run holding NaN has NaN as its median, at the index of its first NaN, as in PyTorch.
extension Tensor {
    /// `torch.kthvalue(self, k, dim, keepdim)`: the k-th smallest value (k counts from 1) along
    /// `dim` and its int64 index.
    public func kthvalue(_ k: Int, dim: Int = -1, keepDim: Bool = false) -> (values: Tensor, indices: Tensor) {
        OrderStatistics.select(self, dim: dim, keepDim: keepDim, op: "kthvalue", node: "KthvalueBackward0") { n in
            precondition(
                k >= 1 && k <= n, "kthvalue(): selected number k out of range for dimension \(dim) (k = \(k), size \(n))")
            return .fixed(k - 1)
        }
    }

    /// `torch.median(self, dim, keepdim)`: the lower median along `dim` (the value at sorted
    /// position `(n - 1) / 2`) and its int64 index.
    public func median(dim: Int, keepDim: Bool = false) -> (values: Tensor, indices: Tensor) {
        OrderStatistics.select(self, dim: dim, keepDim: keepDim, op: "median", node: "MedianBackward1") { n in
            precondition(n > 0, "median(): Expected reduction dim \(dim) to have non-zero size (input shape \(shape))")
            return .median
        }
    }

    /// `torch.median(self)`: the lower median of every element as a 0-d tensor; NaN when the
    /// tensor is empty or holds NaN. Its gradient is shared by the elements equal to it.
    public func median() -> Tensor {
        let needsGrad = Autograd.needsGrad(self)
        let value = ReductionGrad.untracked(needsGrad) { () -> Tensor in
            if count == 0 {
                precondition(dtype.isFloatingPoint, "median(): input tensor cannot be empty for \(dtype) (shape \(shape))")
                return Tensor(scalar: .double(.nan), dtype: dtype)
            }
            return reshape([count]).median(dim: 0).values
        }
        guard needsGrad else { return value }
        return Autograd.record("MedianBackward0", inputs: [self], output: value, saving: [self, value]) { grad, saved in
            [ReductionGrad.evenlyDistribute(grad, input: saved[0], value: saved[1])]
        }
    }
}

enum OrderStatistics {
    /// Which sorted position a run contributes.
    enum Position {
        case fixed(Int)
        /// `(n - 1) / 2`, or the first NaN when the run has one.
        case median
    }

    static func select(
        _ input: Tensor, dim: Int, keepDim: Bool, op: String, node: String, position: (Int) -> Position
    ) -> (values: Tensor, indices: Tensor) {
        let axis = Shape.normalize(dim, rank: input.dim, op: op)
        let n = input.dim == 0 ? 1 : input.shape[axis]
        let wanted = position(n)
        let needsGrad = Autograd.needsGrad(input)
        let (values, indices) = ReductionGrad.untracked(needsGrad) { () -> (Tensor, Tensor) in
            // A 0-d tensor is its own order statistic: work on it as one element.
            let x = input.dim == 0 ? input.reshape([1]) : input
            var outShape = x.shape
            outShape[axis] = 1
            if x.count == 0 {
                var resultShape = x.shape
                if keepDim { resultShape[axis] = 1 } else { resultShape.remove(at: axis) }
                return (Tensor(empty: resultShape, dtype: input.dtype), Tensor(empty: resultShape, dtype: .int64))
            }
            let (sorted, order) = Sorting.sortForward(x, dim: axis, descending: false, k: nil, op: op)
            let positions: Tensor
            switch wanted {
            case .fixed(let k):
                positions = Tensor.full(outShape, .int(Int64(k)), dtype: .int64)
            case .median:
                let middle = Tensor.full(outShape, .int(Int64((n - 1) / 2)), dtype: .int64)
                if sorted.dtype.isFloatingPoint {
                    let nanCount = sorted.isnan().sum(dim: axis, keepDim: true)
                    positions = Tensor.where(nanCount.gt(0), Scalar.int(Int64(n)) - nanCount, middle)
                } else {
                    positions = middle
                }
            }
            var values = sorted.gather(axis, positions), indices = order.gather(axis, positions)
            if input.dim == 0 {
                values = values.reshape([])
                indices = indices.reshape([])
            } else if !keepDim {
                values = values.squeeze(dim: axis)
                indices = indices.squeeze(dim: axis)
            }
            return (values, indices)
        }
        guard needsGrad else { return (values, indices) }
        return (
            Sorting.recordSelection(node, input: input, values: values, indices: indices, dim: axis, keepDim: keepDim, op: op),
            indices
        )
    }
}
