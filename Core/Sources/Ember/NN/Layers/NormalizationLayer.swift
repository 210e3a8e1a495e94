/// Per-sample normalisation layers: `LayerNorm`, `GroupNorm`, `RMSNorm` (`nn.LayerNorm`,
/// `nn.GroupNorm`, `nn.RMSNorm`). Affine weights start at one and biases at zero.

/// Normalises over the trailing `normalizedShape` dims (`nn.LayerNorm`), with an elementwise
/// affine map when `elementwiseAffine` (its bias only when `bias`).
public final class LayerNorm: Module, UnaryLayer {
    public let normalizedShape: [Int]
    public let eps: Double
    public let elementwiseAffine: Bool
    @Parameter public var weight: Tensor?
    @Parameter public var bias: Tensor?

    public init(
        normalizedShape: [Int], eps: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true,
        dtype: DType = .defaultFloat
    ) {
        self.normalizedShape = normalizedShape
        self.eps = eps
        self.elementwiseAffine = elementwiseAffine
        weight = elementwiseAffine ? Tensor.ones(normalizedShape, dtype: dtype) : nil
        self.bias = elementwiseAffine && bias ? Tensor.zeros(normalizedShape, dtype: dtype) : nil
        super.init()
    }

    /// `LayerNorm(n)`: normalises the last dim of size `n`.
    public convenience init(_ size: Int, eps: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true, dtype: DType = .defaultFloat) {
        self.init(normalizedShape: [size], eps: eps, elementwiseAffine: elementwiseAffine, bias: bias, dtype: dtype)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        Functional.layerNorm(input, normalizedShape: normalizedShape, weight: weight, bias: bias, eps: eps)
    }

    public override var extraRepr: String {
        "\(pythonTuple(normalizedShape)), eps=\(eps), elementwise_affine=\(pythonBool(elementwiseAffine))"
    }
}

/// Normalises groups of channels of each sample (`nn.GroupNorm`), with per-channel affine
/// parameters when `affine`.
public final class GroupNorm: Module, UnaryLayer {
    public let numGroups: Int
    public let numChannels: Int
    public let eps: Double
    public let affine: Bool
    @Parameter public var weight: Tensor?
    @Parameter public var bias: Tensor?

    public init(numGroups: Int, numChannels: Int, eps: Double = 1e-5, affine: Bool = true, dtype: DType = .defaultFloat) {
        precondition(numGroups > 0 && numChannels % numGroups == 0, "num_channels must be divisible by num_groups")
        self.numGroups = numGroups
        self.numChannels = numChannels
        self.eps = eps
        self.affine = affine
        weight = affine ? Tensor.ones([numChannels], dtype: dtype) : nil
        bias = affine ? Tensor.zeros([numChannels], dtype: dtype) : nil
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        Functional.groupNorm(input, numGroups: numGroups, weight: weight, bias: bias, eps: eps)
    }

    public override var extraRepr: String { "\(numGroups), \(numChannels), eps=\(eps), affine=\(pythonBool(affine))" }
}

/// Root-mean-square normalisation over the trailing `normalizedShape` dims (`nn.RMSNorm`);
/// `eps` nil uses the machine epsilon of the computation dtype, as PyTorch does.
public final class RMSNorm: Module, UnaryLayer {
    public let normalizedShape: [Int]
    public let eps: Double?
    public let elementwiseAffine: Bool
    @Parameter public var weight: Tensor?

    public init(normalizedShape: [Int], eps: Double? = nil, elementwiseAffine: Bool = true, dtype: DType = .defaultFloat) {
        self.normalizedShape = normalizedShape
        self.eps = eps
        self.elementwiseAffine = elementwiseAffine
        weight = elementwiseAffine ? Tensor.ones(normalizedShape, dtype: dtype) : nil
        super.init()
    }

    /// `RMSNorm(n)`: normalises the last dim of size `n`.
    public convenience init(_ size: Int, eps: Double? = nil, elementwiseAffine: Bool = true, dtype: DType = .defaultFloat) {
        self.init(normalizedShape: [size], eps: eps, elementwiseAffine: elementwiseAffine, dtype: dtype)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        Functional.rmsNorm(input, normalizedShape: normalizedShape, weight: weight, eps: eps)
    }

    public override var extraRepr: String {
        "\(pythonTuple(normalizedShape)), eps=\(eps.map { "\($0)" } ?? "None"), elementwise_affine=\(pythonBool(elementwiseAffine))"
    }
}
