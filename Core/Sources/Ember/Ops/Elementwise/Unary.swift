import RealModule

/// Sign-like and root unary ops: neg, reciprocal, abs, sign, sqrt, rsqrt.

struct NegOp: UnaryOp {
    var name: String { "neg" }
    var integersPromoteToFloat: Bool { false }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { -x }
    @inline(__always) func apply<T: IntegerElement>(_ x: T) -> T { 0 &- x }
}

struct ReciprocalOp: UnaryOp {
    var name: String { "reciprocal" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { 1 / x }
}

struct AbsOp: UnaryOp {
    var name: String { "abs" }
    var integersPromoteToFloat: Bool { false }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { x.magnitude }
    // Wraps like C: abs(Int8.min) == Int8.min, as in PyTorch.
    @inline(__always) func apply<T: IntegerElement>(_ x: T) -> T { x < 0 ? 0 &- x : x }
    @inline(__always) func applyBool(_ x: Bool) -> Bool? { x }
}

struct SignOp: UnaryOp {
    var name: String { "sign" }
    var integersPromoteToFloat: Bool { false }
    // (0 < x) - (x < 0): NaN gives 0, as PyTorch's kernel does.
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { (x > 0 ? 1 : 0) - (x < 0 ? 1 : 0) }
    @inline(__always) func apply<T: IntegerElement>(_ x: T) -> T { (x > 0 ? 1 : 0) &- (x < 0 ? 1 : 0) }
    @inline(__always) func applyBool(_ x: Bool) -> Bool? { x }
}

struct SqrtOp: UnaryOp {
    var name: String { "sqrt" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { x.squareRoot() }
}

struct RsqrtOp: UnaryOp {
    var name: String { "rsqrt" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { 1 / x.squareRoot() }
}

extension Tensor {
    /// `torch.neg` (`-tensor`). Integers wrap; bool tensors are rejected as in PyTorch.
    public func neg() -> Tensor {
        checkNotBool("neg", "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        return unaryOp("NegBackward0", saving: .nothing, { ElementwiseDispatch.unary(self, NegOp()) }) { grad, _ in grad.neg() }
    }
    /// `torch.reciprocal`: 1 / x; integer inputs give float32.
    public func reciprocal() -> Tensor {
        unaryOp("ReciprocalBackward0", saving: .output, { ElementwiseDispatch.unary(self, ReciprocalOp()) }) { grad, y in
            grad.neg().mul(y.mul(y))
        }
    }
    /// `torch.abs`; keeps integer dtypes (and wraps on the most negative value, like C).
    public func abs() -> Tensor {
        if dtype.isComplex { return complexAbs() }
        return unaryOp("AbsBackward0", saving: .input, { ElementwiseDispatch.unary(self, AbsOp()) }) { grad, x in grad.mul(x.sign()) }
    }
    /// `torch.sign`: -1, 0 or 1 in the input's dtype (NaN gives 0). Its gradient is zero.
    public func sign() -> Tensor { zeroGradOp("SignBackward0") { ElementwiseDispatch.unary(self, SignOp()) } }
    /// `torch.sqrt`.
    public func sqrt() -> Tensor {
        unaryOp("SqrtBackward0", saving: .output, { ElementwiseDispatch.unary(self, SqrtOp()) }) { grad, y in grad.div(y.mul(2)) }
    }
    /// `torch.rsqrt`: 1 / sqrt(x).
    public func rsqrt() -> Tensor {
        unaryOp("RsqrtBackward0", saving: .output, { ElementwiseDispatch.unary(self, RsqrtOp()) }) { grad, y in
            grad.mul(-0.5).mul(y.pow(3))
        }
    }

    @discardableResult public func neg_() -> Tensor {
        checkNotBool("neg_", "Negation, the `-` operator, on a bool tensor is not supported.")
        return inPlaceOp("neg_", raw: { _ = ElementwiseDispatch.unary(self, NegOp(), out: self) }) { $0.neg() }
    }
    @discardableResult public func reciprocal_() -> Tensor {
        inPlaceOp("reciprocal_", raw: { _ = ElementwiseDispatch.unary(self, ReciprocalOp(), out: self) }) { $0.reciprocal() }
    }
    @discardableResult public func abs_() -> Tensor {
        inPlaceOp("abs_", raw: { _ = ElementwiseDispatch.unary(self, AbsOp(), out: self) }) { $0.abs() }
    }
    @discardableResult public func sign_() -> Tensor {
        inPlaceOp("sign_", raw: { _ = ElementwiseDispatch.unary(self, SignOp(), out: self) }) { $0.sign() }
    }
    @discardableResult public func sqrt_() -> Tensor {
        inPlaceOp("sqrt_", raw: { _ = ElementwiseDispatch.unary(self, SqrtOp(), out: self) }) { $0.sqrt() }
    }
    @discardableResult public func rsqrt_() -> Tensor {
        inPlaceOp("rsqrt_", raw: { _ = ElementwiseDispatch.unary(self, RsqrtOp(), out: self) }) { $0.rsqrt() }
    }

    func checkNotBool(_ op: String, _ message: String) {
        precondition(dtype != .bool, "\(op): \(message)")
    }
}
