/// minimum, maximum and clamp. NaN propagates, as in PyTorch.

struct MaximumOp: BinaryOp {
    var name: String { "maximum" }
    @inline(__always) func apply<T: FloatElement>(_ a: T, _ b: T) -> T { a.isNaN ? a : (b.isNaN ? b : (a > b ? a : b)) }
    @inline(__always) func apply<T: IntegerElement>(_ a: T, _ b: T) -> T { a > b ? a : b }
    @inline(__always) func applyBool(_ a: Bool, _ b: Bool) -> Bool? { a || b }
}

struct MinimumOp: BinaryOp {
    var name: String { "minimum" }
    @inline(__always) func apply<T: FloatElement>(_ a: T, _ b: T) -> T { a.isNaN ? a : (b.isNaN ? b : (a < b ? a : b)) }
    @inline(__always) func apply<T: IntegerElement>(_ a: T, _ b: T) -> T { a < b ? a : b }
    @inline(__always) func applyBool(_ a: Bool, _ b: Bool) -> Bool? { a && b }
}

/// clamp with scalar bounds: the lower bound first, then the upper one, so that min > max
/// gives max everywhere (PyTorch's rule). A NaN input stays NaN.
struct ClampOp: UnaryOp {
    let lower: Scalar?, upper: Scalar?
    var name: String { "clamp" }
    var integersPromoteToFloat: Bool { false }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T {
        var r = x
        if let lower {
            let l = T(fromDouble: lower.doubleValue)
            r = l.isNaN ? l : (r < l ? l : r)
        }
        if let upper {
            let u = T(fromDouble: upper.doubleValue)
            r = u.isNaN ? u : (r > u ? u : r)
        }
        return r
    }
    @inline(__always) func apply<T: IntegerElement>(_ x: T) -> T {
        var r = x
        if let lower {
            let l = T(fromInt64: lower.int64Value)
            r = r < l ? l : r
        }
        if let upper {
            let u = T(fromInt64: upper.int64Value)
            r = r > u ? u : r
        }
        return r
    }
}

extension Tensor {
    /// `torch.maximum`: elementwise max with broadcasting; NaN wins.
    public func maximum(_ other: Tensor) -> Tensor { ElementwiseDispatch.binary(.tensor(self), .tensor(other), MaximumOp()) }
    /// `torch.minimum`: elementwise min with broadcasting; NaN wins.
    public func minimum(_ other: Tensor) -> Tensor { ElementwiseDispatch.binary(.tensor(self), .tensor(other), MinimumOp()) }

    /// `torch.clamp(self, min, max)` with scalar bounds (either may be nil, not both). The
    /// bounds take part in type promotion: an integer tensor clamped to 0.5 becomes float32.
    public func clamp(min lower: Scalar? = nil, max upper: Scalar? = nil) -> Tensor {
        clampScalars(lower, upper, out: nil)
    }

    /// `torch.clamp(self, min, max)` with tensor bounds, broadcasting.
    public func clamp(min lower: Tensor? = nil, max upper: Tensor? = nil) -> Tensor {
        precondition(lower != nil || upper != nil, "clamp: At least one of 'min' or 'max' must not be None")
        var result = self
        if let lower { result = result.maximum(lower) }
        if let upper { result = result.minimum(upper) }
        return result.isSameTensor(self) ? clone() : result
    }

    /// `torch.clip`, an alias of `clamp`.
    public func clip(min lower: Scalar? = nil, max upper: Scalar? = nil) -> Tensor { clamp(min: lower, max: upper) }

    @discardableResult public func clamp_(min lower: Scalar? = nil, max upper: Scalar? = nil) -> Tensor {
        clampScalars(lower, upper, out: self)
    }

    @discardableResult public func clamp_(min lower: Tensor? = nil, max upper: Tensor? = nil) -> Tensor {
        copy_(clamp(min: lower, max: upper))
    }

    private func clampScalars(_ lower: Scalar?, _ upper: Scalar?, out: Tensor?) -> Tensor {
        precondition(lower != nil || upper != nil, "clamp: At least one of 'min' or 'max' must not be None")
        let dtype = resultType([self], scalars: [lower, upper].compactMap { $0 })
        precondition(dtype != .bool, "clamp: \"clamp_scalar_cpu\" not implemented for 'Bool'")
        if let out {
            ElementwiseDispatch.checkInPlace(out, resultDType: dtype, shape: shape, op: "clamp")
            if out.dtype != dtype { return out.copy_(to(dtype).clamp(min: lower, max: upper)) }
        }
        return ElementwiseDispatch.unary(to(dtype), ClampOp(lower: lower, upper: upper), out: out)
    }
}
