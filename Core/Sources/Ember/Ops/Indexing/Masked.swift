/// Selecting by a boolean mask: `masked_select` and `nonzero`.
extension Tensor {
    /// `torch.nonzero(tensor)`: the int64 coordinates of the non-zero elements, one row each,
    /// in row-major order (shape `[n, dim]`).
    public func nonzero() -> Tensor {
        let (count, coordinates) = nonzeroCoordinates()
        return Tensor(coordinates, shape: [count, dim])
    }

    /// `torch.nonzero(tensor, as_tuple=True)`: one 1-D int64 tensor of positions per dimension
    /// (a 0-dim tensor counts as 1-D, as in PyTorch).
    public func nonzero(asTuple: Bool) -> [Tensor] {
        if !asTuple { return [nonzero()] }
        let (count, coordinates) = nonzeroCoordinates()
        let rank = Swift.max(dim, 1)
        if dim == 0 { return [Tensor([Int64](repeating: 0, count: count), shape: [count])] }
        return (0..<rank).map { d in
            Tensor((0..<count).map { coordinates[$0 * rank + d] }, shape: [count])
        }
    }

    private func nonzeroCoordinates() -> (Int, [Int64]) {
        let flags = to(.bool).contiguous()
        let p = flags.pointer(as: Bool.self)
        let n = self.count
        var total = 0
        for i in 0..<n where p[i] { total += 1 }
        var result = [Int64](repeating: 0, count: total * dim)
        if total == 0 || dim == 0 { return (total, result) }
        var index = [Int](repeating: 0, count: dim)
        var row = 0
        result.withUnsafeMutableBufferPointer { out in
            for i in 0..<n {
                if p[i] {
                    for d in 0..<dim { out[row * dim + d] = Int64(index[d]) }
                    row += 1
                }
                var d = dim - 1
                while d >= 0 {
                    index[d] += 1
                    if index[d] < shape[d] { break }
                    index[d] = 0
                    d -= 1
                }
            }
        }
        return (total, result)
    }

    /// `torch.masked_select(tensor, mask)`: the elements where the boolean `mask` (broadcast with
    /// the tensor) is true, as a 1-D tensor.
    /// Backward (`MaskedSelectBackward0`): the gradient written back at the mask's positions
    /// (and summed over the dims the tensor was broadcast along).
    public func maskedSelect(_ mask: Tensor) -> Tensor {
        guard Autograd.needsGrad(self) else { return rawMaskedSelect(mask) }
        let out = withNoGrad { rawMaskedSelect(mask) }
        let shape = Shape.broadcast(self.shape, mask.shape, op: "masked_select")
        return Autograd.record("MaskedSelectBackward0", inputs: [self], output: out, saving: [mask]) { grad, saved in
            [Tensor.zeros(shape, dtype: grad.dtype).indexPut([.tensor(saved[0].expand(shape))], grad, accumulate: true)]
        }
    }

    func rawMaskedSelect(_ mask: Tensor) -> Tensor {
        precondition(mask.dtype == .bool, "masked_select: expected BoolTensor for mask, got \(mask.dtype)")
        let shape = Shape.broadcast(self.shape, mask.shape, op: "masked_select")
        let flags = mask.expand(shape).contiguous()
        let values = expand(shape).contiguous()
        let f = flags.pointer(as: Bool.self)
        var total = 0
        for i in 0..<values.count where f[i] { total += 1 }
        let out = Tensor(empty: [total], dtype: dtype)
        dtype.visitWidth(CompactKernel(values: values, flags: flags, out: out))
        return out
    }
}

private struct CompactKernel: ElementWidthVisitor {
    let values: Tensor, flags: Tensor, out: Tensor
    func visit<W: FixedWidthInteger & UnsignedInteger>(_: W.Type) {
        let v = values.dataPointer.assumingMemoryBound(to: W.self)
        let o = out.dataPointer.assumingMemoryBound(to: W.self)
        let f = flags.pointer(as: Bool.self)
        var j = 0
        for i in 0..<values.count where f[i] {
            o[j] = v[i]
            j += 1
        }
    }
}
