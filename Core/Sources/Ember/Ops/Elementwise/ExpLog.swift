import CEmberKernels
import RealModule

/// Exponentials and logarithms. Integer and bool inputs give float32, as in PyTorch.

struct ExpOp: UnaryOp {
    var name: String { "exp" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { T.exp(x) }
}

struct Exp2Op: UnaryOp {
    var name: String { "exp2" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { T.exp2(x) }
}

struct Expm1Op: UnaryOp {
    var name: String { "expm1" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { T.expMinusOne(x) }
}

struct LogOp: UnaryOp {
    var name: String { "log" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { T.log(x) }
}

struct Log2Op: UnaryOp {
    var name: String { "log2" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { T.log2(x) }
}

struct Log10Op: UnaryOp {
    var name: String { "log10" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { T.log10(x) }
}

struct Log1pOp: UnaryOp {
    var name: String { "log1p" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { T.log(onePlus: x) }
}

extension Tensor {
    /// `torch.exp`. Contiguous float32 runs through a vectorised kernel (within 1 ulp).
    public func exp() -> Tensor {
        unaryOp("ExpBackward0", saving: .output, { ElementwiseDispatch.unary(self, ExpOp(), fast: ember_exp_f32) }) { grad, y in
            grad.mul(y.conj())
        }
    }
    /// `torch.exp2`: 2^x.
    public func exp2() -> Tensor {
        unaryOp("Exp2Backward0", saving: .output, { ElementwiseDispatch.unary(self, Exp2Op()) }) { grad, y in
            grad.mul(y).mul(0.6931471805599453)
        }
    }
    /// `torch.expm1`: e^x - 1, accurate near 0.
    public func expm1() -> Tensor {
        unaryOp("Expm1Backward0", saving: .output, { ElementwiseDispatch.unary(self, Expm1Op()) }) { grad, y in
            grad.mul(y.add(1))
        }
    }
    /// `torch.log` (natural logarithm).
    public func log() -> Tensor {
        unaryOp("LogBackward0", saving: .input, { ElementwiseDispatch.unary(self, LogOp()) }) { grad, x in grad.div(x) }
    }
    /// `torch.log2`.
    public func log2() -> Tensor {
        unaryOp("Log2Backward0", saving: .input, { ElementwiseDispatch.unary(self, Log2Op()) }) { grad, x in
            grad.div(x.mul(0.6931471805599453))
        }
    }
    /// `torch.log10`.
    public func log10() -> Tensor {
        unaryOp("Log10Backward0", saving: .input, { ElementwiseDispatch.unary(self, Log10Op()) }) { grad, x in
            grad.div(x.mul(2.3025850929940456))
        }
    }
    /// `torch.log1p`: log(1 + x), accurate near 0.
    public func log1p() -> Tensor {
        unaryOp("Log1PBackward0", saving: .input, { ElementwiseDispatch.unary(self, Log1pOp()) }) { grad, x in
            grad.div(x.add(1))
        }
    }

    @discardableResult public func exp_() -> Tensor {
        inPlaceOp("exp_", raw: { _ = ElementwiseDispatch.unary(self, ExpOp(), out: self, fast: ember_exp_f32) }) { $0.exp() }
    }
    @discardableResult public func exp2_() -> Tensor {
        inPlaceOp("exp2_", raw: { _ = ElementwiseDispatch.unary(self, Exp2Op(), out: self) }) { $0.exp2() }
    }
    @discardableResult public func expm1_() -> Tensor {
        inPlaceOp("expm1_", raw: { _ = ElementwiseDispatch.unary(self, Expm1Op(), out: self) }) { $0.expm1() }
    }
    @discardableResult public func log_() -> Tensor {
        inPlaceOp("log_", raw: { _ = ElementwiseDispatch.unary(self, LogOp(), out: self) }) { $0.log() }
    }
    @discardableResult public func log2_() -> Tensor {
        inPlaceOp("log2_", raw: { _ = ElementwiseDispatch.unary(self, Log2Op(), out: self) }) { $0.log2() }
    }
    @discardableResult public func log10_() -> Tensor {
        inPlaceOp("log10_", raw: { _ = ElementwiseDispatch.unary(self, Log10Op(), out: self) }) { $0.log10() }
    }
    @discardableResult public func log1p_() -> Tensor {
        inPlaceOp("log1p_", raw: { _ = ElementwiseDispatch.unary(self, Log1pOp(), out: self) }) { $0.log1p() }
    }
}
