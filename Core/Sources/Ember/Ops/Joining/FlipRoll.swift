/// `flip` and `roll`: copies with the elements of some dimensions reordered.
extension Tensor {
    /// `torch.flip(tensor, dims)`: a copy with the order of elements reversed along `dims`.
    public func flip(_ dims: [Int]) -> Tensor {
        let axes = dims.map { Shape.normalize($0, rank: dim, op: "flip") }
        for (i, a) in axes.enumerated() where axes[..<i].contains(a) {
            preconditionFailure("flip: dim \(a) appears multiple times in the list of dims \(dims)")
        }
        // A view that walks the flipped dims backwards (negative strides), copied out.
        var newStrides = strides
        var offset = storageOffset
        for a in axes where shape[a] > 0 {
            offset += (shape[a] - 1) * strides[a]
            newStrides[a] = -strides[a]
        }
        let out = Tensor(empty: shape, dtype: dtype)
        if count > 0 { copyCast(from: withLayout(shape, newStrides, offset: offset), into: out) }
        guard Autograd.needsGrad(self) else { return out }
        // Backward (`FlipBackward0`): the gradient flipped back.
        return Autograd.record("FlipBackward0", inputs: [self], output: out) { grad, _ in [grad.flip(axes)] }
    }

    /// `tensor.flip(d0, d1, ...)`.
    public func flip(_ dims: Int...) -> Tensor { flip(dims) }

    /// `torch.roll(tensor, shifts, dims)`: elements shifted along each dim, wrapping around;
    /// with no dims, the flattened tensor is rolled and the shape restored.
    ///
    /// Backward (`RollBackward0`): the gradient rolled back by the opposite shifts.
    public func roll(_ shifts: [Int], dims: [Int] = []) -> Tensor {
        guard Autograd.needsGrad(self) else { return rawRoll(shifts, dims: dims) }
        let out = withNoGrad { rawRoll(shifts, dims: dims) }
        return Autograd.record("RollBackward0", inputs: [self], output: out) { grad, _ in
            [grad.roll(shifts.map { -$0 }, dims: dims)]
        }
    }

    private func rawRoll(_ shifts: [Int], dims: [Int]) -> Tensor {
        if dims.isEmpty {
            precondition(shifts.count == 1, "roll: shifts and dimensions must align. shifts: \(shifts.count), dims: 0")
            return flatten().roll(shifts, dims: [0]).view(shape)
        }
        precondition(
            shifts.count == dims.count,
            "roll: shifts and dimensions must align. shifts: \(shifts.count), dims: \(dims.count)")
        var result = self
        for (shift, d) in zip(shifts, dims) {
            result = result.rolled(shift, axis: Shape.normalize(d, rank: dim, op: "roll"))
        }
        return result.isSameTensor(self) ? clone() : result
    }

    /// `torch.roll(tensor, shift, dim)` with one shift; no dim rolls the flattened tensor.
    public func roll(_ shift: Int, dim: Int? = nil) -> Tensor { roll([shift], dims: dim.map { [$0] } ?? []) }

    private func rolled(_ shift: Int, axis: Int) -> Tensor {
        let size = shape[axis]
        if size == 0 || count == 0 { return self }
        let s = ((shift % size) + size) % size
        if s == 0 { return self }
        let out = Tensor(empty: shape, dtype: dtype)
        copyCast(from: narrow(axis, start: 0, length: size - s), into: out.narrow(axis, start: s, length: size - s))
        copyCast(from: narrow(axis, start: size - s, length: s), into: out.narrow(axis, start: 0, length: s))
        return out
    }
}
