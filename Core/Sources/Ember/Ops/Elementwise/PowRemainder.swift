import Foundation

/// pow, remainder and fmod: the arithmetic that needs PyTorch's integer rules (integer
/// powers, Python's sign-of-divisor modulo, division by zero stopping).

/// C's pow (swift-numerics' `pow` is NaN for every negative base; C's gives (-2)^3 = -8).
@inline(__always) func cPow<T: FloatElement>(_ a: T, _ b: T) -> T {
    if T.self == Float.self {
        return unsafeBitCast(powf(unsafeBitCast(a, to: Float.self), unsafeBitCast(b, to: Float.self)), to: T.self)
    }
    return T(fromDouble: Foundation.pow(a.doubleValue, b.doubleValue))
}

/// Integer power by squaring, wrapping like C; negative exponents give 1, ±1 or 0 as
/// PyTorch's integer kernel does (only 1 and -1 have integral reciprocals).
@inline(__always) func integerPow<T: IntegerElement>(_ base: T, _ exponent: T) -> T {
    if exponent < 0 {
        if base == 1 { return 1 }
        if base == 0 &- 1 { return exponent & 1 == 0 ? 1 : base }
        return 0
    }
    var result: T = 1, b = base, e = exponent
    while e > 0 {
        if e & 1 == 1 { result = result &* b }
        e >>= 1
        if e > 0 { b = b &* b }
    }
    return result
}

struct PowOp: BinaryOp {
    var name: String { "pow" }
    @inline(__always) func apply<T: FloatElement>(_ a: T, _ b: T) -> T { cPow(a, b) }
    @inline(__always) func apply<T: IntegerElement>(_ a: T, _ b: T) -> T { integerPow(a, b) }
}

/// pow with a scalar exponent, with PyTorch's shortcuts for the common exponents (exact
/// squares and cubes, sqrt, rsqrt, reciprocals).
struct ScalarPowOp: UnaryOp {
    let exponent: Scalar
    var name: String { "pow" }
    var integersPromoteToFloat: Bool { false }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T {
        switch exponent.doubleValue {
        case 2: return x * x
        case 3: return x * x * x
        case 0.5: return x.squareRoot()
        case -0.5: return 1 / x.squareRoot()
        case -1: return 1 / x
        case -2: return 1 / (x * x)
        case let e: return cPow(x, T(fromDouble: e))
        }
    }
    @inline(__always) func apply<T: IntegerElement>(_ x: T) -> T { integerPow(x, T(fromInt64: exponent.int64Value)) }
    @inline(__always) func applyBool(_ x: Bool) -> Bool? { exponent.int64Value == 0 ? true : x }
}

struct RemainderOp: BinaryOp {
    var name: String { "remainder" }
    @inline(__always) func apply<T: FloatElement>(_ a: T, _ b: T) -> T {
        let m = a.truncatingRemainder(dividingBy: b)
        return m != 0 && (b < 0) != (m < 0) ? m + b : m
    }
    @inline(__always) func apply<T: IntegerElement>(_ a: T, _ b: T) -> T {
        precondition(b != 0, "remainder: ZeroDivisionError (integer division by zero)")
        let r = a.remainderReportingOverflow(dividingBy: b).partialValue
        return r != 0 && (r < 0) != (b < 0) ? r &+ b : r
    }
}

struct FmodOp: BinaryOp {
    var name: String { "fmod" }
    @inline(__always) func apply<T: FloatElement>(_ a: T, _ b: T) -> T { a.truncatingRemainder(dividingBy: b) }
    @inline(__always) func apply<T: IntegerElement>(_ a: T, _ b: T) -> T {
        precondition(b != 0, "fmod: ZeroDivisionError (integer division by zero)")
        return a.remainderReportingOverflow(dividingBy: b).partialValue
    }
}

extension Tensor {
    /// `torch.pow(self, exponent)` with a tensor exponent, broadcasting. Integer tensors use
    /// integer powers (a negative exponent gives 0 unless the base is ±1, as in PyTorch).
    public func pow(_ exponent: Tensor) -> Tensor {
        checkPowOperands(exponent.dtype)
        let out = ElementwiseDispatch.binary(.tensor(self), .tensor(exponent), PowOp())
        guard ElementwiseAutograd.needed(self, exponent) else { return out }
        return Tensor.recordPow(self, exponent, out)
    }

    /// `torch.pow(self, exponent)` (`tensor ** 2.5`). A float exponent on an integer tensor
    /// gives float32; a negative integer exponent on an integer tensor stops, as in PyTorch.
    public func pow(_ exponent: Scalar) -> Tensor {
        guard ElementwiseAutograd.needed(self) else { return scalarPow(exponent, out: nil) }
        let out = withNoGrad { scalarPow(exponent, out: nil) }
        let e = exponent.doubleValue
        // PyTorch's pow_backward: zero for a zero exponent, else grad e x^(e-1).
        return recordUnary("PowBackward0", out, saving: e == 0 ? .nothing : .input) { grad, x in
            e == 0 ? Tensor.zerosLike(grad) : grad.mul(x.pow(.double(e - 1)).mul(.double(e)))
        }
    }

    /// `torch.pow(base, exponent)` with a scalar base.
    public static func pow(_ base: Scalar, _ exponent: Tensor) -> Tensor {
        precondition(exponent.dtype != .bool || base.wrappedDType != .bool, "pow: \"pow\" not implemented for 'Bool'")
        let out = ElementwiseDispatch.binary(.scalar(base), .tensor(exponent), PowOp())
        guard ElementwiseAutograd.needed(exponent) else { return out }
        let b = base.doubleValue
        // d(b^e)/de = b^e log(b); a zero base gives zero where e >= 0 (PyTorch's convention).
        return Autograd.record("PowBackward2", inputs: [exponent], output: out, saving: b == 0 ? [exponent, out] : [out]) {
            grad, saved in
            guard b == 0 else { return [grad.mul(saved[0].mul(.double(Foundation.log(b))))] }
            // 0^e log 0 is -inf (or NaN) for e < 0 and has no derivative: a constant, so that
            // double backward does not turn the masked branch into 0 * inf = NaN.
            return [grad.mul(Tensor.where(saved[0].ge(0), 0, saved[1].detach().mul(.double(-Double.infinity))))]
        }
    }

    @discardableResult public func pow_(_ exponent: Tensor) -> Tensor {
        checkPowOperands(exponent.dtype)
        return inPlaceBinary("pow_", exponent, raw: { ElementwiseDispatch.binary(.tensor(self), .tensor(exponent), PowOp(), out: self) }) {
            $0.pow(exponent)
        }
    }
    @discardableResult public func pow_(_ exponent: Scalar) -> Tensor {
        inPlaceBinary("pow_", nil, raw: { scalarPow(exponent, out: self) }) { $0.pow(exponent) }
    }

    /// `torch.remainder`: the modulo with the sign of the divisor (Python's `%`). Integer
    /// division by zero stops. The gradient is grad for `self` and -grad floor(self / other)
    /// for `other`.
    public func remainder(_ other: Tensor) -> Tensor {
        let out = ElementwiseDispatch.binary(.tensor(self), .tensor(other), RemainderOp())
        guard ElementwiseAutograd.needed(self, other) else { return out }
        return Tensor.recordModulo("RemainderBackward1", self, other, out, .floor)
    }
    public func remainder(_ other: Scalar) -> Tensor {
        unaryOp("RemainderBackward0", saving: .nothing, { ElementwiseDispatch.binary(.tensor(self), .scalar(other), RemainderOp()) }) {
            grad, _ in grad
        }
    }
    /// `torch.remainder(scalar, tensor)`. PyTorch has no derivative for this form; Ember gives
    /// the one of the tensor form, -grad floor(a / b), under the name `RemainderBackward2`.
    public static func remainder(_ a: Scalar, _ b: Tensor) -> Tensor {
        let out = ElementwiseDispatch.binary(.scalar(a), .tensor(b), RemainderOp())
        guard ElementwiseAutograd.needed(b) else { return out }
        return b.recordUnary("RemainderBackward2", out, saving: .input) { grad, divisor in
            grad.neg().mul(Tensor.fullLike(divisor, a).div(divisor, roundingMode: .floor))
        }
    }
    /// `torch.fmod`: C's fmod, with the sign of the dividend. Integer division by zero stops.
    /// The gradient is grad for `self` and -grad trunc(self / other) for `other`.
    public func fmod(_ other: Tensor) -> Tensor {
        let out = ElementwiseDispatch.binary(.tensor(self), .tensor(other), FmodOp())
        guard ElementwiseAutograd.needed(self, other) else { return out }
        return Tensor.recordModulo("FmodBackward1", self, other, out, .trunc)
    }
    public func fmod(_ other: Scalar) -> Tensor {
        unaryOp("FmodBackward0", saving: .nothing, { ElementwiseDispatch.binary(.tensor(self), .scalar(other), FmodOp()) }) {
            grad, _ in grad
        }
    }

    @discardableResult public func remainder_(_ other: Tensor) -> Tensor {
        inPlaceBinary("remainder_", other, raw: { ElementwiseDispatch.binary(.tensor(self), .tensor(other), RemainderOp(), out: self) }) {
            $0.remainder(other)
        }
    }
    @discardableResult public func remainder_(_ other: Scalar) -> Tensor {
        inPlaceBinary("remainder_", nil, raw: { ElementwiseDispatch.binary(.tensor(self), .scalar(other), RemainderOp(), out: self) }) {
            $0.remainder(other)
        }
    }
    @discardableResult public func fmod_(_ other: Tensor) -> Tensor {
        inPlaceBinary("fmod_", other, raw: { ElementwiseDispatch.binary(.tensor(self), .tensor(other), FmodOp(), out: self) }) {
            $0.fmod(other)
        }
    }
    @discardableResult public func fmod_(_ other: Scalar) -> Tensor {
        inPlaceBinary("fmod_", nil, raw: { ElementwiseDispatch.binary(.tensor(self), .scalar(other), FmodOp(), out: self) }) {
            $0.fmod(other)
        }
    }

    /// `a % b` is `remainder` (Python's `%`).
    public static func % (a: Tensor, b: Tensor) -> Tensor { a.remainder(b) }
    public static func % (a: Tensor, b: Scalar) -> Tensor { a.remainder(b) }

    private func checkPowOperands(_ exponentDType: DType) {
        precondition(dtype != .bool || exponentDType != .bool, "pow: \"pow\" not implemented for 'Bool'")
    }

    private func scalarPow(_ exponent: Scalar, out: Tensor?) -> Tensor {
        let dtype = ElementwiseDispatch.resultType([.tensor(self), .scalar(exponent)])
        if !dtype.isFloatingPoint, case .int(let e) = exponent {
            precondition(e >= 0, "pow: Integers to negative integer powers are not allowed.")
        }
        if let out { ElementwiseDispatch.checkInPlace(out, resultDType: dtype, shape: shape, op: "pow") }
        if let out, out.dtype != dtype {
            return out.copy_(to(dtype).pow(exponent))
        }
        return ElementwiseDispatch.unary(to(dtype), ScalarPowOp(exponent: exponent), out: out)
    }

    /// `PowBackward1`: e x^(e-1) for the base (zero where e == 0) and x^e log(x) for the
    /// exponent (zero where x == 0 and e >= 0), PyTorch's `pow_backward_self/exponent`.
    private static func recordPow(_ base: Tensor, _ exponent: Tensor, _ out: Tensor) -> Tensor {
        let (da, db) = (base.impl.requiresGrad, exponent.impl.requiresGrad)
        return Autograd.record("PowBackward1", inputs: [base, exponent], output: out, saving: db ? [base, exponent, out] : [base, exponent]) {
            grad, saved in
            let (x, e) = (saved[0], saved[1])
            let gradBase = da ? Tensor.where(e.eq(0), 0, grad.mul(e.mul(x.pow(e.sub(1))))) : nil
            let gradExponent = db
                ? grad.mul(Tensor.where(x.eq(0).logicalAnd(e.ge(0)), 0, saved[2].mul(x.log()))) : nil
            return [gradBase, gradExponent]
        }
    }

    /// `RemainderBackward1` / `FmodBackward1`: grad for `a`, -grad (a / b rounded) for `b`.
    private static func recordModulo(_ name: String, _ a: Tensor, _ b: Tensor, _ out: Tensor, _ mode: RoundingMode) -> Tensor {
        let (da, db) = (a.impl.requiresGrad, b.impl.requiresGrad)
        return Autograd.record(name, inputs: [a, b], output: out, saving: db ? [a, b] : []) { grad, saved in
            [da ? grad : nil, db ? grad.neg().mul(saved[0].div(saved[1], roundingMode: mode)) : nil]
        }
    }
}
