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
        return ElementwiseDispatch.binary(.tensor(self), .tensor(exponent), PowOp())
    }

    /// `torch.pow(self, exponent)` (`tensor ** 2.5`). A float exponent on an integer tensor
    /// gives float32; a negative integer exponent on an integer tensor stops, as in PyTorch.
    public func pow(_ exponent: Scalar) -> Tensor { scalarPow(exponent, out: nil) }

    /// `torch.pow(base, exponent)` with a scalar base.
    public static func pow(_ base: Scalar, _ exponent: Tensor) -> Tensor {
        precondition(exponent.dtype != .bool || base.wrappedDType != .bool, "pow: \"pow\" not implemented for 'Bool'")
        return ElementwiseDispatch.binary(.scalar(base), .tensor(exponent), PowOp())
    }

    @discardableResult public func pow_(_ exponent: Tensor) -> Tensor {
        checkPowOperands(exponent.dtype)
        return ElementwiseDispatch.binary(.tensor(self), .tensor(exponent), PowOp(), out: self)
    }
    @discardableResult public func pow_(_ exponent: Scalar) -> Tensor { scalarPow(exponent, out: self) }

    /// `torch.remainder`: the modulo with the sign of the divisor (Python's `%`). Integer
    /// division by zero stops.
    public func remainder(_ other: Tensor) -> Tensor { ElementwiseDispatch.binary(.tensor(self), .tensor(other), RemainderOp()) }
    public func remainder(_ other: Scalar) -> Tensor { ElementwiseDispatch.binary(.tensor(self), .scalar(other), RemainderOp()) }
    /// `torch.remainder(scalar, tensor)`.
    public static func remainder(_ a: Scalar, _ b: Tensor) -> Tensor { ElementwiseDispatch.binary(.scalar(a), .tensor(b), RemainderOp()) }
    /// `torch.fmod`: C's fmod, with the sign of the dividend. Integer division by zero stops.
    public func fmod(_ other: Tensor) -> Tensor { ElementwiseDispatch.binary(.tensor(self), .tensor(other), FmodOp()) }
    public func fmod(_ other: Scalar) -> Tensor { ElementwiseDispatch.binary(.tensor(self), .scalar(other), FmodOp()) }

    @discardableResult public func remainder_(_ other: Tensor) -> Tensor {
        ElementwiseDispatch.binary(.tensor(self), .tensor(other), RemainderOp(), out: self)
    }
    @discardableResult public func remainder_(_ other: Scalar) -> Tensor {
        ElementwiseDispatch.binary(.tensor(self), .scalar(other), RemainderOp(), out: self)
    }
    @discardableResult public func fmod_(_ other: Tensor) -> Tensor { ElementwiseDispatch.binary(.tensor(self), .tensor(other), FmodOp(), out: self) }
    @discardableResult public func fmod_(_ other: Scalar) -> Tensor { ElementwiseDispatch.binary(.tensor(self), .scalar(other), FmodOp(), out: self) }

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
}
