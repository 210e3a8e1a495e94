/// In-place comparisons: `eq_`, `ne_`, `lt_`, `le_`, `gt_`, `ge_`.
///
/// As in PyTorch, the comparison runs after type promotion between `self` and `other`, and
/// its bool result is written into `self` in `self`'s dtype (1 for true, 0 for false); `other`
/// must broadcast to `self`'s shape. With autograd the op records `EqBackward0`/`EqBackward1`
/// (and so on), whose gradient is zero.
extension Tensor {
    @discardableResult public func eq_(_ other: Tensor) -> Tensor { compareInPlace(.tensor(other), EqOp(), "Eq") }
    @discardableResult public func eq_(_ other: Scalar) -> Tensor { compareInPlace(.scalar(other), EqOp(), "Eq") }
    @discardableResult public func ne_(_ other: Tensor) -> Tensor { compareInPlace(.tensor(other), NeOp(), "Ne") }
    @discardableResult public func ne_(_ other: Scalar) -> Tensor { compareInPlace(.scalar(other), NeOp(), "Ne") }
    @discardableResult public func lt_(_ other: Tensor) -> Tensor { compareInPlace(.tensor(other), LtOp(), "Lt") }
    @discardableResult public func lt_(_ other: Scalar) -> Tensor { compareInPlace(.scalar(other), LtOp(), "Lt") }
    @discardableResult public func le_(_ other: Tensor) -> Tensor { compareInPlace(.tensor(other), LeOp(), "Le") }
    @discardableResult public func le_(_ other: Scalar) -> Tensor { compareInPlace(.scalar(other), LeOp(), "Le") }
    @discardableResult public func gt_(_ other: Tensor) -> Tensor { compareInPlace(.tensor(other), GtOp(), "Gt") }
    @discardableResult public func gt_(_ other: Scalar) -> Tensor { compareInPlace(.scalar(other), GtOp(), "Gt") }
    @discardableResult public func ge_(_ other: Tensor) -> Tensor { compareInPlace(.tensor(other), GeOp(), "Ge") }
    @discardableResult public func ge_(_ other: Scalar) -> Tensor { compareInPlace(.scalar(other), GeOp(), "Ge") }

    /// `node` is the backward's stem: PyTorch names the scalar overload's node `...Backward0`
    /// and the tensor overload's `...Backward1`.
    private func compareInPlace<Op: ComparisonOp>(_ other: Operand, _ op: Op, _ node: String) -> Tensor {
        let name = op.name + "_"
        let broadcast = Shape.broadcast(shape, other.shape, op: name)
        precondition(broadcast == shape, "\(name): output with shape \(shape) doesn't match the broadcast shape \(broadcast)")
        var otherTensor: Tensor?
        if case .tensor(let t) = other { otherTensor = t }
        let backward = node + (otherTensor == nil ? "Backward0" : "Backward1")
        return inPlaceOp(name, otherTensor, raw: {
            // The comparison writes a fresh bool tensor, so `other` may alias `self`.
            copyCast(from: ElementwiseDispatch.compare(.tensor(self), other, op), into: self)
            storage.bumpVersion()
        }) { old in
            old.zeroGradOp(backward) { ElementwiseDispatch.compare(.tensor(old), other, op).to(old.dtype) }
        }
    }
}
