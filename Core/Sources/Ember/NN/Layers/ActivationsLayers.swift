/// Activation layers (`nn.ReLU`, `nn.GELU`, ...): each wraps the matching `Functional`
/// function; the ones with an `inplace` flag overwrite their input when it is set.

/// max(x, 0) (`nn.ReLU`).
public final class ReLU: Module, UnaryLayer {
    public let inplace: Bool

    public init(inplace: Bool = false) {
        self.inplace = inplace
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { Functional.relu(input, inplace: inplace) }

    public override var extraRepr: String { inplace ? "inplace=True" : "" }
}

/// min(max(x, 0), 6) (`nn.ReLU6`).
public final class ReLU6: Module, UnaryLayer {
    public let inplace: Bool

    public init(inplace: Bool = false) {
        self.inplace = inplace
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { Functional.relu6(input, inplace: inplace) }

    public override var extraRepr: String { inplace ? "inplace=True" : "" }
}

/// x·sigmoid(x) (swish) (`nn.SiLU`).
public final class SiLU: Module, UnaryLayer {
    public let inplace: Bool

    public init(inplace: Bool = false) {
        self.inplace = inplace
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { Functional.silu(input, inplace: inplace) }

    public override var extraRepr: String { inplace ? "inplace=True" : "" }
}

/// 1 / (1 + e⁻ˣ) (`nn.Sigmoid`).
public final class Sigmoid: Module, UnaryLayer {
    public override init() { super.init() }

    public func callAsFunction(_ input: Tensor) -> Tensor { input.sigmoid() }
}

/// tanh(x) (`nn.Tanh`).
public final class Tanh: Module, UnaryLayer {
    public override init() { super.init() }

    public func callAsFunction(_ input: Tensor) -> Tensor { input.tanh() }
}

/// log(1 + e^(βx)) / β, linear above the threshold (`nn.Softplus`).
public final class Softplus: Module, UnaryLayer {
    public let beta: Double
    public let threshold: Double

    public init(beta: Double = 1, threshold: Double = 20) {
        self.beta = beta
        self.threshold = threshold
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { Functional.softplus(input, beta: beta, threshold: threshold) }

    public override var extraRepr: String { "beta=\(beta), threshold=\(threshold)" }
}

/// x for x > 0, α(eˣ - 1) otherwise (`nn.ELU`).
public final class ELU: Module, UnaryLayer {
    public let alpha: Double
    public let inplace: Bool

    public init(alpha: Double = 1, inplace: Bool = false) {
        self.alpha = alpha
        self.inplace = inplace
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { Functional.elu(input, alpha: alpha, inplace: inplace) }

    public override var extraRepr: String { "alpha=\(alpha)" + (inplace ? ", inplace=True" : "") }
}

/// scaled ELU with the self-normalising constants (`nn.SELU`).
public final class SELU: Module, UnaryLayer {
    public override init() { super.init() }

    public func callAsFunction(_ input: Tensor) -> Tensor { input.selu() }
}

/// max(0, x) + min(0, α(e^(x/α) - 1)) (`nn.CELU`).
public final class CELU: Module, UnaryLayer {
    public let alpha: Double

    public init(alpha: Double = 1) {
        self.alpha = alpha
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { input.celu(alpha: alpha) }

    public override var extraRepr: String { "alpha=\(alpha)" }
}

/// x for x > 0, slope·x otherwise (`nn.LeakyReLU`).
public final class LeakyReLU: Module, UnaryLayer {
    public let negativeSlope: Double
    public let inplace: Bool

    public init(negativeSlope: Double = 0.01, inplace: Bool = false) {
        self.negativeSlope = negativeSlope
        self.inplace = inplace
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { Functional.leakyRelu(input, negativeSlope: negativeSlope, inplace: inplace) }

    public override var extraRepr: String { "negative_slope=\(negativeSlope)" + (inplace ? ", inplace=True" : "") }
}

/// x·relu6(x + 3)/6 (`nn.Hardswish`).
public final class Hardswish: Module, UnaryLayer {
    public let inplace: Bool

    public init(inplace: Bool = false) {
        self.inplace = inplace
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { Functional.hardswish(input, inplace: inplace) }

    public override var extraRepr: String { inplace ? "inplace=True" : "" }
}

/// relu6(x + 3)/6 (`nn.Hardsigmoid`).
public final class Hardsigmoid: Module, UnaryLayer {
    public let inplace: Bool

    public init(inplace: Bool = false) {
        self.inplace = inplace
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { Functional.hardsigmoid(input, inplace: inplace) }

    public override var extraRepr: String { inplace ? "inplace=True" : "" }
}

/// x clamped to [minVal, maxVal] (`nn.Hardtanh`).
public final class Hardtanh: Module, UnaryLayer {
    public let minVal: Double
    public let maxVal: Double
    public let inplace: Bool

    public init(minVal: Double = -1, maxVal: Double = 1, inplace: Bool = false) {
        self.minVal = minVal
        self.maxVal = maxVal
        self.inplace = inplace
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { Functional.hardtanh(input, minVal: minVal, maxVal: maxVal, inplace: inplace) }

    public override var extraRepr: String { "min_val=\(minVal), max_val=\(maxVal)" + (inplace ? ", inplace=True" : "") }
}

/// x·tanh(softplus(x)) (`nn.Mish`).
public final class Mish: Module, UnaryLayer {
    public let inplace: Bool

    public init(inplace: Bool = false) {
        self.inplace = inplace
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { Functional.mish(input, inplace: inplace) }

    public override var extraRepr: String { inplace ? "inplace=True" : "" }
}

/// log(sigmoid(x)) (`nn.LogSigmoid`).
public final class LogSigmoid: Module, UnaryLayer {
    public override init() { super.init() }

    public func callAsFunction(_ input: Tensor) -> Tensor { input.logsigmoid() }
}

/// x / (1 + |x|) (`nn.Softsign`).
public final class Softsign: Module, UnaryLayer {
    public override init() { super.init() }

    public func callAsFunction(_ input: Tensor) -> Tensor { Functional.softsign(input) }
}

/// x - tanh(x) (`nn.Tanhshrink`).
public final class Tanhshrink: Module, UnaryLayer {
    public override init() { super.init() }

    public func callAsFunction(_ input: Tensor) -> Tensor { input.tanhshrink() }
}

/// x where |x| > λ, else 0 (`nn.Hardshrink`).
public final class Hardshrink: Module, UnaryLayer {
    public let lambda: Double

    public init(lambda: Double = 0.5) {
        self.lambda = lambda
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { Functional.hardshrink(input, lambda: lambda) }

    public override var extraRepr: String { "\(lambda)" }
}

/// x ∓ λ outside [-λ, λ], else 0 (`nn.Softshrink`).
public final class Softshrink: Module, UnaryLayer {
    public let lambda: Double

    public init(lambda: Double = 0.5) {
        self.lambda = lambda
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { Functional.softshrink(input, lambda: lambda) }

    public override var extraRepr: String { "\(lambda)" }
}

/// the first half of `dim` times the sigmoid of the second (`nn.GLU`).
public final class GLU: Module, UnaryLayer {
    public let dim: Int

    public init(dim: Int = -1) {
        self.dim = dim
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { Functional.glu(input, dim: dim) }

    public override var extraRepr: String { "dim=\(dim)" }
}

/// x Φ(x), or its tanh approximation (`nn.GELU(approximate=)`).
public final class GELU: Module, UnaryLayer {
    public let approximate: GeluApproximation

    public init(approximate: GeluApproximation = .none) {
        self.approximate = approximate
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { input.gelu(approximate: approximate) }

    public override var extraRepr: String { approximate == .tanh ? "approximate='tanh'" : "approximate='none'" }
}

/// x where x > threshold, else `value` (`nn.Threshold`).
public final class Threshold: Module, UnaryLayer {
    public let threshold: Double
    public let value: Double

    public init(threshold: Double, value: Double) {
        self.threshold = threshold
        self.value = value
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { Functional.threshold(input, threshold: threshold, value: value) }

    public override var extraRepr: String { "threshold=\(threshold), value=\(value)" }
}

/// x for x > 0, a·x otherwise, with a learned slope `a`: one shared, or one per channel
/// (`nn.PReLU`). `weight` has `numParameters` elements, all `initialValue` (0.25).
///
/// The slope count is `weight.count`, which is also this module's `numParameters`.
public final class PReLU: Module, UnaryLayer {
    @Parameter public var weight: Tensor

    public init(numParameters: Int = 1, initialValue: Double = 0.25, dtype: DType = .defaultFloat) {
        weight = Tensor.full([numParameters], .double(initialValue), dtype: dtype)
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { Functional.prelu(input, weight: weight) }

    public override var extraRepr: String { "num_parameters=\(weight.count)" }
}

/// The dim PyTorch's softmax modules pick when none is given (`_get_softmax_dim`): 0 for
/// 0-, 1- and 3-dim input, else 1.
func legacySoftmaxDim(_ rank: Int) -> Int { rank == 0 || rank == 1 || rank == 3 ? 0 : 1 }

/// Softmax along `dim` (`nn.Softmax`); nil picks PyTorch's legacy default.
public final class Softmax: Module, UnaryLayer {
    public let dim: Int?

    public init(dim: Int? = nil) {
        self.dim = dim
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { input.softmax(dim: dim ?? legacySoftmaxDim(input.dim)) }

    public override var extraRepr: String { "dim=\(dim.map(String.init) ?? "None")" }
}

/// Log-softmax along `dim` (`nn.LogSoftmax`); nil picks PyTorch's legacy default.
public final class LogSoftmax: Module, UnaryLayer {
    public let dim: Int?

    public init(dim: Int? = nil) {
        self.dim = dim
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { input.logSoftmax(dim: dim ?? legacySoftmaxDim(input.dim)) }

    public override var extraRepr: String { "dim=\(dim.map(String.init) ?? "None")" }
}

/// Softmin along `dim` (`nn.Softmin`); nil picks PyTorch's legacy default.
public final class Softmin: Module, UnaryLayer {
    public let dim: Int?

    public init(dim: Int? = nil) {
        self.dim = dim
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { Functional.softmin(input, dim: dim ?? legacySoftmaxDim(input.dim)) }

    public override var extraRepr: String { "dim=\(dim.map(String.init) ?? "None")" }
}
