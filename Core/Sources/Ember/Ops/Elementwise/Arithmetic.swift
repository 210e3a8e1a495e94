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
        guard ElementwiseAutograd.needed(self, other) else { return rawAdd(other, alpha) }
        let out = withNoGrad { rawAdd(other, alpha) }
        return Tensor.recordSum("AddBackward0", self, other, out, negate: false, alpha: alpha)
    }
    public func add(_ other: Scalar, alpha: Scalar = 1) -> Tensor {
        let out = ElementwiseDispatch.binary(.tensor(self), .scalar(scaledScalar(other, alpha)), AddOp())
        guard ElementwiseAutograd.needed(self) else { return out }
        return recordUnary("AddBackward0", out, saving: .nothing) { grad, _ in grad }
    }
    /// `torch.sub(self, other, alpha=alpha)`: self - alpha * other.
    public func sub(_ other: Tensor, alpha: Scalar = 1) -> Tensor {
        guard ElementwiseAutograd.needed(self, other) else { return rawSub(other, alpha) }
        let out = withNoGrad { rawSub(other, alpha) }
        return Tensor.recordSum("SubBackward0", self, other, out, negate: true, alpha: alpha)
    }
    public func sub(_ other: Scalar, alpha: Scalar = 1) -> Tensor {
        let out = ElementwiseDispatch.binary(.tensor(self), .scalar(scaledScalar(other, alpha)), SubOp())
        guard ElementwiseAutograd.needed(self) else { return out }
        return recordUnary("SubBackward0", out, saving: .nothing) { grad, _ in grad }
    }
    public func mul(_ other: Tensor) -> Tensor {
        let out = ElementwiseDispatch.binary(.tensor(self), .tensor(other), MulOp())
        guard ElementwiseAutograd.needed(self, other) else { return out }
        return Tensor.recordMul(self, other, out)
    }
    public func mul(_ other: Scalar) -> Tensor {
        let out = ElementwiseDispatch.binary(.tensor(self), .scalar(other), MulOp())
        guard ElementwiseAutograd.needed(self) else { return out }
        return recordUnary("MulBackward0", out, saving: .nothing) { grad, _ in grad.mul(other.conjugate) }
    }

    /// `torch.div(self, other, rounding_mode=...)`: true division without a rounding mode.
    /// Rounded division is a step function: its gradient is zero, as in PyTorch.
    public func div(_ other: Tensor, roundingMode: RoundingMode? = nil) -> Tensor {
        let out = Tensor.divide(.tensor(self), .tensor(other), roundingMode, out: nil)
        guard ElementwiseAutograd.needed(self, other) else { return out }
        return Tensor.recordDiv(self, other, out, roundingMode)
    }
    public func div(_ other: Scalar, roundingMode: RoundingMode? = nil) -> Tensor {
        let out = Tensor.divide(.tensor(self), .scalar(other), roundingMode, out: nil)
        guard ElementwiseAutograd.needed(self) else { return out }
        if roundingMode != nil {
            return recordUnary("DivBackward2", out, saving: .nothing) { grad, _ in Tensor.zerosLike(grad) }
        }
        return recordUnary("DivBackward0", out, saving: .nothing) { grad, _ in grad.div(other.conjugate) }
    }

    // In-place variants (PyTorch's trailing underscore). With autograd they record the
    // out-of-place op's node (`y.mul_(2)` gets `MulBackward0`).
    @discardableResult public func add_(_ other: Tensor, alpha: Scalar = 1) -> Tensor {
        inPlaceBinary("add_", other, raw: {
            ElementwiseDispatch.binary(.tensor(self), .tensor(scaled(other, alpha)), AddOp(), out: self)
        }) { $0.add(other, alpha: alpha) }
    }
    @discardableResult public func add_(_ other: Scalar, alpha: Scalar = 1) -> Tensor {
        inPlaceBinary("add_", nil, raw: {
            ElementwiseDispatch.binary(.tensor(self), .scalar(scaledScalar(other, alpha)), AddOp(), out: self)
        }) { $0.add(other, alpha: alpha) }
    }
    @discardableResult public func sub_(_ other: Tensor, alpha: Scalar = 1) -> Tensor {
        inPlaceBinary("sub_", other, raw: {
            ElementwiseDispatch.binary(.tensor(self), .tensor(scaled(other, alpha)), SubOp(), out: self)
        }) { $0.sub(other, alpha: alpha) }
    }
    @discardableResult public func sub_(_ other: Scalar, alpha: Scalar = 1) -> Tensor {
        inPlaceBinary("sub_", nil, raw: {
            ElementwiseDispatch.binary(.tensor(self), .scalar(scaledScalar(other, alpha)), SubOp(), out: self)
        }) { $0.sub(other, alpha: alpha) }
    }
    @discardableResult public func mul_(_ other: Tensor) -> Tensor {
        inPlaceBinary("mul_", other, raw: { ElementwiseDispatch.binary(.tensor(self), .tensor(other), MulOp(), out: self) }) {
            $0.mul(other)
        }
    }
    @discardableResult public func mul_(_ other: Scalar) -> Tensor {
        inPlaceBinary("mul_", nil, raw: { ElementwiseDispatch.binary(.tensor(self), .scalar(other), MulOp(), out: self) }) {
            $0.mul(other)
        }
    }
    @discardableResult public func div_(_ other: Tensor, roundingMode: RoundingMode? = nil) -> Tensor {
        inPlaceBinary("div_", other, raw: { Tensor.divide(.tensor(self), .tensor(other), roundingMode, out: self) }) {
            $0.div(other, roundingMode: roundingMode)
        }
    }
    @discardableResult public func div_(_ other: Scalar, roundingMode: RoundingMode? = nil) -> Tensor {
        inPlaceBinary("div_", nil, raw: { Tensor.divide(.tensor(self), .scalar(other), roundingMode, out: self) }) {
            $0.div(other, roundingMode: roundingMode)
        }
    }

    /// An in-place binary op: `raw` without autograd; with it, the out-of-place op through
    /// `Autograd.inPlace`, after PyTorch's check that the result fits `self`'s dtype.
    @inline(__always)
    func inPlaceBinary(
        _ name: String, _ other: Tensor?, raw: () -> Tensor, _ differentiable: (Tensor) -> Tensor
    ) -> Tensor {
        inPlaceOp(name, other, raw: { _ = raw() }) { old in
            let result = differentiable(old)
            ElementwiseDispatch.checkInPlace(self, resultDType: result.dtype, shape: result.shape, op: name)
            return result
        }
    }

    private func rawAdd(_ other: Tensor, _ alpha: Scalar) -> Tensor {
        ElementwiseDispatch.binary(.tensor(self), .tensor(scaled(other, alpha)), AddOp())
    }

    private func rawSub(_ other: Tensor, _ alpha: Scalar) -> Tensor {
        precondition(dtype != .bool || other.dtype != .bool, "sub: Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.")
        return ElementwiseDispatch.binary(.tensor(self), .tensor(scaled(other, alpha)), SubOp())
    }

    static func divide(_ a: Operand, _ b: Operand, _ mode: RoundingMode?, out: Tensor?) -> Tensor {
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
    /// `scalar - tensor` (PyTorch's `rsub`).
    public static func - (a: Scalar, b: Tensor) -> Tensor {
        let out = ElementwiseDispatch.binary(.scalar(a), .tensor(b), SubOp())
        guard ElementwiseAutograd.needed(b) else { return out }
        return b.recordUnary("RsubBackward1", out, saving: .nothing) { grad, _ in grad.neg() }
    }
    public static func * (a: Scalar, b: Tensor) -> Tensor { b.mul(a) }
    /// `scalar / tensor`. With autograd it is PyTorch's `reciprocal() * scalar` (two nodes,
    /// `MulBackward0` on top), which is how PyTorch computes `2 / x`.
    public static func / (a: Scalar, b: Tensor) -> Tensor {
        guard ElementwiseAutograd.needed(b) else { return ElementwiseDispatch.binary(.scalar(a), .tensor(b), TrueDivOp()) }
        return b.reciprocal().mul(a)
    }

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

// MARK: Backward

extension Tensor {
    /// `AddBackward0` / `SubBackward0`: `a` receives the gradient, `b` the gradient times
    /// alpha (negated for sub), as PyTorch's `maybe_multiply`.
    static func recordSum(_ name: String, _ a: Tensor, _ b: Tensor, _ out: Tensor, negate: Bool, alpha: Scalar) -> Tensor {
        let (da, db) = (a.impl.requiresGrad, b.impl.requiresGrad)
        let scale: Scalar? = alpha.isOne ? nil : alpha
        return Autograd.record(name, inputs: [a, b], output: out) { grad, _ in
            guard db else { return [grad, nil] }
            var other = negate ? grad.neg() : grad
            if let scale { other = other.mul(scale) }
            return [da ? grad : nil, other]
        }
    }

    /// `MulBackward0`: each input's gradient is the gradient times the other input; an input
    /// is saved only when the other one needs its gradient.
    static func recordMul(_ a: Tensor, _ b: Tensor, _ out: Tensor) -> Tensor {
        let (da, db) = (a.impl.requiresGrad, b.impl.requiresGrad)
        let saving = da && db ? [b, a] : (da ? [b] : [a])
        return Autograd.record("MulBackward0", inputs: [a, b], output: out, saving: saving) { grad, saved in
            // Complex inputs: PyTorch's conjugate Wirtinger gradient, grad * conj(other).
            [da ? grad.mul(saved[0].conj()) : nil, db ? grad.mul(saved[da ? 1 : 0].conj()) : nil]
        }
    }

    /// `DivBackward0`: `grad / b` and `-grad * ((a / b) / b)`; `DivBackward2` (rounded
    /// division) gives zeros.
    static func recordDiv(_ a: Tensor, _ b: Tensor, _ out: Tensor, _ mode: RoundingMode?) -> Tensor {
        let (da, db) = (a.impl.requiresGrad, b.impl.requiresGrad)
        if mode != nil {
            return Autograd.record("DivBackward2", inputs: [a, b], output: out) { grad, _ in
                [da ? Tensor.zerosLike(grad) : nil, db ? Tensor.zerosLike(grad) : nil]
            }
        }
        let saving = db ? [b, a] : [b]
        return Autograd.record("DivBackward0", inputs: [a, b], output: out, saving: saving) { grad, saved in
            let other = saved[0]
            let conjOther = other.conj()
            return [da ? grad.div(conjOther) : nil, db ? grad.neg().mul(saved[1].div(other).div(other).conj()) : nil]
        }
    }
}
