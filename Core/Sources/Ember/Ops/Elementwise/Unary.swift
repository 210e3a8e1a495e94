import RealModule

/// Elementary unary functions. Integer inputs of float-valued functions give float32, as in PyTorch.

struct NegOp: UnaryOp {
    var name: String { "neg" }
    var integersPromoteToFloat: Bool { false }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { -x }
    @inline(__always) func apply<T: IntegerElement>(_ x: T) -> T { 0 &- x }
}

struct ExpOp: UnaryOp {
    var name: String { "exp" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { T.exp(x) }
}

struct LogOp: UnaryOp {
    var name: String { "log" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { T.log(x) }
}

struct SqrtOp: UnaryOp {
    var name: String { "sqrt" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { x.squareRoot() }
}

extension Tensor {
    /// `torch.neg` (`-tensor`).
    public func neg() -> Tensor {
        precondition(dtype != .bool, "neg: Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        return ElementwiseDispatch.unary(self, NegOp())
    }
    /// `torch.exp`.
    public func exp() -> Tensor { ElementwiseDispatch.unary(self, ExpOp()) }
    /// `torch.log` (natural logarithm).
    public func log() -> Tensor { ElementwiseDispatch.unary(self, LogOp()) }
    /// `torch.sqrt`.
    public func sqrt() -> Tensor { ElementwiseDispatch.unary(self, SqrtOp()) }

    @discardableResult public func neg_() -> Tensor { ElementwiseDispatch.unary(self, NegOp(), out: self) }
    @discardableResult public func exp_() -> Tensor { ElementwiseDispatch.unary(self, ExpOp(), out: self) }
    @discardableResult public func log_() -> Tensor { ElementwiseDispatch.unary(self, LogOp(), out: self) }
    @discardableResult public func sqrt_() -> Tensor { ElementwiseDispatch.unary(self, SqrtOp(), out: self) }
}
