/// `where` and `masked_fill`: selection by a bool condition.

extension Tensor {
    /// `torch.where(condition, a, b)`: `a` where `condition` is true, else `b`, broadcasting
    /// all three; the result dtype is the promotion of `a` and `b`. Each of `a` and `b` gets
    /// the gradient where it was chosen and zero elsewhere.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        guard ElementwiseAutograd.needed(a, b) else { return select(condition, .tensor(a), .tensor(b)) }
        let out = withNoGrad { select(condition, .tensor(a), .tensor(b)) }
        return recordWhere(condition, a, b, out)
    }
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Scalar) -> Tensor {
        guard ElementwiseAutograd.needed(a) else { return select(condition, .tensor(a), .scalar(b)) }
        let out = withNoGrad { select(condition, .tensor(a), .scalar(b)) }
        return recordWhere(condition, a, nil, out)
    }
    public static func `where`(_ condition: Tensor, _ a: Scalar, _ b: Tensor) -> Tensor {
        guard ElementwiseAutograd.needed(b) else { return select(condition, .scalar(a), .tensor(b)) }
        let out = withNoGrad { select(condition, .scalar(a), .tensor(b)) }
        return recordWhere(condition, nil, b, out)
    }
    public static func `where`(_ condition: Tensor, _ a: Scalar, _ b: Scalar) -> Tensor {
        select(condition, .scalar(a), .scalar(b))
    }

    /// `tensor.masked_fill(mask, value)`: `value` where `mask` is true. The mask is bool and
    /// broadcasts with `self`; the value is cast to `self`'s dtype. The gradient is zero
    /// where the mask is true.
    public func maskedFill(_ mask: Tensor, _ value: Scalar) -> Tensor {
        checkMask(mask, op: "masked_fill")
        guard ElementwiseAutograd.needed(self) else { return filledCopy(mask, value) }
        let out = withNoGrad { filledCopy(mask, value) }
        return Autograd.record("MaskedFillBackward0", inputs: [self], output: out, saving: [mask]) { grad, saved in
            [grad.maskedFill(saved[0], 0)]
        }
    }

    /// `masked_fill` with a 0-dim tensor value, which receives the sum of the gradient where
    /// the mask is true.
    public func maskedFill(_ mask: Tensor, _ value: Tensor) -> Tensor {
        precondition(value.dim == 0, "masked_fill: only supports a 0-dimensional value tensor, but got tensor with \(value.dim) dimension(s).")
        checkMask(mask, op: "masked_fill")
        guard ElementwiseAutograd.needed(self, value) else { return filledCopy(mask, value.itemScalar()) }
        let out = withNoGrad { filledCopy(mask, value.itemScalar()) }
        let (da, dv) = (impl.requiresGrad, value.impl.requiresGrad)
        return Autograd.record("MaskedFillBackward1", inputs: [self, value], output: out, saving: [mask]) { grad, saved in
            [da ? grad.maskedFill(saved[0], 0) : nil, dv ? Tensor.where(saved[0], grad, 0).sum() : nil]
        }
    }

    /// In-place `masked_fill_`: the mask must broadcast to `self`'s shape.
    @discardableResult public func maskedFill_(_ mask: Tensor, _ value: Scalar) -> Tensor {
        checkMaskInPlace(mask)
        return inPlaceOp("masked_fill_", raw: { fillMasked(mask, value) }) { $0.maskedFill(mask, value) }
    }

    @discardableResult public func maskedFill_(_ mask: Tensor, _ value: Tensor) -> Tensor {
        precondition(value.dim == 0, "masked_fill_: only supports a 0-dimensional value tensor, but got tensor with \(value.dim) dimension(s).")
        checkMaskInPlace(mask)
        return inPlaceOp("masked_fill_", value, raw: { fillMasked(mask, value.itemScalar()) }) { $0.maskedFill(mask, value) }
    }

    private func checkMask(_ mask: Tensor, op: String) {
        precondition(mask.dtype == .bool, "\(op): only supports boolean masks, but got mask with dtype \(mask.dtype)")
    }

    private func checkMaskInPlace(_ mask: Tensor) {
        checkMask(mask, op: "masked_fill_")
        precondition(
            Shape.broadcast(shape, mask.shape, op: "masked_fill_") == shape,
            "masked_fill_: mask of shape \(mask.shape) cannot be broadcast to the tensor's shape \(shape)")
    }

    /// A copy of `self` in the broadcast shape with `value` written where `mask` is true.
    private func filledCopy(_ mask: Tensor, _ value: Scalar) -> Tensor {
        let shape = Shape.broadcast(self.shape, mask.shape, op: "masked_fill")
        let out = expand(shape).clone()
        out.fillMasked(mask, value)
        return out
    }

    /// The masked write itself, without autograd.
    private func fillMasked(_ mask: Tensor, _ value: Scalar) {
        UnsignedSupport.reject(self, "masked_fill")
        let fill = Tensor(scalar: value, dtype: dtype)
        let safeMask = mask.overlapSafe(with: self)
        dtype.visit(MaskedFillKernel(target: self, mask: safeMask, fill: fill))
        storage.bumpVersion()
    }

    private static func select(_ condition: Tensor, _ a: Operand, _ b: Operand) -> Tensor {
        precondition(condition.dtype == .bool, "where: expected condition to be a boolean tensor, but got a tensor with dtype \(condition.dtype)")
        let dtype = ElementwiseDispatch.resultType([a, b])
        precondition(!dtype.isBarebonesUnsigned, UnsignedSupport.unsupported("where", dtype))
        let shape = Shape.broadcast(Shape.broadcast(condition.shape, a.shape, op: "where"), b.shape, op: "where")
        let x = a.materialize(dtype), y = b.materialize(dtype)
        let result = Elementwise.makeOutput(shape: shape, dtype: dtype, like: [x, y, condition])
        dtype.visit(WhereKernel(condition: condition, x: x, y: y, result: result))
        return result
    }

    /// `WhereBackward0`: the gradient where each side was chosen; nil sides are scalars.
    private static func recordWhere(_ condition: Tensor, _ a: Tensor?, _ b: Tensor?, _ out: Tensor) -> Tensor {
        let inputs = [a, b].compactMap { $0 }
        let wants = (a?.impl.requiresGrad ?? false, b?.impl.requiresGrad ?? false)
        let (hasA, hasB) = (a != nil, b != nil)
        return Autograd.record("WhereBackward0", inputs: inputs, output: out, saving: [condition]) { grad, saved in
            var grads: [Tensor?] = []
            if hasA { grads.append(wants.0 ? Tensor.where(saved[0], grad, 0) : nil) }
            if hasB { grads.append(wants.1 ? Tensor.where(saved[0], 0, grad) : nil) }
            return grads
        }
    }
}

/// Selection copies elements bit for bit, so every dtype (half types included) runs as is.
private struct WhereKernel: DTypeVisitor {
    static var handlesComplex: Bool { true }
    let condition: Tensor, x: Tensor, y: Tensor, result: Tensor
    func visit<T: TensorElement>(_: T.Type) {
        Elementwise.map(condition, x, y, into: result) { (c: Bool, a: T, b: T) in c ? a : b }
    }
}

private struct MaskedFillKernel: DTypeVisitor {
    static var handlesComplex: Bool { true }
    let target: Tensor, mask: Tensor, fill: Tensor
    func visit<T: TensorElement>(_: T.Type) {
        let value = fill.pointer(as: T.self).pointee
        Elementwise.map(target, mask, into: target) { (a: T, m: Bool) in m ? value : a }
    }
}
