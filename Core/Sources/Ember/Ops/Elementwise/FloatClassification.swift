/// isnan, isinf, isfinite (bool results) and nan_to_num.

private struct ClassifyKernel: DTypeVisitor {
    enum Test { case nan, inf, finite }
    let x: Tensor, result: Tensor, test: Test
    func visit<T: TensorElement>(_: T.Type) {
        switch T.self {
        case is Float.Type: run(Float.self)
        case is Double.Type: run(Double.self)
        default: preconditionFailure("classification of \(T.dtype)")
        }
    }
    private func run<F: FloatElement>(_: F.Type) {
        switch test {
        case .nan: Elementwise.map(x, into: result) { (a: F) in a.isNaN }
        case .inf: Elementwise.map(x, into: result) { (a: F) in a.isInfinite }
        case .finite: Elementwise.map(x, into: result) { (a: F) in a.isFinite }
        }
    }
}

/// Replaces NaN and infinities by finite values chosen for the *result* dtype (float16's
/// largest finite value is 65504, not float32's).
struct NanToNumOp: UnaryOp {
    let nan: Double, posinf: Double, neginf: Double
    var name: String { "nan_to_num" }
    var integersPromoteToFloat: Bool { false }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T {
        if x.isNaN { return T(fromDouble: nan) }
        if x == .infinity { return T(fromDouble: posinf) }
        if x == -.infinity { return T(fromDouble: neginf) }
        return x
    }
    @inline(__always) func apply<T: IntegerElement>(_ x: T) -> T { x }
    @inline(__always) func applyBool(_ x: Bool) -> Bool? { x }
}

extension DType {
    /// The largest finite value of a floating dtype.
    var greatestFiniteMagnitude: Double {
        switch self {
        case .float32: return Double(Float.greatestFiniteMagnitude)
        case .float64: return Double.greatestFiniteMagnitude
        case .float16: return 65504
        case .bfloat16: return 3.3895313892515355e38
        default: return Double(Int64.max)
        }
    }
}

extension Tensor {
    /// `torch.isnan`: a bool tensor, false everywhere for integer tensors.
    public func isnan() -> Tensor { classify(.nan) }
    /// `torch.isinf`.
    public func isinf() -> Tensor { classify(.inf) }
    /// `torch.isfinite`: true everywhere for integer tensors.
    public func isfinite() -> Tensor { classify(.finite) }

    /// `torch.nan_to_num`: NaN becomes `nan`, +inf `posinf` and -inf `neginf`; the defaults are
    /// 0 and the dtype's largest and lowest finite values.
    /// The gradient passes where the input is finite and is zero at the replaced values.
    public func nanToNum(nan: Double = 0, posinf: Double? = nil, neginf: Double? = nil) -> Tensor {
        unaryOp("NanToNumBackward0", saving: .input, { ElementwiseDispatch.unary(self, nanToNumOp(nan, posinf, neginf)) }) {
            grad, x in grad.mul(x.isfinite())
        }
    }
    @discardableResult public func nanToNum_(nan: Double = 0, posinf: Double? = nil, neginf: Double? = nil) -> Tensor {
        inPlaceOp("nan_to_num_", raw: { _ = ElementwiseDispatch.unary(self, nanToNumOp(nan, posinf, neginf), out: self) }) {
            $0.nanToNum(nan: nan, posinf: posinf, neginf: neginf)
        }
    }

    private func nanToNumOp(_ nan: Double, _ posinf: Double?, _ neginf: Double?) -> NanToNumOp {
        let largest = dtype.greatestFiniteMagnitude
        return NanToNumOp(nan: nan, posinf: posinf ?? largest, neginf: neginf ?? -largest)
    }

    private func classify(_ test: ClassifyKernel.Test) -> Tensor {
        if !dtype.isFloatingPoint { return Tensor.full(shape, .bool(test == .finite), dtype: .bool) }
        let x = to(dtype.computeDType)
        let result = Elementwise.makeOutput(shape: shape, dtype: .bool, like: [x])
        x.dtype.visit(ClassifyKernel(x: x, result: result, test: test))
        return result
    }
}
