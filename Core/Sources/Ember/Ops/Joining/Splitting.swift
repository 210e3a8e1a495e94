/// `split`, `chunk` and `unbind`: views of consecutive pieces along a dimension (no copies).
extension Tensor {
    /// `torch.split(tensor, split_size, dim)`: pieces of `size` along `dim`; the last may be smaller.
    public func split(_ size: Int, dim: Int = 0) -> [Tensor] {
        precondition(self.dim > 0, "split(): expected a tensor with at least one dimension, got a 0-dim tensor")
        let axis = Shape.normalize(dim, rank: self.dim, op: "split")
        let length = shape[axis]
        precondition(size >= 0, "split(): split_size can only be 0 if dimension size is 0, but got split_size=\(size)")
        precondition(
            size > 0 || length == 0, "split(): split_size can only be 0 if dimension size is 0, but got dimension size of \(length)")
        let pieces = size == 0 ? 1 : Swift.max((length + size - 1) / size, 1)
        let sizes = (0..<pieces).map { Swift.min(size, length - $0 * size) }
        return splitViews(sizes, axis: axis, node: "SplitBackward0")
    }

    /// `torch.split(tensor, split_sizes, dim)` (`split_with_sizes`): pieces of the given sizes,
    /// which must add up to the dimension's size.
    public func split(sizes: [Int], dim: Int = 0) -> [Tensor] {
        precondition(self.dim > 0, "split_with_sizes(): expected a tensor with at least one dimension, got a 0-dim tensor")
        let axis = Shape.normalize(dim, rank: self.dim, op: "split_with_sizes")
        precondition(
            sizes.allSatisfy { $0 >= 0 } && sizes.reduce(0, +) == shape[axis],
            "split_with_sizes(): expects split_sizes to sum exactly to \(shape[axis]) (input tensor's size at dimension \(axis)), but got split_sizes=\(sizes)")
        return splitViews(sizes, axis: axis, node: "SplitWithSizesBackward0")
    }

    /// Consecutive views of `sizes` along `axis`, recorded as one multi-output node whose
    /// backward concatenates the pieces' gradients (zeros for pieces that got none).
    private func splitViews(_ sizes: [Int], axis: Int, node: String) -> [Tensor] {
        let needsGrad = Autograd.needsGrad(self)
        var start = 0
        let pieces = ReductionGrad.untracked(needsGrad) {
            sizes.map { size in
                defer { start += size }
                return narrow(axis, start: start, length: size)
            }
        }
        guard needsGrad else { return pieces }
        return Autograd.record(node, inputs: [self], outputs: pieces) { grads, _ in [Tensor.cat(grads, dim: axis)] }
    }

    /// `torch.chunk(tensor, chunks, dim)`: at most `chunks` pieces of equal size (the last may
    /// be smaller, and fewer pieces come back when the size does not allow `chunks`).
    public func chunk(_ chunks: Int, dim: Int = 0) -> [Tensor] {
        precondition(self.dim > 0, "chunk(): expects at least a 1-dimensional tensor")
        precondition(chunks > 0, "chunk(): chunk expects `chunks` to be greater than 0, got: \(chunks)")
        let axis = Shape.normalize(dim, rank: self.dim, op: "chunk")
        let length = shape[axis]
        let size = (length + chunks - 1) / chunks
        if size == 0 && length == 0 {
            // An empty dimension gives `chunks` empty pieces, as in PyTorch.
            return split(sizes: [Int](repeating: 0, count: chunks), dim: axis)
        }
        return split(size, dim: axis)
    }

    /// `torch.unbind(tensor, dim)`: every slice along `dim`, each without that dimension.
    public func unbind(_ dim: Int = 0) -> [Tensor] {
        precondition(self.dim > 0, "unbind(): dimension specified as \(dim) but tensor has no dimensions")
        let axis = Shape.normalize(dim, rank: self.dim, op: "unbind")
        // Backward (`UnbindBackward0`): the slices' gradients stacked.
        let needsGrad = Autograd.needsGrad(self)
        let slices = ReductionGrad.untracked(needsGrad) { (0..<shape[axis]).map { select(axis, $0) } }
        guard needsGrad, !slices.isEmpty else { return slices }
        return Autograd.record("UnbindBackward0", inputs: [self], outputs: slices) { grads, _ in [Tensor.stack(grads, dim: axis)] }
    }
}
