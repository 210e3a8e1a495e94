import CEmberKernels
import RealModule

/// The activation maths of `torch.nn.functional`: relu, relu6, hardtanh, gelu, silu, softplus,
/// elu, selu, celu, leaky_relu, hardswish, hardsigmoid, mish, logsigmoid, tanhshrink. All
/// but relu are defined for floating tensors only, as in PyTorch.

struct ReluOp: UnaryOp {
    var name: String { "relu" }
    var integersPromoteToFloat: Bool { false }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { x < 0 ? 0 : x }
    @inline(__always) func apply<T: IntegerElement>(_ x: T) -> T { x < 0 ? 0 : x }
}

struct HardtanhOp: UnaryOp {
    let lower: Double, upper: Double
    var name: String { "hardtanh" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T {
        let l = T(fromDouble: lower), u = T(fromDouble: upper)
        return x < l ? l : (x > u ? u : x)
    }
}

/// How `gelu` computes the normal CDF: exactly with erf, or PyTorch's tanh approximation.
public enum GeluApproximation: Sendable {
    case none, tanh
}

struct GeluOp: UnaryOp {
    var name: String { "gelu" }
    // x Φ(x) = x/2 erfc(-x/√2): erfc keeps relative accuracy in the negative tail. Evaluated in
    // double: in float32 the rounding of x/√2 alone moves erfc by 2e-6 relative at x = -6.
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T {
        let d = x.doubleValue
        return T(fromDouble: 0.5 * d * Double.erfc(-d * 0.70710678118654752440))
    }
}

struct GeluTanhOp: UnaryOp {
    var name: String { "gelu" }
    // 0.5 x (1 + tanh(u)) = x / (1 + e^(-2u)): the same function without the cancellation of
    // 1 + tanh(u) for negative u; in double for the same reason as `GeluOp`.
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T {
        let d = x.doubleValue
        let inner = 0.79788456080286535588 * (d + 0.044715 * d * d * d)
        return d == .infinity ? x : T(fromDouble: d / (1 + Double.exp(-2 * inner)))
    }
}

struct SiluOp: UnaryOp {
    var name: String { "silu" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { x / (1 + T.exp(-x)) }
}

struct SoftplusOp: UnaryOp {
    let beta: Double, threshold: Double
    var name: String { "softplus" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T {
        let b = T(fromDouble: beta)
        return x * b > T(fromDouble: threshold) ? x : T.log(onePlus: T.exp(x * b)) / b
    }
}

/// elu's general form, which selu and celu share: x > 0 ? scale x : alpha scale (e^(inputScale x) - 1).
struct EluOp: UnaryOp {
    let alpha: Double, scale: Double, inputScale: Double
    var name: String { "elu" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T {
        x <= 0
            ? T.expMinusOne(x * T(fromDouble: inputScale)) * T(fromDouble: alpha * scale)
            : x * T(fromDouble: scale)
    }
}

struct LeakyReluOp: UnaryOp {
    let negativeSlope: Double
    var name: String { "leaky_relu" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { x > 0 ? x : x * T(fromDouble: negativeSlope) }
}

struct HardswishOp: UnaryOp {
    var name: String { "hardswish" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T {
        let r = x + 3
        return x * (r < 0 ? 0 : (r > 6 ? 6 : r)) / 6
    }
}

struct HardsigmoidOp: UnaryOp {
    var name: String { "hardsigmoid" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T {
        let r = x + 3
        return (r < 0 ? 0 : (r > 6 ? 6 : r)) / 6
    }
}

struct MishOp: UnaryOp {
    var name: String { "mish" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { x * T.tanh(T.log(onePlus: T.exp(x))) }
}

struct LogsigmoidOp: UnaryOp {
    var name: String { "logsigmoid" }
    // min(x, 0) - log1p(e^-|x|): never overflows.
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T { (x < 0 ? x : 0) - T.log(onePlus: T.exp(-x.magnitude)) }
}

/// x - tanh(x) cancels near 0: a Taylor series below |x| = 0.1 (x^3/3 - 2x^5/15 + ...; the first
/// term left out is below 1e-9 relative), and double precision above.
struct TanhshrinkOp: UnaryOp {
    var name: String { "tanhshrink" }
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T {
        if x.magnitude < T(fromDouble: 0.1) {
            let x2 = x * x
            let series = T(fromDouble: 1.0 / 3) - x2 * (T(fromDouble: 2.0 / 15) - x2 * (T(fromDouble: 17.0 / 315) - x2 * T(fromDouble: 62.0 / 2835)))
            return x * x2 * series
        }
        let d = x.doubleValue
        return T(fromDouble: d - Double.tanh(d))
    }
}

extension Tensor {
    /// `torch.relu`: max(x, 0); integer tensors keep their dtype.
    public func relu() -> Tensor {
        checkNotBool("relu", "\"clamp_min_scalar_cpu\" not implemented for 'Bool'")
        return unaryOp("ReluBackward0", saving: .output, { ElementwiseDispatch.unary(self, ReluOp()) }) { grad, y in
            ActivationBackward.relu(grad, y)
        }
    }
    @discardableResult public func relu_() -> Tensor {
        checkNotBool("relu_", "\"clamp_min_scalar_cpu\" not implemented for 'Bool'")
        return inPlaceOp("relu_", raw: { _ = ElementwiseDispatch.unary(self, ReluOp(), out: self) }) { $0.relu() }
    }

    /// `F.hardtanh(x, min_val, max_val)`: x clamped to [minVal, maxVal]; the gradient is zero
    /// at and beyond the bounds.
    public func hardtanh(minVal: Double = -1, maxVal: Double = 1) -> Tensor {
        let op = HardtanhOp(lower: minVal, upper: maxVal)
        guard ElementwiseAutograd.needed(self) else { return ElementwiseDispatch.floatUnary(self, op) }
        return recordUnary("HardtanhBackward0", withNoGrad { ElementwiseDispatch.floatUnary(self, op) }, saving: .input) { grad, x in
            ActivationBackward.hardtanh(grad, x, lower: minVal, upper: maxVal)
        }
    }
    /// In-place hardtanh; with autograd it saves the result, which tells the same bounds.
    @discardableResult public func hardtanh_(minVal: Double = -1, maxVal: Double = 1) -> Tensor {
        let op = HardtanhOp(lower: minVal, upper: maxVal)
        return inPlaceOp("hardtanh_", raw: { _ = ElementwiseDispatch.floatUnary(self, op, out: self) }) { old in
            old.recordUnary("HardtanhBackward0", withNoGrad { ElementwiseDispatch.floatUnary(old, op) }, saving: .output) { grad, y in
                ActivationBackward.hardtanh(grad, y, lower: minVal, upper: maxVal)
            }
        }
    }
    /// `F.relu6`: hardtanh to [0, 6].
    public func relu6() -> Tensor { hardtanh(minVal: 0, maxVal: 6) }

    /// `F.gelu(x, approximate=)`: x Φ(x), or PyTorch's tanh approximation. Contiguous float32
    /// runs through a vectorised kernel (relative error below 5e-7).
    public func gelu(approximate: GeluApproximation = .none) -> Tensor {
        guard ElementwiseAutograd.needed(self) else { return gelu(approximate, out: nil) }
        return recordUnary("GeluBackward0", withNoGrad { gelu(approximate, out: nil) }, saving: .input) { grad, x in
            ActivationBackward.gelu(grad, x, approximate)
        }
    }
    @discardableResult public func gelu_(approximate: GeluApproximation = .none) -> Tensor {
        inPlaceOp("gelu_", raw: { _ = gelu(approximate, out: self) }) { $0.gelu(approximate: approximate) }
    }

    /// `F.silu` (swish): x sigmoid(x).
    public func silu() -> Tensor {
        unaryOp("SiluBackward0", saving: .input, { floatActivation(SiluOp(), out: nil, fast: ember_silu_f32) }) { grad, x in
            ActivationBackward.silu(grad, x)
        }
    }
    @discardableResult public func silu_() -> Tensor {
        inPlaceOp("silu_", raw: { _ = floatActivation(SiluOp(), out: self, fast: ember_silu_f32) }) { $0.silu() }
    }

    /// `F.softplus(x, beta, threshold)`: log(1 + e^(beta x)) / beta, linear above the threshold.
    public func softplus(beta: Double = 1, threshold: Double = 20) -> Tensor {
        let op = SoftplusOp(beta: beta, threshold: threshold)
        guard ElementwiseAutograd.needed(self) else { return ElementwiseDispatch.floatUnary(self, op) }
        return recordUnary("SoftplusBackward0", withNoGrad { ElementwiseDispatch.floatUnary(self, op) }, saving: .input) { grad, x in
            ActivationBackward.softplus(grad, x, beta: beta, threshold: threshold)
        }
    }

    /// `F.elu(x, alpha)`.
    public func elu(alpha: Double = 1) -> Tensor { elu(EluOp(alpha: alpha, scale: 1, inputScale: 1), name: "EluBackward0") }
    /// In-place elu; with autograd it saves the result (`EluBackward1`), which needs alpha >= 0.
    @discardableResult public func elu_(alpha: Double = 1) -> Tensor {
        let op = EluOp(alpha: alpha, scale: 1, inputScale: 1)
        return inPlaceOp("elu_", raw: { _ = ElementwiseDispatch.floatUnary(self, op, out: self) }) { old in
            precondition(
                alpha >= 0,
                "elu_: In-place elu backward calculation is triggered with a negative slope which is not supported. This is caused by calling in-place forward function with a negative slope, please call out-of-place version instead.")
            return old.recordUnary("EluBackward1", withNoGrad { ElementwiseDispatch.floatUnary(old, op) }, saving: .output) { grad, y in
                ActivationBackward.eluFromResult(grad, y, op)
            }
        }
    }
    /// `F.selu`: elu with the self-normalising constants (PyTorch records it as `EluBackward0`).
    public func selu() -> Tensor {
        elu(EluOp(alpha: 1.6732632423543772848170429916717, scale: 1.0507009873554804934193349852946, inputScale: 1), name: "EluBackward0")
    }
    /// `F.celu(x, alpha)`: max(0, x) + min(0, alpha (e^(x/alpha) - 1)).
    public func celu(alpha: Double = 1) -> Tensor {
        precondition(alpha != 0, "celu: ZeroDivisionError (alpha must not be 0)")
        return elu(EluOp(alpha: alpha, scale: 1, inputScale: 1 / alpha), name: "CeluBackward0")
    }

    private func elu(_ op: EluOp, name: String) -> Tensor {
        guard ElementwiseAutograd.needed(self) else { return ElementwiseDispatch.floatUnary(self, op) }
        return recordUnary(name, withNoGrad { ElementwiseDispatch.floatUnary(self, op) }, saving: .input) { grad, x in
            ActivationBackward.elu(grad, x, op)
        }
    }

    /// `F.leaky_relu(x, negative_slope)`.
    public func leakyRelu(negativeSlope: Double = 0.01) -> Tensor {
        let op = LeakyReluOp(negativeSlope: negativeSlope)
        guard ElementwiseAutograd.needed(self) else { return ElementwiseDispatch.floatUnary(self, op) }
        return recordUnary("LeakyReluBackward0", withNoGrad { ElementwiseDispatch.floatUnary(self, op) }, saving: .input) { grad, x in
            ActivationBackward.leakyRelu(grad, x, slope: negativeSlope)
        }
    }
    /// In-place leaky relu; with autograd it saves the result (`LeakyReluBackward1`), which
    /// needs a non-negative slope.
    @discardableResult public func leakyRelu_(negativeSlope: Double = 0.01) -> Tensor {
        let op = LeakyReluOp(negativeSlope: negativeSlope)
        return inPlaceOp("leaky_relu_", raw: { _ = ElementwiseDispatch.floatUnary(self, op, out: self) }) { old in
            precondition(
                negativeSlope >= 0,
                "leaky_relu_: In-place leakyReLu backward calculation is triggered with a negative slope which is not supported. This is caused by calling in-place forward function with a negative slope, please call out-of-place version instead.")
            return old.recordUnary("LeakyReluBackward1", withNoGrad { ElementwiseDispatch.floatUnary(old, op) }, saving: .output) { grad, y in
                ActivationBackward.leakyRelu(grad, y, slope: negativeSlope)
            }
        }
    }

    /// `F.hardswish`: x relu6(x + 3) / 6.
    public func hardswish() -> Tensor {
        unaryOp("HardswishBackward0", saving: .input, { ElementwiseDispatch.floatUnary(self, HardswishOp()) }) { grad, x in
            ActivationBackward.hardswish(grad, x)
        }
    }
    @discardableResult public func hardswish_() -> Tensor {
        inPlaceOp("hardswish_", raw: { _ = ElementwiseDispatch.floatUnary(self, HardswishOp(), out: self) }) { $0.hardswish() }
    }
    /// `F.hardsigmoid`: relu6(x + 3) / 6.
    public func hardsigmoid() -> Tensor {
        unaryOp("HardsigmoidBackward0", saving: .input, { ElementwiseDispatch.floatUnary(self, HardsigmoidOp()) }) { grad, x in
            ActivationBackward.hardsigmoid(grad, x)
        }
    }
    @discardableResult public func hardsigmoid_() -> Tensor {
        inPlaceOp("hardsigmoid_", raw: { _ = ElementwiseDispatch.floatUnary(self, HardsigmoidOp(), out: self) }) { $0.hardsigmoid() }
    }
    /// `F.mish`: x tanh(softplus(x)).
    public func mish() -> Tensor {
        unaryOp("MishBackward0", saving: .input, { ElementwiseDispatch.floatUnary(self, MishOp()) }) { grad, x in
            ActivationBackward.mish(grad, x)
        }
    }
    @discardableResult public func mish_() -> Tensor {
        inPlaceOp("mish_", raw: { _ = ElementwiseDispatch.floatUnary(self, MishOp(), out: self) }) { $0.mish() }
    }
    /// `F.logsigmoid`: log(sigmoid(x)), computed without overflow.
    public func logsigmoid() -> Tensor {
        unaryOp("LogSigmoidBackward0", saving: .input, { ElementwiseDispatch.floatUnary(self, LogsigmoidOp()) }) { grad, x in
            ActivationBackward.logsigmoid(grad, x)
        }
    }
    /// `F.tanhshrink`: x - tanh(x). PyTorch composes it, so its node is the subtraction's
    /// (`SubBackward0`); the gradient is grad tanh²(x).
    public func tanhshrink() -> Tensor {
        unaryOp("SubBackward0", saving: .input, { ElementwiseDispatch.floatUnary(self, TanhshrinkOp()) }) { grad, x in
            grad.mul(x.tanh().pow(2))
        }
    }

    private func gelu(_ approximate: GeluApproximation, out: Tensor?) -> Tensor {
        switch approximate {
        case .none: return floatActivation(GeluOp(), out: out, fast: ember_gelu_f32)
        case .tanh: return floatActivation(GeluTanhOp(), out: out, fast: ember_gelu_tanh_f32)
        }
    }

    private func floatActivation<Op: UnaryOp>(_ op: Op, out: Tensor?, fast kernel: FloatKernels.Kernel) -> Tensor {
        precondition(dtype.isFloatingPoint, "\(op.name): \"\(op.name)_cpu\" not implemented for '\(dtype.scalarTypeName)'")
        return ElementwiseDispatch.unary(self, op, out: out, fast: kernel)
    }
}
