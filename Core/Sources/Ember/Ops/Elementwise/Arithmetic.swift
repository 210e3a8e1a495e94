/// Arithmetic: add, sub, mul, div (with rounding modes) and the Swift operators.

struct AddOp: BinaryOp {
    var name: String { "add" }
    @inline(__always) func apply<T: FloatElement>(_ a: T, _ b: T) -> T { a + b }
    @inline(__always) func apply<T: IntegerElement>(_ a: T, _ b: T) -> T { a &+ b }
    @inline(__always) func applyBool(_ a: Bool, _ b: Bool) -> Bool? { a || b }
}

struct SubOp: BinaryOp {
    var name: String { "sub" }
    @inline(__always) func apply<T: FloatElement>(_ a: T, _ b: T) -> T { a - b }
    @inline(__always) func apply<T: IntegerElement>(_ a: T, _ b: T) -> T { a &- b }
}

struct MulOp: BinaryOp {
    var name: String { "mul" }
    @inline(__always) func apply<T: FloatElement>(_ a: T, _ b: T) -> T { a * b }
    @inline(__always) func apply<T: IntegerElement>(_ a: T, _ b: T) -> T { a &* b }
    @inline(__always) func applyBool(_ a: Bool, _ b: Bool) -> Bool? { a && b }
}

/// True division: integers divide as floats (`torch.div` without a rounding mode).
struct TrueDivOp: BinaryOp {
    var name: String { "div" }
    var integersPromoteToFloat: Bool { true }
    @inline(__always) func apply<T: FloatElement>(_ a: T, _ b: T) -> T { a / b }
    @inline(__always) func apply<T: IntegerElement>(_ a: T, _ b: T) -> T { preconditionFailure("unreachable") }
}

/// `rounding_mode="trunc"`.
struct TruncDivOp: BinaryOp {
    var name: String { "div" }
    @inline(__always) func apply<T: FloatElement>(_ a: T, _ b: T) -> T { (a / b).rounded(.towardZero) }
    @inline(__always) func apply<T: IntegerElement>(_ a: T, _ b: T) -> T {
        precondition(b != 0, "div: ZeroDivisionError (integer division by zero)")
        return a.dividedReportingOverflow(by: b).partialValue
    }
}

/// `rounding_mode="floor"` (Python's `//`).
struct FloorDivOp: BinaryOp {
    var name: String { "div" }
    @inline(__always) func apply<T: FloatElement>(_ a: T, _ b: T) -> T {
        // PyTorch's floor division: computed from fmod so that a == b * q + r holds exactly.
        if b == 0 { return a / b }
        var mod = a.truncatingRemainder(dividingBy: b)
        var div = (a - mod) / b
        if mod != 0 && (b < 0) != (mod < 0) {
            div -= 1
            mod += b
        }
        if div == 0 { return (a / b).sign == .minus ? -0.0 : 0.0 }
        let floored = div.rounded(.down)
        return div - floored > 0.5 ? floored + 1 : floored
    }
    @inline(__always) func apply<T: IntegerElement>(_ a: T, _ b: T) -> T {
        precondition(b != 0, "div: ZeroDivisionError (integer division by zero)")
        let q = a.dividedReportingOverflow(by: b).partialValue
        let r = a.remainderReportingOverflow(dividingBy: b).partialValue
        return (r != 0 && (r < 0) != (b < 0)) ? q &- 1 : q
    }
}

/// The rounding of `div`.
public enum RoundingMode: Sendable {
    case trunc, floor
}

extension Tensor {
    /// `torch.add(self, other, alpha=alpha)`: self + alpha * other.
    public func add(_ other: Tensor, alpha: Scalar = 1) -> Tensor {
        ElementwiseDispatch.binary(.tensor(self), .tensor(scaled(other, alpha)), AddOp())
    }
    public func add(_ other: Scalar, alpha: Scalar = 1) -> Tensor {
        ElementwiseDispatch.binary(.tensor(self), .scalar(scaledScalar(other, alpha)), AddOp())
    }
    /// `torch.sub(self, other, alpha=alpha)`: self - alpha * other.
    public func sub(_ other: Tensor, alpha: Scalar = 1) -> Tensor {
        precondition(dtype != .bool || other.dtype != .bool, "sub: Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.")
        return ElementwiseDispatch.binary(.tensor(self), .tensor(scaled(other, alpha)), SubOp())
    }
    public func sub(_ other: Scalar, alpha: Scalar = 1) -> Tensor {
        ElementwiseDispatch.binary(.tensor(self), .scalar(scaledScalar(other, alpha)), SubOp())
    }
    public func mul(_ other: Tensor) -> Tensor { ElementwiseDispatch.binary(.tensor(self), .tensor(other), MulOp()) }
    public func mul(_ other: Scalar) -> Tensor { ElementwiseDispatch.binary(.tensor(self), .scalar(other), MulOp()) }

    /// `torch.div(self, other, rounding_mode=...)`: true division without a rounding mode.
    public func div(_ other: Tensor, roundingMode: RoundingMode? = nil) -> Tensor {
        Tensor.divide(.tensor(self), .tensor(other), roundingMode, out: nil)
    }
    public func div(_ other: Scalar, roundingMode: RoundingMode? = nil) -> Tensor {
        Tensor.divide(.tensor(self), .scalar(other), roundingMode, out: nil)
    }

    // In-place variants (PyTorch's trailing underscore).
    @discardableResult public func add_(_ other: Tensor, alpha: Scalar = 1) -> Tensor {
        ElementwiseDispatch.binary(.tensor(self), .tensor(scaled(other, alpha)), AddOp(), out: self)
    }
    @discardableResult public func add_(_ other: Scalar, alpha: Scalar = 1) -> Tensor {
        ElementwiseDispatch.binary(.tensor(self), .scalar(scaledScalar(other, alpha)), AddOp(), out: self)
    }
    @discardableResult public func sub_(_ other: Tensor, alpha: Scalar = 1) -> Tensor {
        ElementwiseDispatch.binary(.tensor(self), .tensor(scaled(other, alpha)), SubOp(), out: self)
    }
    @discardableResult public func sub_(_ other: Scalar, alpha: Scalar = 1) -> Tensor {
        ElementwiseDispatch.binary(.tensor(self), .scalar(scaledScalar(other, alpha)), SubOp(), out: self)
    }
    @discardableResult public func mul_(_ other: Tensor) -> Tensor {
        ElementwiseDispatch.binary(.tensor(self), .tensor(other), MulOp(), out: self)
    }
    @discardableResult public func mul_(_ other: Scalar) -> Tensor {
        ElementwiseDispatch.binary(.tensor(self), .scalar(other), MulOp(), out: self)
    }
    @discardableResult public func div_(_ other: Tensor, roundingMode: RoundingMode? = nil) -> Tensor {
        Tensor.divide(.tensor(self), .tensor(other), roundingMode, out: self)
    }
    @discardableResult public func div_(_ other: Scalar, roundingMode: RoundingMode? = nil) -> Tensor {
        Tensor.divide(.tensor(self), .scalar(other), roundingMode, out: self)
    }

    private static func divide(_ a: Operand, _ b: Operand, _ mode: RoundingMode?, out: Tensor?) -> Tensor {
        switch mode {
        case nil: return ElementwiseDispatch.binary(a, b, TrueDivOp(), out: out)
        case .trunc: return ElementwiseDispatch.binary(a, b, TruncDivOp(), out: out)
        case .floor: return ElementwiseDispatch.binary(a, b, FloorDivOp(), out: out)
        }
    }

    /// alpha * other in the dtype the sum will have (PyTorch casts alpha to the result dtype:
    /// for bool tensors any non-zero alpha is true).
    private func scaled(_ other: Tensor, _ alpha: Scalar) -> Tensor {
        if case .int(1) = alpha { return other }
        let dtype = resultType([self, other])
        checkAlpha(alpha, dtype)
        if dtype == .bool { return alpha.doubleValue != 0 ? other : Tensor.zerosLike(other, dtype: .bool) }
        return other.to(dtype).mul(alpha)
    }

    private func scaledScalar(_ other: Scalar, _ alpha: Scalar) -> Scalar {
        if case .int(1) = alpha { return other }
        let dtype = resultType([self], scalars: [other])
        checkAlpha(alpha, dtype)
        switch (other, alpha) {
        case (.double, _), (_, .double): return .double(other.doubleValue * alpha.doubleValue)
        case _ where dtype == .bool: return .bool(other.int64Value != 0 && alpha.int64Value != 0)
        case (.bool, _): return .int(other.int64Value &* alpha.int64Value)
        default: return .int(other.int64Value &* alpha.int64Value)
        }
    }

    private func checkAlpha(_ alpha: Scalar, _ dtype: DType) {
        if case .double = alpha {
            precondition(dtype.isFloatingPoint, "add: For integral input tensors, argument alpha must not be a floating point number.")
        }
    }
}

// MARK: Swift operators

extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor { a.add(b) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { a.sub(b) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { a.mul(b) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { a.div(b) }

    public static func + (a: Tensor, b: Scalar) -> Tensor { a.add(b) }
    public static func - (a: Tensor, b: Scalar) -> Tensor { a.sub(b) }
    public static func * (a: Tensor, b: Scalar) -> Tensor { a.mul(b) }
    public static func / (a: Tensor, b: Scalar) -> Tensor { a.div(b) }

    public static func + (a: Scalar, b: Tensor) -> Tensor { b.add(a) }
    public static func - (a: Scalar, b: Tensor) -> Tensor { ElementwiseDispatch.binary(.scalar(a), .tensor(b), SubOp()) }
    public static func * (a: Scalar, b: Tensor) -> Tensor { b.mul(a) }
    public static func / (a: Scalar, b: Tensor) -> Tensor { ElementwiseDispatch.binary(.scalar(a), .tensor(b), TrueDivOp()) }

    public static prefix func - (a: Tensor) -> Tensor { a.neg() }

    public static func += (a: inout Tensor, b: Tensor) { a.add_(b) }
    public static func -= (a: inout Tensor, b: Tensor) { a.sub_(b) }
    public static func *= (a: inout Tensor, b: Tensor) { a.mul_(b) }
    public static func /= (a: inout Tensor, b: Tensor) { a.div_(b) }
    public static func += (a: inout Tensor, b: Scalar) { a.add_(b) }
    public static func -= (a: inout Tensor, b: Scalar) { a.sub_(b) }
    public static func *= (a: inout Tensor, b: Scalar) { a.mul_(b) }
    public static func /= (a: inout Tensor, b: Scalar) { a.div_(b) }
}
