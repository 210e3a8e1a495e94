/// logical_and/or/xor/not: any dtype in (non-zero, including NaN, is true), bool out.

extension Tensor {
    /// `torch.logical_and`.
    public func logicalAnd(_ other: Tensor) -> Tensor { logical(other, "logical_and") { $0 && $1 } }
    /// `torch.logical_or`.
    public func logicalOr(_ other: Tensor) -> Tensor { logical(other, "logical_or") { $0 || $1 } }
    /// `torch.logical_xor`.
    public func logicalXor(_ other: Tensor) -> Tensor { logical(other, "logical_xor") { $0 != $1 } }
    /// `torch.logical_not`.
    public func logicalNot() -> Tensor {
        let x = to(.bool)
        let result = Elementwise.makeOutput(shape: shape, dtype: .bool, like: [x])
        Elementwise.map(x, into: result) { (a: Bool) in !a }
        return result
    }

    @discardableResult public func logicalAnd_(_ other: Tensor) -> Tensor { copy_(logicalAnd(other)) }
    @discardableResult public func logicalOr_(_ other: Tensor) -> Tensor { copy_(logicalOr(other)) }
    @discardableResult public func logicalXor_(_ other: Tensor) -> Tensor { copy_(logicalXor(other)) }
    @discardableResult public func logicalNot_() -> Tensor { copy_(logicalNot()) }

    @inline(__always)
    private func logical(_ other: Tensor, _ name: String, _ f: (Bool, Bool) -> Bool) -> Tensor {
        let shape = Shape.broadcast(self.shape, other.shape, op: name)
        let x = to(.bool), y = other.to(.bool)
        let result = Elementwise.makeOutput(shape: shape, dtype: .bool, like: [x, y])
        Elementwise.map(x, y, into: result, f)
        return result
    }
}
