/// `repeat` and `tile`: copies of a tensor laid side by side.
extension Tensor {
    /// `tensor.repeat(repeats)`: the tensor copied `repeats[d]` times along each dim; extra
    /// leading entries add new dims.
    public func `repeat`(_ repeats: [Int]) -> Tensor {
        precondition(
            repeats.count >= dim,
            "repeat: Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor (repeats \(repeats), shape \(shape))")
        precondition(repeats.allSatisfy { $0 >= 0 }, "repeat: repeats can not be negative, got \(repeats)")
        let lead = repeats.count - dim
        let padded = [Int](repeating: 1, count: lead) + shape
        let paddedStrides = [Int](repeating: 0, count: lead) + strides
        let outShape = zip(padded, repeats).map { $0 * $1 }
        let out = Tensor(empty: outShape, dtype: dtype)
        // The output seen as [r0, s0, r1, s1, ...] and the input read with stride 0 on each r.
        var splitShape: [Int] = [], sourceStrides: [Int] = []
        for d in 0..<repeats.count {
            splitShape += [repeats[d], padded[d]]
            sourceStrides += [0, paddedStrides[d]]
        }
        if out.count > 0 {
            copyCast(
                from: withLayout(splitShape, sourceStrides),
                into: out.withLayout(splitShape, Shape.contiguousStrides(splitShape)))
        }
        guard Autograd.needsGrad(self) else { return out }
        // Backward (`RepeatBackward0`): the copies' gradients summed, read through the same
        // [r0, s0, r1, s1, ...] split of the output.
        let inputShape = shape
        let repeatDims = (0..<repeats.count).map { 2 * $0 }
        let anyZero = repeats.contains(0)
        return Autograd.record("RepeatBackward0", inputs: [self], output: out) { grad, _ in
            if anyZero { return [Tensor.zeros(inputShape, dtype: grad.dtype)] }
            return [grad.reshape(splitShape).sum(dims: repeatDims).reshape(inputShape)]
        }
    }

    /// `tensor.repeat(r0, r1, ...)`.
    public func `repeat`(_ repeats: Int...) -> Tensor { self.repeat(repeats) }

    /// `torch.tile(tensor, dims)`: like `repeat`, but `dims` shorter than the rank is padded
    /// with leading 1s.
    public func tile(_ dims: [Int]) -> Tensor {
        self.repeat([Int](repeating: 1, count: Swift.max(0, dim - dims.count)) + dims)
    }

    /// `torch.tile(tensor, (d0, d1, ...))`.
    public func tile(_ dims: Int...) -> Tensor { tile(dims) }
}
