/// Activation functions (`torch.nn.functional.relu`, ...): the tensor engine's activation
/// methods under PyTorch's functional names, plus the few activations composed here.
extension Functional {
    /// `F.relu`: max(x, 0).
    public static func relu(_ input: Tensor, inplace: Bool = false) -> Tensor { inplace ? input.relu_() : input.relu() }

    /// `F.relu6`: min(max(x, 0), 6).
    public static func relu6(_ input: Tensor, inplace: Bool = false) -> Tensor {
        inplace ? input.hardtanh_(minVal: 0, maxVal: 6) : input.relu6()
    }

    /// `F.hardtanh`: x clamped to [minVal, maxVal].
    public static func hardtanh(_ input: Tensor, minVal: Double = -1, maxVal: Double = 1, inplace: Bool = false) -> Tensor {
        inplace ? input.hardtanh_(minVal: minVal, maxVal: maxVal) : input.hardtanh(minVal: minVal, maxVal: maxVal)
    }

    /// `F.gelu(approximate=)`: x Φ(x), or the tanh approximation.
    public static func gelu(_ input: Tensor, approximate: GeluApproximation = .none) -> Tensor {
        input.gelu(approximate: approximate)
    }

    /// `F.silu` (swish): x sigmoid(x).
    public static func silu(_ input: Tensor, inplace: Bool = false) -> Tensor { inplace ? input.silu_() : input.silu() }

    /// `F.sigmoid`.
    public static func sigmoid(_ input: Tensor) -> Tensor { input.sigmoid() }

    /// `F.tanh`.
    public static func tanh(_ input: Tensor) -> Tensor { input.tanh() }

    /// `F.softplus`: log(1 + e^(βx)) / β, the identity where βx > threshold.
    public static func softplus(_ input: Tensor, beta: Double = 1, threshold: Double = 20) -> Tensor {
        input.softplus(beta: beta, threshold: threshold)
    }

    /// `F.elu`: x for x > 0, α(eˣ - 1) otherwise.
    public static func elu(_ input: Tensor, alpha: Double = 1, inplace: Bool = false) -> Tensor {
        inplace ? input.elu_(alpha: alpha) : input.elu(alpha: alpha)
    }

    /// `F.selu`: scaled elu with the self-normalising constants.
    public static func selu(_ input: Tensor) -> Tensor { input.selu() }

    /// `F.celu`: max(0, x) + min(0, α(e^(x/α) - 1)).
    public static func celu(_ input: Tensor, alpha: Double = 1) -> Tensor { input.celu(alpha: alpha) }

    /// `F.leaky_relu`: x for x > 0, slope·x otherwise.
    public static func leakyRelu(_ input: Tensor, negativeSlope: Double = 0.01, inplace: Bool = false) -> Tensor {
        inplace ? input.leakyRelu_(negativeSlope: negativeSlope) : input.leakyRelu(negativeSlope: negativeSlope)
    }

    /// `F.hardswish`: x·relu6(x + 3)/6.
    public static func hardswish(_ input: Tensor, inplace: Bool = false) -> Tensor {
        inplace ? input.hardswish_() : input.hardswish()
    }

    /// `F.hardsigmoid`: relu6(x + 3)/6.
    public static func hardsigmoid(_ input: Tensor, inplace: Bool = false) -> Tensor {
        inplace ? input.hardsigmoid_() : input.hardsigmoid()
    }

    /// `F.mish`: x·tanh(softplus(x)).
    public static func mish(_ input: Tensor, inplace: Bool = false) -> Tensor { inplace ? input.mish_() : input.mish() }

    /// `F.logsigmoid`: log(sigmoid(x)) without overflow.
    public static func logsigmoid(_ input: Tensor) -> Tensor { input.logsigmoid() }

    /// `F.tanhshrink`: x - tanh(x).
    public static func tanhshrink(_ input: Tensor) -> Tensor { input.tanhshrink() }

    /// `F.softsign`: x / (1 + |x|).
    public static func softsign(_ input: Tensor) -> Tensor { input / (input.abs() + 1) }

    /// `F.hardshrink`: x where |x| > λ, else 0.
    public static func hardshrink(_ input: Tensor, lambda: Double = 0.5) -> Tensor {
        Tensor.where(input.abs() .> Scalar.double(lambda), input, 0)
    }

    /// `F.softshrink`: x - λ above λ, x + λ below -λ, 0 between.
    public static func softshrink(_ input: Tensor, lambda: Double = 0.5) -> Tensor {
        precondition(lambda >= 0, "lambda must be greater or equal to 0, but found to be \(lambda).")
        let shrunk = input - input.clamp(min: Scalar.double(-lambda), max: Scalar.double(lambda))
        return shrunk
    }

    /// `F.threshold`: x where x > threshold, else `value`.
    public static func threshold(_ input: Tensor, threshold: Double, value: Double) -> Tensor {
        Tensor.where(input .> Scalar.double(threshold), input, Scalar.double(value))
    }

    /// `F.glu`: the first half of `dim` times the sigmoid of the second half.
    public static func glu(_ input: Tensor, dim: Int = -1) -> Tensor {
        let size = input.size(dim)
        precondition(size % 2 == 0, "glu: Halving dimension must be even, but dimension \(dim) is size \(size)")
        let halves = input.chunk(2, dim: dim)
        return halves[0] * halves[1].sigmoid()
    }

    /// `F.prelu`: x for x > 0, a·x otherwise, with `weight` holding one slope or one per
    /// channel (dim 1 of the input, dim 0 of a 1-D input).
    public static func prelu(_ input: Tensor, weight: Tensor) -> Tensor {
        precondition(weight.dim <= 1, "prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = \(weight.dim)")
        var slope = weight
        if weight.count > 1 {
            precondition(input.dim > 0, "prelu: Not allow zero-dim input tensor.")
            let channelDim = input.dim >= 2 ? 1 : 0
            precondition(
                input.shape[channelDim] == weight.count,
                "prelu: Mismatch of parameter numbers and input channel size. Found parameter numbers = \(weight.count) and channel size = \(input.shape[channelDim]).")
            var shape = [Int](repeating: 1, count: input.dim)
            shape[channelDim] = weight.count
            slope = weight.reshape(shape)
        } else if weight.dim == 1 {
            slope = weight.reshape([])
        }
        return Tensor.where(input .> 0, input, input * slope)
    }

    /// `F.softmax(dim)`.
    public static func softmax(_ input: Tensor, dim: Int, dtype: DType? = nil) -> Tensor { input.softmax(dim: dim, dtype: dtype) }

    /// `F.log_softmax(dim)`.
    public static func logSoftmax(_ input: Tensor, dim: Int, dtype: DType? = nil) -> Tensor {
        input.logSoftmax(dim: dim, dtype: dtype)
    }

    /// `F.softmin(dim)`: softmax of -x.
    public static func softmin(_ input: Tensor, dim: Int, dtype: DType? = nil) -> Tensor { input.neg().softmax(dim: dim, dtype: dtype) }
}
