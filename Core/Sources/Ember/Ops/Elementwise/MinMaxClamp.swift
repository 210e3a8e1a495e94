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
    /// `torch.maximum`: elementwise max with broadcasting; NaN wins. Where the two are equal,
    /// each receives half the gradient (PyTorch's rule).
    public func maximum(_ other: Tensor) -> Tensor {
        let out = ElementwiseDispatch.binary(.tensor(self), .tensor(other), MaximumOp())
        guard ElementwiseAutograd.needed(self, other) else { return out }
        return Tensor.recordMinMax("MaximumBackward0", self, other, out, isMaximum: true)
    }
    /// `torch.minimum`: elementwise min with broadcasting; NaN wins. Ties split the gradient.
    public func minimum(_ other: Tensor) -> Tensor {
        let out = ElementwiseDispatch.binary(.tensor(self), .tensor(other), MinimumOp())
        guard ElementwiseAutograd.needed(self, other) else { return out }
        return Tensor.recordMinMax("MinimumBackward0", self, other, out, isMaximum: false)
    }

    /// `torch.clamp(self, min, max)` with scalar bounds (either may be nil, not both). The
    /// bounds take part in type promotion: an integer tensor clamped to 0.5 becomes float32.
    /// The gradient passes where min <= x <= max (bounds included, as in PyTorch).
    public func clamp(min lower: Scalar? = nil, max upper: Scalar? = nil) -> Tensor {
        guard ElementwiseAutograd.needed(self) else { return clampScalars(lower, upper, out: nil) }
        let out = withNoGrad { clampScalars(lower, upper, out: nil) }
        return recordUnary("ClampBackward1", out, saving: .input) { grad, x in
            let mask: Tensor
            switch (lower, upper) {
            case let (l?, u?): mask = x.ge(l).logicalAnd(x.le(u))
            case let (l?, nil): mask = x.ge(l)
            case let (nil, u?): mask = x.le(u)
            case (nil, nil): return grad
            }
            return Tensor.where(mask, grad, 0)
        }
    }

    /// `torch.clamp(self, min, max)` with tensor bounds, broadcasting. The gradient goes to
    /// `self` where min <= x <= max, to `min` where x < min (and min < max), to `max` where
    /// x > max or max < min (the bound that wins, as in PyTorch).
    public func clamp(min lower: Tensor? = nil, max upper: Tensor? = nil) -> Tensor {
        precondition(lower != nil || upper != nil, "clamp: At least one of 'min' or 'max' must not be None")
        let anyNeedsGrad = impl.requiresGrad || lower?.impl.requiresGrad == true || upper?.impl.requiresGrad == true
        guard anyNeedsGrad && GradMode.isEnabled else { return clampTensors(lower, upper) }
        let out = withNoGrad { clampTensors(lower, upper) }
        return Tensor.recordClamp(self, lower, upper, out)
    }

    /// `torch.clip`, an alias of `clamp`.
    public func clip(min lower: Scalar? = nil, max upper: Scalar? = nil) -> Tensor { clamp(min: lower, max: upper) }

    @discardableResult public func clamp_(min lower: Scalar? = nil, max upper: Scalar? = nil) -> Tensor {
        inPlaceBinary("clamp_", nil, raw: { clampScalars(lower, upper, out: self) }) { $0.clamp(min: lower, max: upper) }
    }

    @discardableResult public func clamp_(min lower: Tensor? = nil, max upper: Tensor? = nil) -> Tensor {
        inPlaceOp("clamp_", lower, upper, raw: { _ = copy_(clampTensors(lower, upper)) }) {
            $0.clamp(min: lower, max: upper)
        }
    }

    private func clampTensors(_ lower: Tensor?, _ upper: Tensor?) -> Tensor {
        precondition(lower != nil || upper != nil, "clamp: At least one of 'min' or 'max' must not be None")
        var result = self
        if let lower { result = result.maximum(lower) }
        if let upper { result = result.minimum(upper) }
        return result.isSameTensor(self) ? clone() : result
    }

    /// `MaximumBackward0` / `MinimumBackward0`: the winner gets the gradient, ties half each.
    private static func recordMinMax(_ name: String, _ a: Tensor, _ b: Tensor, _ out: Tensor, isMaximum: Bool) -> Tensor {
        let (da, db) = (a.impl.requiresGrad, b.impl.requiresGrad)
        return Autograd.record(name, inputs: [a, b], output: out, saving: [a, b]) { grad, saved in
            let (x, y) = (saved[0], saved[1])
            let shared = Tensor.where(x.eq(y), grad.div(2), grad)
            let aLoses = isMaximum ? x.lt(y) : x.gt(y), bLoses = isMaximum ? x.gt(y) : x.lt(y)
            return [da ? shared.maskedFill(aLoses, 0) : nil, db ? shared.maskedFill(bLoses, 0) : nil]
        }
    }

    /// `ClampBackward0`: PyTorch's `clamp_backward` and `clamp_backward_min_max`.
    private static func recordClamp(_ x: Tensor, _ lower: Tensor?, _ upper: Tensor?, _ out: Tensor) -> Tensor {
        let inputs = [x] + [lower, upper].compactMap { $0 }
        let (hasLower, hasUpper) = (lower != nil, upper != nil)
        let flags = inputs.map { $0.impl.requiresGrad }
        return Autograd.record("ClampBackward0", inputs: inputs, output: out, saving: inputs) { grad, saved in
            let x = saved[0]
            let low = hasLower ? saved[1] : nil, high = hasUpper ? saved[hasLower ? 2 : 1] : nil
            var grads: [Tensor?] = []
            if flags[0] {
                var keep: Tensor
                switch (low, high) {
                case let (l?, h?): keep = x.ge(l).logicalAnd(x.le(h))
                case let (l?, nil): keep = x.ge(l)
                case let (nil, h?): keep = x.le(h)
                case (nil, nil): preconditionFailure("clamp: no bound")
                }
                grads.append(Tensor.where(keep, grad, 0))
            } else {
                grads.append(nil)
            }
            if let l = low {
                let wins = high.map { h in x.lt(l).logicalAnd(l.lt(h)) } ?? x.lt(l)
                grads.append(flags[1] ? Tensor.where(wins, grad, 0) : nil)
            }
            if let h = high {
                let wins = low.map { l in x.gt(h).logicalOr(h.lt(l)) } ?? x.gt(h)
                grads.append(flags[hasLower ? 2 : 1] ? Tensor.where(wins, grad, 0) : nil)
            }
            return grads
        }
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
