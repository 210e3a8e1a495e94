/// Rounding: floor, ceil, round (half to even, with decimals), trunc, frac. Integer tensors
/// pass through floor/ceil/round/trunc unchanged, as in PyTorch.

struct FloorOp: UnaryOp {
    var name: String { "floor" }
    var integersPromoteToFloat: Bool { false }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { x.rounded(.down) }
    @inline(__always) func apply<T: IntegerElement>(_ x: T) -> T { x }
}

struct CeilOp: UnaryOp {
    var name: String { "ceil" }
    var integersPromoteToFloat: Bool { false }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { x.rounded(.up) }
    @inline(__always) func apply<T: IntegerElement>(_ x: T) -> T { x }
}

struct TruncOp: UnaryOp {
    var name: String { "trunc" }
    var integersPromoteToFloat: Bool { false }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { x.rounded(.towardZero) }
    @inline(__always) func apply<T: IntegerElement>(_ x: T) -> T { x }
}

struct FracOp: UnaryOp {
    var name: String { "frac" }
    var integersPromoteToFloat: Bool { false }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { x - x.rounded(.towardZero) }
}

/// Half-to-even rounding; with `decimals`, PyTorch's formula: scale by 10^d, round, unscale
/// (for negative d, divide first), all in the compute dtype.
struct RoundOp: UnaryOp {
    var decimals: Int = 0
    var name: String { "round" }
    var integersPromoteToFloat: Bool { false }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T {
        if decimals == 0 { return x.rounded(.toNearestOrEven) }
        if decimals > 0 {
            let scale = T(fromDouble: pow10(decimals))
            return (x * scale).rounded(.toNearestOrEven) / scale
        }
        let scale = T(fromDouble: pow10(-decimals))
        return (x / scale).rounded(.toNearestOrEven) * scale
    }
    @inline(__always) func apply<T: IntegerElement>(_ x: T) -> T { x }

    private func pow10(_ n: Int) -> Double {
        var result = 1.0
        for _ in 0..<n { result *= 10 }
        return result
    }
}

extension Tensor {
    /// `torch.floor`. Rounding is a step function: its gradient is zero, as in PyTorch.
    public func floor() -> Tensor { zeroGradOp("FloorBackward0") { rounding(FloorOp()) } }
    /// `torch.ceil`.
    public func ceil() -> Tensor { zeroGradOp("CeilBackward0") { rounding(CeilOp()) } }
    /// `torch.trunc`: rounds toward zero.
    public func trunc() -> Tensor { zeroGradOp("TruncBackward0") { rounding(TruncOp()) } }
    /// `torch.frac`: x - trunc(x), keeping the sign. Floating tensors only. Its gradient is
    /// the incoming one (trunc's part is zero).
    public func frac() -> Tensor {
        unaryOp("FracBackward0", saving: .nothing, { ElementwiseDispatch.floatUnary(self, FracOp()) }) { grad, _ in grad }
    }
    /// `torch.round(decimals=)`: half to even (`round(2.5) == 2`), like PyTorch and NumPy.
    public func round(decimals: Int = 0) -> Tensor {
        precondition(decimals == 0 || dtype.isFloatingPoint, "round: \"round_cpu\" not implemented for '\(dtype.scalarTypeName)' with decimals")
        return zeroGradOp(decimals == 0 ? "RoundBackward0" : "RoundBackward1") { rounding(RoundOp(decimals: decimals)) }
    }

    @discardableResult public func floor_() -> Tensor {
        inPlaceOp("floor_", raw: { _ = rounding(FloorOp(), out: self) }) { $0.floor() }
    }
    @discardableResult public func ceil_() -> Tensor {
        inPlaceOp("ceil_", raw: { _ = rounding(CeilOp(), out: self) }) { $0.ceil() }
    }
    @discardableResult public func trunc_() -> Tensor {
        inPlaceOp("trunc_", raw: { _ = rounding(TruncOp(), out: self) }) { $0.trunc() }
    }
    @discardableResult public func frac_() -> Tensor {
        inPlaceOp("frac_", raw: { _ = ElementwiseDispatch.floatUnary(self, FracOp(), out: self) }) { $0.frac() }
    }
    @discardableResult public func round_(decimals: Int = 0) -> Tensor {
        inPlaceOp("round_", raw: { _ = rounding(RoundOp(decimals: decimals), out: self) }) { $0.round(decimals: decimals) }
    }

    private func rounding<Op: UnaryOp>(_ op: Op, out: Tensor? = nil) -> Tensor {
        precondition(dtype != .bool, "\(op.name): \"\(op.name)_cpu\" not implemented for 'Bool'")
        return ElementwiseDispatch.unary(self, op, out: out)
    }
}
