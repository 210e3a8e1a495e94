/// Affine layers: `Linear` (`nn.Linear`) and `Bilinear` (`nn.Bilinear`).

/// `y = x Wᵀ + b` over the last dim (`nn.Linear`). `weight` is `[outFeatures, inFeatures]`.
///
/// Initialised as PyTorch does, with the same draws in the same order: weight from
/// `kaimingUniform_(a: √5)` (U(±1/√in)), then bias from U(±1/√in).
public final class Linear: Module, UnaryLayer {
    public let inFeatures: Int
    public let outFeatures: Int
    @Parameter public var weight: Tensor
    @Parameter public var bias: Tensor?

    public init(
        inFeatures: Int, outFeatures: Int, bias: Bool = true, dtype: DType = .defaultFloat, generator: Generator? = nil
    ) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = Tensor(empty: [outFeatures, inFeatures], dtype: dtype)
        self.bias = bias ? Tensor(empty: [outFeatures], dtype: dtype) : nil
        super.init()
        resetParameters(generator: generator)
    }

    /// Re-draws the parameters with the default initialisation (`reset_parameters`).
    public func resetParameters(generator: Generator? = nil) {
        Init.kaimingUniform_(weight, a: 5.0.squareRoot(), generator: generator)
        if let bias {
            let fanIn = Init.fanInAndFanOut(weight).fanIn
            let bound = fanIn > 0 ? 1 / Double(fanIn).squareRoot() : 0
            Init.uniform_(bias, a: -bound, b: bound, generator: generator)
        }
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { Functional.linear(input, weight: weight, bias: bias) }

    public override var extraRepr: String {
        "in_features=\(inFeatures), out_features=\(outFeatures), bias=\(pythonBool(bias != nil))"
    }
}

/// `y = x₁ᵀ A x₂ + b` (`nn.Bilinear`). `weight` is `[outFeatures, in1Features, in2Features]`;
/// weight and bias are drawn from U(±1/√in1Features).
public final class Bilinear: Module {
    public let in1Features: Int
    public let in2Features: Int
    public let outFeatures: Int
    @Parameter public var weight: Tensor
    @Parameter public var bias: Tensor?

    public init(
        in1Features: Int, in2Features: Int, outFeatures: Int, bias: Bool = true, dtype: DType = .defaultFloat,
        generator: Generator? = nil
    ) {
        self.in1Features = in1Features
        self.in2Features = in2Features
        self.outFeatures = outFeatures
        weight = Tensor(empty: [outFeatures, in1Features, in2Features], dtype: dtype)
        self.bias = bias ? Tensor(empty: [outFeatures], dtype: dtype) : nil
        super.init()
        resetParameters(generator: generator)
    }

    /// Re-draws the parameters with the default initialisation (`reset_parameters`).
    public func resetParameters(generator: Generator? = nil) {
        let bound = 1 / Double(weight.shape[1]).squareRoot()
        Init.uniform_(weight, a: -bound, b: bound, generator: generator)
        if let bias { Init.uniform_(bias, a: -bound, b: bound, generator: generator) }
    }

    public func callAsFunction(_ input1: Tensor, _ input2: Tensor) -> Tensor {
        Functional.bilinear(input1, input2, weight: weight, bias: bias)
    }

    public override var extraRepr: String {
        "in1_features=\(in1Features), in2_features=\(in2Features), out_features=\(outFeatures), bias=\(pythonBool(bias != nil))"
    }
}
