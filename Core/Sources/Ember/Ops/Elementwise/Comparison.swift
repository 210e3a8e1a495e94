/// Comparisons (eq, ne, lt, le, gt, ge) with bool results, `isclose`, `allclose` and `equal`.
///
/// Swift's `==` is not overloaded elementwise on purpose: it would break what `Equatable`
/// promises (a Bool). Use `a.eq(b)` or the pointwise operators `.==`, `.!=`, `.<`, `.<=`,
/// `.>`, `.>=`, which return bool tensors like PyTorch's `==`, `<`, ...

struct EqOp: ComparisonOp {
    var name: String { "eq" }
    @inline(__always) func apply<T: Comparable>(_ a: T, _ b: T) -> Bool { a == b }
}
struct NeOp: ComparisonOp {
    var name: String { "ne" }
    @inline(__always) func apply<T: Comparable>(_ a: T, _ b: T) -> Bool { a != b }
}
struct LtOp: ComparisonOp {
    var name: String { "lt" }
    @inline(__always) func apply<T: Comparable>(_ a: T, _ b: T) -> Bool { a < b }
}
struct LeOp: ComparisonOp {
    var name: String { "le" }
    @inline(__always) func apply<T: Comparable>(_ a: T, _ b: T) -> Bool { a <= b }
}
struct GtOp: ComparisonOp {
    var name: String { "gt" }
    @inline(__always) func apply<T: Comparable>(_ a: T, _ b: T) -> Bool { a > b }
}
struct GeOp: ComparisonOp {
    var name: String { "ge" }
    @inline(__always) func apply<T: Comparable>(_ a: T, _ b: T) -> Bool { a >= b }
}

extension Tensor {
    /// `torch.eq`: elementwise `==` after type promotion, broadcasting; a bool tensor.
    public func eq(_ other: Tensor) -> Tensor { ElementwiseDispatch.compare(.tensor(self), .tensor(other), EqOp()) }
    public func eq(_ other: Scalar) -> Tensor { ElementwiseDispatch.compare(.tensor(self), .scalar(other), EqOp()) }
    /// `torch.ne`: elementwise `!=` (NaN != NaN is true).
    public func ne(_ other: Tensor) -> Tensor { ElementwiseDispatch.compare(.tensor(self), .tensor(other), NeOp()) }
    public func ne(_ other: Scalar) -> Tensor { ElementwiseDispatch.compare(.tensor(self), .scalar(other), NeOp()) }
    /// `torch.lt`: elementwise `<`.
    public func lt(_ other: Tensor) -> Tensor { ElementwiseDispatch.compare(.tensor(self), .tensor(other), LtOp()) }
    public func lt(_ other: Scalar) -> Tensor { ElementwiseDispatch.compare(.tensor(self), .scalar(other), LtOp()) }
    /// `torch.le`: elementwise `<=`.
    public func le(_ other: Tensor) -> Tensor { ElementwiseDispatch.compare(.tensor(self), .tensor(other), LeOp()) }
    public func le(_ other: Scalar) -> Tensor { ElementwiseDispatch.compare(.tensor(self), .scalar(other), LeOp()) }
    /// `torch.gt`: elementwise `>`.
    public func gt(_ other: Tensor) -> Tensor { ElementwiseDispatch.compare(.tensor(self), .tensor(other), GtOp()) }
    public func gt(_ other: Scalar) -> Tensor { ElementwiseDispatch.compare(.tensor(self), .scalar(other), GtOp()) }
    /// `torch.ge`: elementwise `>=`.
    public func ge(_ other: Tensor) -> Tensor { ElementwiseDispatch.compare(.tensor(self), .tensor(other), GeOp()) }
    public func ge(_ other: Scalar) -> Tensor { ElementwiseDispatch.compare(.tensor(self), .scalar(other), GeOp()) }

    public static func .== (a: Tensor, b: Tensor) -> Tensor { a.eq(b) }
    public static func .!= (a: Tensor, b: Tensor) -> Tensor { a.ne(b) }
    public static func .< (a: Tensor, b: Tensor) -> Tensor { a.lt(b) }
    public static func .<= (a: Tensor, b: Tensor) -> Tensor { a.le(b) }
    public static func .> (a: Tensor, b: Tensor) -> Tensor { a.gt(b) }
    public static func .>= (a: Tensor, b: Tensor) -> Tensor { a.ge(b) }
    public static func .== (a: Tensor, b: Scalar) -> Tensor { a.eq(b) }
    public static func .!= (a: Tensor, b: Scalar) -> Tensor { a.ne(b) }
    public static func .< (a: Tensor, b: Scalar) -> Tensor { a.lt(b) }
    public static func .<= (a: Tensor, b: Scalar) -> Tensor { a.le(b) }
    public static func .> (a: Tensor, b: Scalar) -> Tensor { a.gt(b) }
    public static func .>= (a: Tensor, b: Scalar) -> Tensor { a.ge(b) }

    /// `torch.equal`: true when both tensors have the same shape and equal elements (after
    /// promotion; NaN never equals NaN).
    public func equal(_ other: Tensor) -> Bool {
        shape == other.shape && eq(other).allTrue()
    }

    /// `torch.isclose`: |self - other| <= atol + rtol * |other|, elementwise; infinities are
    /// close only to themselves; NaNs are close to each other only with `equalNan`. Both
    /// tensors must have the same dtype, as in PyTorch.
    public func isclose(_ other: Tensor, rtol: Double = 1e-05, atol: Double = 1e-08, equalNan: Bool = false) -> Tensor {
        precondition(dtype == other.dtype, "isclose: \(dtype) did not match \(other.dtype)")
        precondition(rtol >= 0, "isclose: rtol must be greater than or equal to zero, but got \(rtol)")
        precondition(atol >= 0, "isclose: atol must be greater than or equal to zero, but got \(atol)")
        if !dtype.isFloatingPoint { return eq(other) }
        let op = IsCloseOp(rtol: rtol, atol: atol, equalNan: equalNan)
        let compute = dtype.computeDType
        let shape = Shape.broadcast(self.shape, other.shape, op: "isclose")
        let x = to(compute), y = other.to(compute)
        let result = Elementwise.makeOutput(shape: shape, dtype: .bool, like: [x, y])
        compute.visit(IsCloseKernel(x: x, y: y, result: result, op: op))
        return result
    }

    /// `torch.allclose`: true when every element is `isclose`.
    public func allclose(_ other: Tensor, rtol: Double = 1e-05, atol: Double = 1e-08, equalNan: Bool = false) -> Bool {
        isclose(other, rtol: rtol, atol: atol, equalNan: equalNan).allTrue()
    }

    /// True when every element of a bool tensor is true (no reduction machinery needed).
    func allTrue() -> Bool {
        let values = to(.bool).contiguous()
        let p = values.pointer(as: Bool.self)
        for i in 0..<values.count where !p[i] { return false }
        return true
    }
}

struct IsCloseOp {
    let rtol: Double, atol: Double, equalNan: Bool
    @inline(__always) func apply<T: FloatElement>(_ a: T, _ b: T) -> Bool {
        if a == b { return true }
        if a.isNaN || b.isNaN { return equalNan && a.isNaN && b.isNaN }
        let difference = (a - b).magnitude
        return difference.isFinite && difference <= T(fromDouble: atol) + (T(fromDouble: rtol) * b).magnitude
    }
}

private struct IsCloseKernel: DTypeVisitor {
    let x: Tensor, y: Tensor, result: Tensor, op: IsCloseOp
    func visit<T: TensorElement>(_: T.Type) {
        switch T.self {
        case is Float.Type: Elementwise.map(x, y, into: result) { (a: Float, b: Float) in op.apply(a, b) }
        case is Double.Type: Elementwise.map(x, y, into: result) { (a: Double, b: Double) in op.apply(a, b) }
        default: preconditionFailure("isclose: no kernel for \(T.dtype)")
        }
    }
}
