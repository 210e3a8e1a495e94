/// `where` and `masked_fill`: selection by a bool condition.

extension Tensor {
    /// `torch.where(condition, a, b)`: `a` where `condition` is true, else `b`, broadcasting
    /// all three; the result dtype is the promotion of `a` and `b`.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        select(condition, .tensor(a), .tensor(b))
    }
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Scalar) -> Tensor {
        select(condition, .tensor(a), .scalar(b))
    }
    public static func `where`(_ condition: Tensor, _ a: Scalar, _ b: Tensor) -> Tensor {
        select(condition, .scalar(a), .tensor(b))
    }
    public static func `where`(_ condition: Tensor, _ a: Scalar, _ b: Scalar) -> Tensor {
        select(condition, .scalar(a), .scalar(b))
    }

    /// `tensor.masked_fill(mask, value)`: `value` where `mask` is true. The mask is bool and
    /// broadcasts with `self`; the value is cast to `self`'s dtype.
    public func maskedFill(_ mask: Tensor, _ value: Scalar) -> Tensor {
        checkMask(mask, op: "masked_fill")
        let shape = Shape.broadcast(self.shape, mask.shape, op: "masked_fill")
        return expand(shape).clone().maskedFill_(mask, value)
    }

    /// `masked_fill` with a 0-dim tensor value.
    public func maskedFill(_ mask: Tensor, _ value: Tensor) -> Tensor {
        precondition(value.dim == 0, "masked_fill: only supports a 0-dimensional value tensor, but got tensor with \(value.dim) dimension(s).")
        return maskedFill(mask, value.itemScalar())
    }

    /// In-place `masked_fill_`: the mask must broadcast to `self`'s shape.
    @discardableResult public func maskedFill_(_ mask: Tensor, _ value: Scalar) -> Tensor {
        checkMask(mask, op: "masked_fill_")
        precondition(
            Shape.broadcast(shape, mask.shape, op: "masked_fill_") == shape,
            "masked_fill_: mask of shape \(mask.shape) cannot be broadcast to the tensor's shape \(shape)")
        let fill = Tensor(scalar: value, dtype: dtype)
        let safeMask = mask.overlapSafe(with: self)
        dtype.visit(MaskedFillKernel(target: self, mask: safeMask, fill: fill))
        storage.bumpVersion()
        return self
    }

    @discardableResult public func maskedFill_(_ mask: Tensor, _ value: Tensor) -> Tensor {
        precondition(value.dim == 0, "masked_fill_: only supports a 0-dimensional value tensor, but got tensor with \(value.dim) dimension(s).")
        return maskedFill_(mask, value.itemScalar())
    }

    private func checkMask(_ mask: Tensor, op: String) {
        precondition(mask.dtype == .bool, "\(op): only supports boolean masks, but got mask with dtype \(mask.dtype)")
    }

    private static func select(_ condition: Tensor, _ a: Operand, _ b: Operand) -> Tensor {
        precondition(condition.dtype == .bool, "where: expected condition to be a boolean tensor, but got a tensor with dtype \(condition.dtype)")
        let dtype = ElementwiseDispatch.resultType([a, b])
        let shape = Shape.broadcast(Shape.broadcast(condition.shape, a.shape, op: "where"), b.shape, op: "where")
        let x = a.materialize(dtype), y = b.materialize(dtype)
        let result = Elementwise.makeOutput(shape: shape, dtype: dtype, like: [x, y, condition])
        dtype.visit(WhereKernel(condition: condition, x: x, y: y, result: result))
        return result
    }
}

/// Selection copies elements bit for bit, so every dtype (half types included) runs as is.
private struct WhereKernel: DTypeVisitor {
    let condition: Tensor, x: Tensor, y: Tensor, result: Tensor
    func visit<T: TensorElement>(_: T.Type) {
        Elementwise.map(condition, x, y, into: result) { (c: Bool, a: T, b: T) in c ? a : b }
    }
}

private struct MaskedFillKernel: DTypeVisitor {
    let target: Tensor, mask: Tensor, fill: Tensor
    func visit<T: TensorElement>(_: T.Type) {
        let value = fill.pointer(as: T.self).pointee
        Elementwise.map(target, mask, into: target) { (a: T, m: Bool) in m ? value : a }
    }
}
