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
    public func sin() -> Tensor {
        unaryOp("SinBackward0", saving: .input, { ElementwiseDispatch.unary(self, SinOp()) }) { grad, x in
            grad.mul(x.cos())
        }
    }
    /// `torch.cos`.
    public func cos() -> Tensor {
        unaryOp("CosBackward0", saving: .input, { ElementwiseDispatch.unary(self, CosOp()) }) { grad, x in
            grad.mul(x.sin().neg())
        }
    }
    /// `torch.tan`.
    public func tan() -> Tensor {
        unaryOp("TanBackward0", saving: .output, { ElementwiseDispatch.unary(self, TanOp()) }) { grad, y in
            grad.mul(y.pow(2).add(1))
        }
    }
    /// `torch.asin` (NaN outside [-1, 1]).
    public func asin() -> Tensor {
        unaryOp("AsinBackward0", saving: .input, { ElementwiseDispatch.unary(self, AsinOp()) }) { grad, x in
            grad.mul((1 - x.mul(x)).rsqrt())
        }
    }
    /// `torch.acos` (NaN outside [-1, 1]).
    public func acos() -> Tensor {
        unaryOp("AcosBackward0", saving: .input, { ElementwiseDispatch.unary(self, AcosOp()) }) { grad, x in
            grad.mul((1 - x.mul(x)).rsqrt().neg())
        }
    }
    /// `torch.atan`.
    public func atan() -> Tensor {
        unaryOp("AtanBackward0", saving: .input, { ElementwiseDispatch.unary(self, AtanOp()) }) { grad, x in
            grad.div(x.mul(x).add(1))
        }
    }
    /// `torch.sinh`.
    public func sinh() -> Tensor {
        unaryOp("SinhBackward0", saving: .input, { ElementwiseDispatch.unary(self, SinhOp()) }) { grad, x in
            grad.mul(x.cosh())
        }
    }
    /// `torch.cosh`.
    public func cosh() -> Tensor {
        unaryOp("CoshBackward0", saving: .input, { ElementwiseDispatch.unary(self, CoshOp()) }) { grad, x in
            grad.mul(x.sinh())
        }
    }
    /// `torch.tanh`. Contiguous float32 runs through a vectorised kernel (within 1 ulp).
    public func tanh() -> Tensor {
        unaryOp("TanhBackward0", saving: .output, { ElementwiseDispatch.unary(self, TanhOp(), fast: ember_tanh_f32) }) { grad, y in
            ActivationBackward.tanh(grad, y)
        }
    }
    /// `torch.asinh`.
    public func asinh() -> Tensor {
        unaryOp("AsinhBackward0", saving: .input, { ElementwiseDispatch.unary(self, AsinhOp()) }) { grad, x in
            grad.mul(x.pow(2).add(1).rsqrt())
        }
    }
    /// `torch.acosh` (NaN below 1).
    public func acosh() -> Tensor {
        unaryOp("AcoshBackward0", saving: .input, { ElementwiseDispatch.unary(self, AcoshOp()) }) { grad, x in
            grad.mul(x.mul(x).sub(1).rsqrt())
        }
    }
    /// `torch.atanh` (±inf at ±1, NaN outside [-1, 1]).
    public func atanh() -> Tensor {
        unaryOp("AtanhBackward0", saving: .input, { ElementwiseDispatch.unary(self, AtanhOp()) }) { grad, x in
            grad.div(1 - x.pow(2))
        }
    }
    /// `torch.atan2(self, other)`: the angle of the point (other, self), broadcasting.
    public func atan2(_ other: Tensor) -> Tensor {
        let out = ElementwiseDispatch.binary(.tensor(self), .tensor(other), Atan2Op())
        guard ElementwiseAutograd.needed(self, other) else { return out }
        let (da, db) = (impl.requiresGrad, other.impl.requiresGrad)
        return Autograd.record("Atan2Backward0", inputs: [self, other], output: out, saving: [self, other]) { grad, saved in
            let (y, x) = (saved[0], saved[1])
            let recip = y.mul(y).add(x.mul(x)).reciprocal()
            return [da ? grad.mul(x).mul(recip) : nil, db ? grad.mul(y.neg()).mul(recip) : nil]
        }
    }

    @discardableResult public func sin_() -> Tensor {
        inPlaceOp("sin_", raw: { _ = ElementwiseDispatch.unary(self, SinOp(), out: self) }) { $0.sin() }
    }
    @discardableResult public func cos_() -> Tensor {
        inPlaceOp("cos_", raw: { _ = ElementwiseDispatch.unary(self, CosOp(), out: self) }) { $0.cos() }
    }
    @discardableResult public func tan_() -> Tensor {
        inPlaceOp("tan_", raw: { _ = ElementwiseDispatch.unary(self, TanOp(), out: self) }) { $0.tan() }
    }
    @discardableResult public func asin_() -> Tensor {
        inPlaceOp("asin_", raw: { _ = ElementwiseDispatch.unary(self, AsinOp(), out: self) }) { $0.asin() }
    }
    @discardableResult public func acos_() -> Tensor {
        inPlaceOp("acos_", raw: { _ = ElementwiseDispatch.unary(self, AcosOp(), out: self) }) { $0.acos() }
    }
    @discardableResult public func atan_() -> Tensor {
        inPlaceOp("atan_", raw: { _ = ElementwiseDispatch.unary(self, AtanOp(), out: self) }) { $0.atan() }
    }
    @discardableResult public func sinh_() -> Tensor {
        inPlaceOp("sinh_", raw: { _ = ElementwiseDispatch.unary(self, SinhOp(), out: self) }) { $0.sinh() }
    }
    @discardableResult public func cosh_() -> Tensor {
        inPlaceOp("cosh_", raw: { _ = ElementwiseDispatch.unary(self, CoshOp(), out: self) }) { $0.cosh() }
    }
    @discardableResult public func tanh_() -> Tensor {
        inPlaceOp("tanh_", raw: { _ = ElementwiseDispatch.unary(self, TanhOp(), out: self, fast: ember_tanh_f32) }) { $0.tanh() }
    }
    @discardableResult public func asinh_() -> Tensor {
        inPlaceOp("asinh_", raw: { _ = ElementwiseDispatch.unary(self, AsinhOp(), out: self) }) { $0.asinh() }
    }
    @discardableResult public func acosh_() -> Tensor {
        inPlaceOp("acosh_", raw: { _ = ElementwiseDispatch.unary(self, AcoshOp(), out: self) }) { $0.acosh() }
    }
    @discardableResult public func atanh_() -> Tensor {
        inPlaceOp("atanh_", raw: { _ = ElementwiseDispatch.unary(self, AtanhOp(), out: self) }) { $0.atanh() }
    }
    @discardableResult public func atan2_(_ other: Tensor) -> Tensor {
        inPlaceBinary("atan2_", other, raw: { ElementwiseDispatch.binary(.tensor(self), .tensor(other), Atan2Op(), out: self) }) {
            $0.atan2(other)
        }
    }
}
