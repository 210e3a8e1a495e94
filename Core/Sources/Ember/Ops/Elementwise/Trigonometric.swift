import CEmberKernels
import RealModule

/// Trigonometric and hyperbolic functions, their inverses, and atan2. Integer and bool
/// inputs give float32.

struct SinOp: UnaryOp {
    var name: String { "sin" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { T.sin(x) }
}
struct CosOp: UnaryOp {
    var name: String { "cos" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { T.cos(x) }
}
struct TanOp: UnaryOp {
    var name: String { "tan" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { T.tan(x) }
}
struct AsinOp: UnaryOp {
    var name: String { "asin" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { T.asin(x) }
}
struct AcosOp: UnaryOp {
    var name: String { "acos" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { T.acos(x) }
}
struct AtanOp: UnaryOp {
    var name: String { "atan" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { T.atan(x) }
}
struct SinhOp: UnaryOp {
    var name: String { "sinh" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { T.sinh(x) }
}
struct CoshOp: UnaryOp {
    var name: String { "cosh" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { T.cosh(x) }
}
struct TanhOp: UnaryOp {
    var name: String { "tanh" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { T.tanh(x) }
}
struct AsinhOp: UnaryOp {
    var name: String { "asinh" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { T.asinh(x) }
}
struct AcoshOp: UnaryOp {
    var name: String { "acosh" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { T.acosh(x) }
}
struct AtanhOp: UnaryOp {
    var name: String { "atanh" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { T.atanh(x) }
}

struct Atan2Op: BinaryOp {
    var name: String { "atan2" }
    var integersPromoteToFloat: Bool { true }
    @inline(__always) func apply<T: FloatElement>(_ a: T, _ b: T) -> T { T.atan2(y: a, x: b) }
    @inline(__always) func apply<T: IntegerElement>(_ a: T, _ b: T) -> T { preconditionFailure("unreachable") }
}

extension Tensor {
    /// `torch.sin`.
    public func sin() -> Tensor { ElementwiseDispatch.unary(self, SinOp()) }
    /// `torch.cos`.
    public func cos() -> Tensor { ElementwiseDispatch.unary(self, CosOp()) }
    /// `torch.tan`.
    public func tan() -> Tensor { ElementwiseDispatch.unary(self, TanOp()) }
    /// `torch.asin` (NaN outside [-1, 1]).
    public func asin() -> Tensor { ElementwiseDispatch.unary(self, AsinOp()) }
    /// `torch.acos` (NaN outside [-1, 1]).
    public func acos() -> Tensor { ElementwiseDispatch.unary(self, AcosOp()) }
    /// `torch.atan`.
    public func atan() -> Tensor { ElementwiseDispatch.unary(self, AtanOp()) }
    /// `torch.sinh`.
    public func sinh() -> Tensor { ElementwiseDispatch.unary(self, SinhOp()) }
    /// `torch.cosh`.
    public func cosh() -> Tensor { ElementwiseDispatch.unary(self, CoshOp()) }
    /// `torch.tanh`. Contiguous float32 runs through a vectorised kernel (within 1 ulp).
    public func tanh() -> Tensor { ElementwiseDispatch.unary(self, TanhOp(), fast: ember_tanh_f32) }
    /// `torch.asinh`.
    public func asinh() -> Tensor { ElementwiseDispatch.unary(self, AsinhOp()) }
    /// `torch.acosh` (NaN below 1).
    public func acosh() -> Tensor { ElementwiseDispatch.unary(self, AcoshOp()) }
    /// `torch.atanh` (±inf at ±1, NaN outside [-1, 1]).
    public func atanh() -> Tensor { ElementwiseDispatch.unary(self, AtanhOp()) }
    /// `torch.atan2(self, other)`: the angle of the point (other, self), broadcasting.
    public func atan2(_ other: Tensor) -> Tensor { ElementwiseDispatch.binary(.tensor(self), .tensor(other), Atan2Op()) }

    @discardableResult public func sin_() -> Tensor { ElementwiseDispatch.unary(self, SinOp(), out: self) }
    @discardableResult public func cos_() -> Tensor { ElementwiseDispatch.unary(self, CosOp(), out: self) }
    @discardableResult public func tan_() -> Tensor { ElementwiseDispatch.unary(self, TanOp(), out: self) }
    @discardableResult public func asin_() -> Tensor { ElementwiseDispatch.unary(self, AsinOp(), out: self) }
    @discardableResult public func acos_() -> Tensor { ElementwiseDispatch.unary(self, AcosOp(), out: self) }
    @discardableResult public func atan_() -> Tensor { ElementwiseDispatch.unary(self, AtanOp(), out: self) }
    @discardableResult public func sinh_() -> Tensor { ElementwiseDispatch.unary(self, SinhOp(), out: self) }
    @discardableResult public func cosh_() -> Tensor { ElementwiseDispatch.unary(self, CoshOp(), out: self) }
    @discardableResult public func tanh_() -> Tensor { ElementwiseDispatch.unary(self, TanhOp(), out: self, fast: ember_tanh_f32) }
    @discardableResult public func asinh_() -> Tensor { ElementwiseDispatch.unary(self, AsinhOp(), out: self) }
    @discardableResult public func acosh_() -> Tensor { ElementwiseDispatch.unary(self, AcoshOp(), out: self) }
    @discardableResult public func atanh_() -> Tensor { ElementwiseDispatch.unary(self, AtanhOp(), out: self) }
    @discardableResult public func atan2_(_ other: Tensor) -> Tensor {
        ElementwiseDispatch.binary(.tensor(self), .tensor(other), Atan2Op(), out: self)
    }
}
