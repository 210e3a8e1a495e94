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
    // x Φ(x) = x/2 erfc(-x/√2): erfc keeps relative accuracy in the negative tail.
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T {
        x * T(fromDouble: 0.5) * T.erfc(-x * T(fromDouble: 0.70710678118654752440))
    }
}

struct GeluTanhOp: UnaryOp {
    var name: String { "gelu" }
    // 0.5 x (1 + tanh(u)) = x / (1 + e^(-2u)): the same function without the cancellation of
    // 1 + tanh(u) for negative u.
    @inline(__always) func apply<T: FloatElement>(_ x: T) -> T {
        let inner = T(fromDouble: 0.79788456080286535588) * (x + T(fromDouble: 0.044715) * x * x * x)
        return x == .infinity ? x : x / (1 + T.exp(-2 * inner))
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
        return ElementwiseDispatch.unary(self, ReluOp())
    }
    @discardableResult public func relu_() -> Tensor {
        checkNotBool("relu_", "\"clamp_min_scalar_cpu\" not implemented for 'Bool'")
        return ElementwiseDispatch.unary(self, ReluOp(), out: self)
    }

    /// `F.hardtanh(x, min_val, max_val)`: x clamped to [minVal, maxVal].
    public func hardtanh(minVal: Double = -1, maxVal: Double = 1) -> Tensor {
        ElementwiseDispatch.floatUnary(self, HardtanhOp(lower: minVal, upper: maxVal))
    }
    @discardableResult public func hardtanh_(minVal: Double = -1, maxVal: Double = 1) -> Tensor {
        ElementwiseDispatch.floatUnary(self, HardtanhOp(lower: minVal, upper: maxVal), out: self)
    }
    /// `F.relu6`: hardtanh to [0, 6].
    public func relu6() -> Tensor { hardtanh(minVal: 0, maxVal: 6) }

    /// `F.gelu(x, approximate=)`: x Φ(x), or PyTorch's tanh approximation. Contiguous float32
    /// runs through a vectorised kernel (relative error below 5e-7).
    public func gelu(approximate: GeluApproximation = .none) -> Tensor { gelu(approximate, out: nil) }
    @discardableResult public func gelu_(approximate: GeluApproximation = .none) -> Tensor { gelu(approximate, out: self) }

    /// `F.silu` (swish): x sigmoid(x).
    public func silu() -> Tensor { floatActivation(SiluOp(), out: nil, fast: ember_silu_f32) }
    @discardableResult public func silu_() -> Tensor { floatActivation(SiluOp(), out: self, fast: ember_silu_f32) }

    /// `F.softplus(x, beta, threshold)`: log(1 + e^(beta x)) / beta, linear above the threshold.
    public func softplus(beta: Double = 1, threshold: Double = 20) -> Tensor {
        ElementwiseDispatch.floatUnary(self, SoftplusOp(beta: beta, threshold: threshold))
    }

    /// `F.elu(x, alpha)`.
    public func elu(alpha: Double = 1) -> Tensor { ElementwiseDispatch.floatUnary(self, EluOp(alpha: alpha, scale: 1, inputScale: 1)) }
    @discardableResult public func elu_(alpha: Double = 1) -> Tensor {
        ElementwiseDispatch.floatUnary(self, EluOp(alpha: alpha, scale: 1, inputScale: 1), out: self)
    }
    /// `F.selu`: elu with the self-normalising constants.
    public func selu() -> Tensor {
        ElementwiseDispatch.floatUnary(self, EluOp(alpha: 1.6732632423543772848170429916717, scale: 1.0507009873554804934193349852946, inputScale: 1))
    }
    /// `F.celu(x, alpha)`: max(0, x) + min(0, alpha (e^(x/alpha) - 1)).
    public func celu(alpha: Double = 1) -> Tensor {
        precondition(alpha != 0, "celu: ZeroDivisionError (alpha must not be 0)")
        return ElementwiseDispatch.floatUnary(self, EluOp(alpha: alpha, scale: 1, inputScale: 1 / alpha))
    }

    /// `F.leaky_relu(x, negative_slope)`.
    public func leakyRelu(negativeSlope: Double = 0.01) -> Tensor {
        ElementwiseDispatch.floatUnary(self, LeakyReluOp(negativeSlope: negativeSlope))
    }
    @discardableResult public func leakyRelu_(negativeSlope: Double = 0.01) -> Tensor {
        ElementwiseDispatch.floatUnary(self, LeakyReluOp(negativeSlope: negativeSlope), out: self)
    }

    /// `F.hardswish`: x relu6(x + 3) / 6.
    public func hardswish() -> Tensor { ElementwiseDispatch.floatUnary(self, HardswishOp()) }
    @discardableResult public func hardswish_() -> Tensor { ElementwiseDispatch.floatUnary(self, HardswishOp(), out: self) }
    /// `F.hardsigmoid`: relu6(x + 3) / 6.
    public func hardsigmoid() -> Tensor { ElementwiseDispatch.floatUnary(self, HardsigmoidOp()) }
    @discardableResult public func hardsigmoid_() -> Tensor { ElementwiseDispatch.floatUnary(self, HardsigmoidOp(), out: self) }
    /// `F.mish`: x tanh(softplus(x)).
    public func mish() -> Tensor { ElementwiseDispatch.floatUnary(self, MishOp()) }
    @discardableResult public func mish_() -> Tensor { ElementwiseDispatch.floatUnary(self, MishOp(), out: self) }
    /// `F.logsigmoid`: log(sigmoid(x)), computed without overflow.
    public func logsigmoid() -> Tensor { ElementwiseDispatch.floatUnary(self, LogsigmoidOp()) }
    /// `F.tanhshrink`: x - tanh(x).
    public func tanhshrink() -> Tensor { ElementwiseDispatch.floatUnary(self, TanhshrinkOp()) }

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
