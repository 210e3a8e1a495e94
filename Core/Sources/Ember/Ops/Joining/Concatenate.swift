/// `cat` and `stack`: joining tensors along a dimension.
extension Tensor {
    /// `torch.cat(tensors, dim)`: joins tensors along an existing dimension. The result dtype
    /// is the promotion of all inputs; 1-D empty tensors (shape `[0]`) are skipped whatever
    /// the others' shapes, PyTorch's legacy rule.
    ///
    /// Backward (`CatBackward0`): each input receives its slice of the gradient.
    public static func cat(_ tensors: [Tensor], dim: Int = 0) -> Tensor {
        guard Autograd.needsGrad(tensors) else { return rawCat(tensors, dim: dim) }
        let out = withNoGrad { rawCat(tensors, dim: dim) }
        let skipped = tensors.map { $0.dim == 1 && $0.shape[0] == 0 }
        guard let reference = tensors.indices.first(where: { !skipped[$0] }) else { return out }
        let axis = Shape.normalize(dim, rank: tensors[reference].dim, op: "cat")
        var starts: [Int] = [], offset = 0
        for (t, skip) in zip(tensors, skipped) {
            starts.append(offset)
            if !skip { offset += t.shape[axis] }
        }
        let lengths = zip(tensors, skipped).map { $1 ? 0 : $0.shape[axis] }
        return Autograd.record("CatBackward0", inputs: tensors, output: out) { grad, _ in
            (0..<starts.count).map { i in skipped[i] ? nil : grad.narrow(axis, start: starts[i], length: lengths[i]) }
        }
    }

    static func rawCat(_ tensors: [Tensor], dim: Int) -> Tensor {
        precondition(!tensors.isEmpty, "cat(): expected a non-empty list of Tensors")
        for (i, t) in tensors.enumerated() {
            precondition(t.dim > 0, "cat(): zero-dimensional tensor (at position \(i)) cannot be concatenated")
        }
        let dtype = tensors.dropFirst().reduce(tensors[0].dtype) { DType.promote($0, $1.dtype) }
        let parts = tensors.enumerated().filter { !($0.element.dim == 1 && $0.element.shape[0] == 0) }
        guard let (_, reference) = parts.first else { return Tensor(empty: [0], dtype: dtype) }
        let axis = Shape.normalize(dim, rank: reference.dim, op: "cat")
        var total = 0
        for (i, t) in parts {
            precondition(
                t.dim == reference.dim,
                "cat(): Tensors must have same number of dimensions: got \(reference.dim) and \(t.dim) (shapes \(reference.shape) and \(t.shape))")
            for d in 0..<t.dim where d != axis && t.shape[d] != reference.shape[d] {
                preconditionFailure(
                    "cat(): Sizes of tensors must match except in dimension \(axis). Expected size \(reference.shape[d]) but got size \(t.shape[d]) for tensor number \(i) in the list (shapes \(tensors.map(\.shape)))")
            }
            total += t.shape[axis]
        }
        var shape = reference.shape
        shape[axis] = total
        let out = Tensor(empty: shape, dtype: dtype)
        var offset = 0
        for (_, t) in parts {
            let length = t.shape[axis]
            if length > 0 && t.count > 0 {
                let destination = out.narrow(axis, start: offset, length: length)
                if t.dtype == dtype && t.isContiguous && destination.isContiguous {
                    parallelCopyBytes(destination.dataPointer, t.dataPointer, count: t.count * dtype.itemSize)
                } else {
                    copyCast(from: t, into: destination)
                }
            }
            offset += length
        }
        return out
    }

    /// `torch.stack(tensors, dim)`: joins equally shaped tensors along a new dimension.
    /// Backward (`StackBackward0`): each input receives its slice of the gradient.
    public static func stack(_ tensors: [Tensor], dim: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "stack(): expects a non-empty TensorList")
        let first = tensors[0].shape
        for (i, t) in tensors.enumerated() where t.shape != first {
            preconditionFailure("stack(): stack expects each tensor to be equal size, but got \(first) at entry 0 and \(t.shape) at entry \(i)")
        }
        let axis = Shape.normalize(dim, rank: first.count + 1, op: "stack")
        let needsGrad = Autograd.needsGrad(tensors)
        let out = ReductionGrad.untracked(needsGrad) { rawCat(tensors.map { $0.unsqueeze(axis) }, dim: axis) }
        guard needsGrad else { return out }
        let count = tensors.count
        return Autograd.record("StackBackward0", inputs: tensors, output: out) { grad, _ in
            (0..<count).map { grad.select(axis, $0) }
        }
    }
}
