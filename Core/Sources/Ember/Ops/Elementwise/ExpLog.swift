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
    public func exp() -> Tensor { ElementwiseDispatch.unary(self, ExpOp(), fast: ember_exp_f32) }
    /// `torch.exp2`: 2^x.
    public func exp2() -> Tensor { ElementwiseDispatch.unary(self, Exp2Op()) }
    /// `torch.expm1`: e^x - 1, accurate near 0.
    public func expm1() -> Tensor { ElementwiseDispatch.unary(self, Expm1Op()) }
    /// `torch.log` (natural logarithm).
    public func log() -> Tensor { ElementwiseDispatch.unary(self, LogOp()) }
    /// `torch.log2`.
    public func log2() -> Tensor { ElementwiseDispatch.unary(self, Log2Op()) }
    /// `torch.log10`.
    public func log10() -> Tensor { ElementwiseDispatch.unary(self, Log10Op()) }
    /// `torch.log1p`: log(1 + x), accurate near 0.
    public func log1p() -> Tensor { ElementwiseDispatch.unary(self, Log1pOp()) }

    @discardableResult public func exp_() -> Tensor { ElementwiseDispatch.unary(self, ExpOp(), out: self, fast: ember_exp_f32) }
    @discardableResult public func exp2_() -> Tensor { ElementwiseDispatch.unary(self, Exp2Op(), out: self) }
    @discardableResult public func expm1_() -> Tensor { ElementwiseDispatch.unary(self, Expm1Op(), out: self) }
    @discardableResult public func log_() -> Tensor { ElementwiseDispatch.unary(self, LogOp(), out: self) }
    @discardableResult public func log2_() -> Tensor { ElementwiseDispatch.unary(self, Log2Op(), out: self) }
    @discardableResult public func log10_() -> Tensor { ElementwiseDispatch.unary(self, Log10Op(), out: self) }
    @discardableResult public func log1p_() -> Tensor { ElementwiseDispatch.unary(self, Log1pOp(), out: self) }
}
