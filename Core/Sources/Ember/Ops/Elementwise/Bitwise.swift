/// Bitwise and/or/xor/not and shifts on integer and bool tensors, and the Swift operators
/// `&`, `|`, `^`, `~`, `<<`, `>>`.

struct BitwiseAndOp: BinaryOp {
    var name: String { "bitwise_and" }
    func apply<T: FloatElement>(_ a: T, _ b: T) -> T { preconditionFailure("unreachable") }
    @inline(__always) func apply<T: IntegerElement>(_ a: T, _ b: T) -> T { a & b }
    @inline(__always) func applyBool(_ a: Bool, _ b: Bool) -> Bool? { a && b }
}

struct BitwiseOrOp: BinaryOp {
    var name: String { "bitwise_or" }
    func apply<T: FloatElement>(_ a: T, _ b: T) -> T { preconditionFailure("unreachable") }
    @inline(__always) func apply<T: IntegerElement>(_ a: T, _ b: T) -> T { a | b }
    @inline(__always) func applyBool(_ a: Bool, _ b: Bool) -> Bool? { a || b }
}

struct BitwiseXorOp: BinaryOp {
    var name: String { "bitwise_xor" }
    func apply<T: FloatElement>(_ a: T, _ b: T) -> T { preconditionFailure("unreachable") }
    @inline(__always) func apply<T: IntegerElement>(_ a: T, _ b: T) -> T { a ^ b }
    @inline(__always) func applyBool(_ a: Bool, _ b: Bool) -> Bool? { a != b }
}

/// Shifts by a negative amount or by the width or more give 0 (left) or the sign fill (right),
/// as PyTorch defines them, instead of C's undefined behaviour.
struct LeftShiftOp: BinaryOp {
    var name: String { "bitwise_left_shift" }
    func apply<T: FloatElement>(_ a: T, _ b: T) -> T { preconditionFailure("unreachable") }
    @inline(__always) func apply<T: IntegerElement>(_ a: T, _ b: T) -> T {
        b < 0 || b >= T.bitWidth ? 0 : a &<< b
    }
}

struct RightShiftOp: BinaryOp {
    var name: String { "bitwise_right_shift" }
    func apply<T: FloatElement>(_ a: T, _ b: T) -> T { preconditionFailure("unreachable") }
    @inline(__always) func apply<T: IntegerElement>(_ a: T, _ b: T) -> T {
        if b < 0 || b >= T.bitWidth { return T.isSigned && a < 0 ? 0 &- 1 : 0 }
        return a &>> b
    }
}

struct BitwiseNotOp: UnaryOp {
    var name: String { "bitwise_not" }
    var integersPromoteToFloat: Bool { false }
    func apply<T: FloatElement>(_ x: T) -> T { preconditionFailure("unreachable") }
    @inline(__always) func apply<T: IntegerElement>(_ x: T) -> T { ~x }
    @inline(__always) func applyBool(_ x: Bool) -> Bool? { !x }
}

extension Tensor {
    /// `torch.bitwise_and` (integer and bool tensors).
    public func bitwiseAnd(_ other: Tensor) -> Tensor { bitwise(.tensor(other), BitwiseAndOp()) }
    public func bitwiseAnd(_ other: Scalar) -> Tensor { bitwise(.scalar(other), BitwiseAndOp()) }
    /// `torch.bitwise_or`.
    public func bitwiseOr(_ other: Tensor) -> Tensor { bitwise(.tensor(other), BitwiseOrOp()) }
    public func bitwiseOr(_ other: Scalar) -> Tensor { bitwise(.scalar(other), BitwiseOrOp()) }
    /// `torch.bitwise_xor`.
    public func bitwiseXor(_ other: Tensor) -> Tensor { bitwise(.tensor(other), BitwiseXorOp()) }
    public func bitwiseXor(_ other: Scalar) -> Tensor { bitwise(.scalar(other), BitwiseXorOp()) }
    /// `torch.bitwise_left_shift` (integer tensors).
    public func bitwiseLeftShift(_ other: Tensor) -> Tensor { bitwise(.tensor(other), LeftShiftOp(), allowsBool: false) }
    public func bitwiseLeftShift(_ other: Scalar) -> Tensor { bitwise(.scalar(other), LeftShiftOp(), allowsBool: false) }
    /// `torch.bitwise_right_shift` (arithmetic for signed integers).
    public func bitwiseRightShift(_ other: Tensor) -> Tensor { bitwise(.tensor(other), RightShiftOp(), allowsBool: false) }
    public func bitwiseRightShift(_ other: Scalar) -> Tensor { bitwise(.scalar(other), RightShiftOp(), allowsBool: false) }
    /// `torch.bitwise_not` (logical not on bool tensors).
    public func bitwiseNot() -> Tensor {
        precondition(!dtype.isFloatingPoint, "bitwise_not: \"bitwise_not_cpu\" not implemented for '\(dtype.scalarTypeName)'")
        return ElementwiseDispatch.unary(self, BitwiseNotOp())
    }

    @discardableResult public func bitwiseAnd_(_ other: Tensor) -> Tensor { bitwise(.tensor(other), BitwiseAndOp(), out: self) }
    @discardableResult public func bitwiseOr_(_ other: Tensor) -> Tensor { bitwise(.tensor(other), BitwiseOrOp(), out: self) }
    @discardableResult public func bitwiseXor_(_ other: Tensor) -> Tensor { bitwise(.tensor(other), BitwiseXorOp(), out: self) }
    @discardableResult public func bitwiseNot_() -> Tensor {
        precondition(!dtype.isFloatingPoint, "bitwise_not_: \"bitwise_not_cpu\" not implemented for '\(dtype.scalarTypeName)'")
        return ElementwiseDispatch.unary(self, BitwiseNotOp(), out: self)
    }

    public static func & (a: Tensor, b: Tensor) -> Tensor { a.bitwiseAnd(b) }
    public static func | (a: Tensor, b: Tensor) -> Tensor { a.bitwiseOr(b) }
    public static func ^ (a: Tensor, b: Tensor) -> Tensor { a.bitwiseXor(b) }
    public static func & (a: Tensor, b: Scalar) -> Tensor { a.bitwiseAnd(b) }
    public static func | (a: Tensor, b: Scalar) -> Tensor { a.bitwiseOr(b) }
    public static func ^ (a: Tensor, b: Scalar) -> Tensor { a.bitwiseXor(b) }
    public static func << (a: Tensor, b: Tensor) -> Tensor { a.bitwiseLeftShift(b) }
    public static func >> (a: Tensor, b: Tensor) -> Tensor { a.bitwiseRightShift(b) }
    public static func << (a: Tensor, b: Scalar) -> Tensor { a.bitwiseLeftShift(b) }
    public static func >> (a: Tensor, b: Scalar) -> Tensor { a.bitwiseRightShift(b) }
    public static prefix func ~ (a: Tensor) -> Tensor { a.bitwiseNot() }
    public static func &= (a: inout Tensor, b: Tensor) { a.bitwiseAnd_(b) }
    public static func |= (a: inout Tensor, b: Tensor) { a.bitwiseOr_(b) }
    public static func ^= (a: inout Tensor, b: Tensor) { a.bitwiseXor_(b) }

    private func bitwise<Op: BinaryOp>(_ other: Operand, _ op: Op, allowsBool: Bool = true, out: Tensor? = nil) -> Tensor {
        let dtype = ElementwiseDispatch.resultType([.tensor(self), other])
        precondition(
            !dtype.isFloatingPoint && (allowsBool || dtype != .bool),
            "\(op.name): \"\(op.name)_cpu\" not implemented for '\(dtype.scalarTypeName)'")
        return ElementwiseDispatch.binary(.tensor(self), other, op, out: out)
    }
}
