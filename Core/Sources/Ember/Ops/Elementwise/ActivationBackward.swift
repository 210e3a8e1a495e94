import RealModule

/// Backward formulas of the activations, each in two forms: a fused kernel (one pass, like
/// PyTorch's `threshold_backward`, `sigmoid_backward`, `gelu_backward`...) for the usual
/// backward, and a composition of differentiable ops for `createGraph: true`, so that second
/// derivatives come out of the same formula. Backward runs with grad mode equal to
/// `createGraph`, which is how each function picks its form.
///
/// Each function takes the incoming gradient and what the op saved (its input `x` or its
/// output `y`).
enum ActivationBackward {
    /// `threshold_backward(grad, result, 0)`: the gradient where the relu output is positive.
    static func relu(_ grad: Tensor, _ y: Tensor) -> Tensor {
        guard GradMode.isEnabled else { return fused(grad, y, ThresholdBackwardOp()) }
        return Tensor.where(y.le(0), 0, grad)
    }

    /// `sigmoid_backward`: grad (1 - y) y.
    static func sigmoid(_ grad: Tensor, _ y: Tensor) -> Tensor {
        guard GradMode.isEnabled else { return fused(grad, y, SigmoidBackwardOp()) }
        return grad.mul(1 - y).mul(y)
    }

    /// `tanh_backward`: grad (1 - y²).
    static func tanh(_ grad: Tensor, _ y: Tensor) -> Tensor {
        guard GradMode.isEnabled else { return fused(grad, y, TanhBackwardOp()) }
        return grad.mul(1 - y.mul(y))
    }

    /// `gelu_backward`: grad (Φ(x) + x φ(x)), or the derivative of the tanh approximation.
    static func gelu(_ grad: Tensor, _ x: Tensor, _ approximate: GeluApproximation) -> Tensor {
        guard GradMode.isEnabled else {
            switch approximate {
            case .none: return fused(grad, x, GeluBackwardOp())
            case .tanh: return fused(grad, x, GeluTanhBackwardOp())
            }
        }
        switch approximate {
        case .none:
            let cdf = x.mul(0.70710678118654752440).erf().add(1).mul(0.5)
            let pdf = x.mul(x).mul(-0.5).exp().mul(0.39894228040143267794)
            return grad.mul(cdf.add(x.mul(pdf)))
        case .tanh:
            let inner = x.add(x.mul(x).mul(x).mul(0.044715)).mul(0.79788456080286535588)
            let t = inner.tanh()
            let leftDerivative = t.add(1).mul(0.5)
            let rightDerivative = (1 - t.mul(t)).mul(x.mul(x).mul(.double(3 * 0.044715)).add(1).mul(0.79788456080286535588))
            return grad.mul(leftDerivative.add(x.mul(0.5).mul(rightDerivative)))
        }
    }

    /// `silu_backward`: grad s (1 + x (1 - s)) with s = sigmoid(x).
    static func silu(_ grad: Tensor, _ x: Tensor) -> Tensor {
        guard GradMode.isEnabled else { return fused(grad, x, SiluBackwardOp()) }
        let s = x.sigmoid()
        return grad.mul(s).mul(x.mul(1 - s).add(1))
    }

    /// `softplus_backward`: grad sigmoid(beta x), or grad above the linear threshold.
    static func softplus(_ grad: Tensor, _ x: Tensor, beta: Double, threshold: Double) -> Tensor {
        guard GradMode.isEnabled else { return fused(grad, x, SoftplusBackwardOp(beta: beta, threshold: threshold)) }
        let scaled = x.mul(.double(beta))
        return Tensor.where(scaled.gt(.double(threshold)), grad, grad.mul(scaled.sigmoid()))
    }

    /// `elu_backward` from the input: grad inputScale alpha scale e^(inputScale x) for x <= 0,
    /// grad scale above.
    static func elu(_ grad: Tensor, _ x: Tensor, _ op: EluOp) -> Tensor {
        guard GradMode.isEnabled else { return fused(grad, x, EluBackwardOp(op: op, isResult: false)) }
        // The exponential of the clamped input: the unselected branch must stay finite, or
        // its zero gradient would become NaN (0 * inf) in double backward.
        let negative = grad.mul(.double(op.inputScale)).mul(.double(op.alpha * op.scale))
            .mul(x.clamp(max: 0).mul(.double(op.inputScale)).exp())
        return Tensor.where(x.le(0), negative, grad.mul(.double(op.scale)))
    }

    /// `elu_backward` from the output (the in-place form): grad inputScale (y + alpha scale)
    /// for y <= 0, grad scale above.
    static func eluFromResult(_ grad: Tensor, _ y: Tensor, _ op: EluOp) -> Tensor {
        guard GradMode.isEnabled else { return fused(grad, y, EluBackwardOp(op: op, isResult: true)) }
        return Tensor.where(y.le(0), grad.mul(.double(op.inputScale)).mul(y.add(.double(op.alpha * op.scale))), grad.mul(.double(op.scale)))
    }

    /// `leaky_relu_backward`: grad for positive inputs (or outputs), grad slope otherwise.
    static func leakyRelu(_ grad: Tensor, _ x: Tensor, slope: Double) -> Tensor {
        guard GradMode.isEnabled else { return fused(grad, x, LeakyReluBackwardOp(slope: slope)) }
        return Tensor.where(x.gt(0), grad, grad.mul(.double(slope)))
    }

    /// `hardtanh_backward`: zero at and beyond the bounds.
    static func hardtanh(_ grad: Tensor, _ x: Tensor, lower: Double, upper: Double) -> Tensor {
        guard GradMode.isEnabled else { return fused(grad, x, HardtanhBackwardOp(lower: lower, upper: upper)) }
        return grad.maskedFill(x.le(.double(lower)).logicalOr(x.ge(.double(upper))), 0)
    }

    /// `hardswish_backward`: 0 up to -3, grad (x/3 + 1/2) strictly inside (-3, 3), grad from 3
    /// on (PyTorch's choice at the two kinks).
    static func hardswish(_ grad: Tensor, _ x: Tensor) -> Tensor {
        guard GradMode.isEnabled else { return fused(grad, x, HardswishBackwardOp()) }
        return Tensor.where(x.le(-3), 0, Tensor.where(x.lt(3), grad.mul(x.div(3).add(0.5)), grad))
    }

    /// `hardsigmoid_backward`: grad / 6 strictly inside (-3, 3), zero outside.
    static func hardsigmoid(_ grad: Tensor, _ x: Tensor) -> Tensor {
        guard GradMode.isEnabled else { return fused(grad, x, HardsigmoidBackwardOp()) }
        return Tensor.where(x.gt(-3).logicalAnd(x.lt(3)), grad.div(6), 0)
    }

    /// `mish_backward`: grad (t + x s (1 - t²)) with t = tanh(softplus(x)), s = sigmoid(x).
    static func mish(_ grad: Tensor, _ x: Tensor) -> Tensor {
        guard GradMode.isEnabled else { return fused(grad, x, MishBackwardOp()) }
        let s = x.sigmoid(), t = x.softplus().tanh()
        return grad.mul(t.add(x.mul(s).mul(1 - t.mul(t))))
    }

    /// `log_sigmoid_backward`: grad sigmoid(-x).
    static func logsigmoid(_ grad: Tensor, _ x: Tensor) -> Tensor {
        guard GradMode.isEnabled else { return fused(grad, x, LogSigmoidBackwardOp()) }
        return grad.mul(x.neg().sigmoid())
    }

    private static func fused<Op: BackwardOp>(_ grad: Tensor, _ saved: Tensor, _ op: Op) -> Tensor {
        ElementwiseDispatch.binary(.tensor(grad), .tensor(saved), op)
    }
}

/// A fused backward kernel: `apply(grad, saved)` per element, for floating tensors only.
protocol BackwardOp: BinaryOp {}

extension BackwardOp {
    func apply<T: IntegerElement>(_ a: T, _ b: T) -> T { preconditionFailure("\(name): gradients are floating") }
}

struct ThresholdBackwardOp: BackwardOp {
    var name: String { "threshold_backward" }
    @inline(__always) func apply<T: FloatElement>(_ g: T, _ y: T) -> T { y <= 0 ? 0 : g }
}

struct SigmoidBackwardOp: BackwardOp {
    var name: String { "sigmoid_backward" }
    @inline(__always) func apply<T: FloatElement>(_ g: T, _ y: T) -> T { g * (1 - y) * y }
}

struct TanhBackwardOp: BackwardOp {
    var name: String { "tanh_backward" }
    @inline(__always) func apply<T: FloatElement>(_ g: T, _ y: T) -> T { g * (1 - y * y) }
}

/// Φ(x) + x φ(x) in double: Φ from erfc keeps the negative tail accurate, as in `GeluOp`.
struct GeluBackwardOp: BackwardOp {
    var name: String { "gelu_backward" }
    @inline(__always) func apply<T: FloatElement>(_ g: T, _ x: T) -> T {
        let d = x.doubleValue
        let cdf = 0.5 * Double.erfc(-d * 0.70710678118654752440)
        let pdf = 0.39894228040143267794 * Double.exp(-0.5 * d * d)
        return T(fromDouble: g.doubleValue * (cdf + d * pdf))
    }
}

struct GeluTanhBackwardOp: BackwardOp {
    var name: String { "gelu_backward" }
    @inline(__always) func apply<T: FloatElement>(_ g: T, _ x: T) -> T {
        let d = x.doubleValue
        let beta = 0.79788456080286535588, kappa = 0.044715
        let t = Double.tanh(beta * (d + kappa * d * d * d))
        let left = 0.5 * d, right = 1 + t
        let rightDerivative = (1 - t * t) * beta * (1 + 3 * kappa * d * d)
        return T(fromDouble: g.doubleValue * (0.5 * right + left * rightDerivative))
    }
}

struct SiluBackwardOp: BackwardOp {
    var name: String { "silu_backward" }
    @inline(__always) func apply<T: FloatElement>(_ g: T, _ x: T) -> T {
        let s = 1 / (1 + T.exp(-x))
        return g * s * (1 + x * (1 - s))
    }
}

struct SoftplusBackwardOp: BackwardOp {
    let beta: Double, threshold: Double
    var name: String { "softplus_backward" }
    @inline(__always) func apply<T: FloatElement>(_ g: T, _ x: T) -> T {
        let scaled = x * T(fromDouble: beta)
        if scaled > T(fromDouble: threshold) { return g }
        let z = T.exp(scaled)
        return g * z / (z + 1)
    }
}

struct EluBackwardOp: BackwardOp {
    let op: EluOp, isResult: Bool
    var name: String { "elu_backward" }
    @inline(__always) func apply<T: FloatElement>(_ g: T, _ v: T) -> T {
        let negcoef = T(fromDouble: op.alpha * op.scale), poscoef = T(fromDouble: op.scale)
        let negiptcoef = T(fromDouble: op.inputScale)
        if v > 0 { return g * poscoef }
        return isResult ? g * negiptcoef * (v + negcoef) : g * negiptcoef * negcoef * T.exp(v * negiptcoef)
    }
}

struct LeakyReluBackwardOp: BackwardOp {
    let slope: Double
    var name: String { "leaky_relu_backward" }
    @inline(__always) func apply<T: FloatElement>(_ g: T, _ x: T) -> T { x > 0 ? g : g * T(fromDouble: slope) }
}

struct HardtanhBackwardOp: BackwardOp {
    let lower: Double, upper: Double
    var name: String { "hardtanh_backward" }
    @inline(__always) func apply<T: FloatElement>(_ g: T, _ x: T) -> T {
        x <= T(fromDouble: lower) || x >= T(fromDouble: upper) ? 0 : g
    }
}

struct HardswishBackwardOp: BackwardOp {
    var name: String { "hardswish_backward" }
    @inline(__always) func apply<T: FloatElement>(_ g: T, _ x: T) -> T {
        x <= -3 ? 0 : (x < 3 ? g * (x / 3 + T(fromDouble: 0.5)) : g)
    }
}

struct HardsigmoidBackwardOp: BackwardOp {
    var name: String { "hardsigmoid_backward" }
    @inline(__always) func apply<T: FloatElement>(_ g: T, _ x: T) -> T { x > -3 && x < 3 ? g / 6 : 0 }
}

struct MishBackwardOp: BackwardOp {
    var name: String { "mish_backward" }
    @inline(__always) func apply<T: FloatElement>(_ g: T, _ x: T) -> T {
        let s = 1 / (1 + T.exp(-x))
        let t = T.tanh(T.log(onePlus: T.exp(x)))
        return g * (t + x * s * (1 - t * t))
    }
}

/// PyTorch's form: grad (max_deriv - sign z / (1 + z)) with z = e^-|x|, which never overflows.
struct LogSigmoidBackwardOp: BackwardOp {
    var name: String { "log_sigmoid_backward" }
    @inline(__always) func apply<T: FloatElement>(_ g: T, _ x: T) -> T {
        let z = T.exp(-x.magnitude)
        return x < 0 ? g * (1 - z / (1 + z)) : g * (z / (1 + z))
    }
}
