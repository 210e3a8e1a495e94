/// Adaptive pooling layers (`nn.AdaptiveAvgPool1d/2d/3d`, `nn.AdaptiveMaxPool1d/2d/3d`): pool
/// to a fixed output size whatever the input size.

/// Average pooling to `outputSize` over `[N, C, L]` or `[C, L]` (`nn.AdaptiveAvgPool1d`).
public final class AdaptiveAvgPool1d: Module, UnaryLayer {
    public let outputSize: IntOrTuple

    public init(outputSize: IntOrTuple) {
        self.outputSize = outputSize
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { Functional.adaptiveAvgPool1d(input, outputSize: outputSize) }

    public override var extraRepr: String { "output_size=\(pythonRepr(outputSize))" }
}

/// Average pooling to `outputSize` over `[N, C, H, W]` or `[C, H, W]` (`nn.AdaptiveAvgPool2d`);
/// `outputSize: 1` is global average pooling.
public final class AdaptiveAvgPool2d: Module, UnaryLayer {
    public let outputSize: IntOrTuple

    public init(outputSize: IntOrTuple) {
        self.outputSize = outputSize
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { Functional.adaptiveAvgPool2d(input, outputSize: outputSize) }

    public override var extraRepr: String { "output_size=\(pythonRepr(outputSize))" }
}

/// Average pooling to `outputSize` over `[N, C, D, H, W]` or `[C, D, H, W]` (`nn.AdaptiveAvgPool3d`).
public final class AdaptiveAvgPool3d: Module, UnaryLayer {
    public let outputSize: IntOrTuple

    public init(outputSize: IntOrTuple) {
        self.outputSize = outputSize
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { Functional.adaptiveAvgPool3d(input, outputSize: outputSize) }

    public override var extraRepr: String { "output_size=\(pythonRepr(outputSize))" }
}

/// What the adaptive max pooling layers share.
public class AdaptiveMaxPoolingLayer: Module {
    public let outputSize: IntOrTuple
    /// Kept for PyTorch parity: `callAsFunction` returns the output only; use
    /// `forwardWithIndices` for the indices.
    public let returnIndices: Bool
    let rank: Int

    init(rank: Int, outputSize: IntOrTuple, returnIndices: Bool) {
        self.rank = rank
        self.outputSize = outputSize
        self.returnIndices = returnIndices
        super.init()
    }

    /// The pooled output and the flat index of each maximum within its input plane.
    public func forwardWithIndices(_ input: Tensor) -> (output: Tensor, indices: Tensor) {
        Pooling.adaptiveMax(input, outputSize, rank: rank, op: "adaptive_max_pool\(rank)d")
    }

    public override var extraRepr: String { "output_size=\(pythonRepr(outputSize))" }
}

/// Max pooling to `outputSize` over `[N, C, L]` or `[C, L]` (`nn.AdaptiveMaxPool1d`).
public final class AdaptiveMaxPool1d: AdaptiveMaxPoolingLayer, UnaryLayer {
    public init(outputSize: IntOrTuple, returnIndices: Bool = false) {
        super.init(rank: 1, outputSize: outputSize, returnIndices: returnIndices)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { forwardWithIndices(input).output }
}

/// Max pooling to `outputSize` over `[N, C, H, W]` or `[C, H, W]` (`nn.AdaptiveMaxPool2d`).
public final class AdaptiveMaxPool2d: AdaptiveMaxPoolingLayer, UnaryLayer {
    public init(outputSize: IntOrTuple, returnIndices: Bool = false) {
        super.init(rank: 2, outputSize: outputSize, returnIndices: returnIndices)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { forwardWithIndices(input).output }
}

/// Max pooling to `outputSize` over `[N, C, D, H, W]` or `[C, D, H, W]` (`nn.AdaptiveMaxPool3d`).
public final class AdaptiveMaxPool3d: AdaptiveMaxPoolingLayer, UnaryLayer {
    public init(outputSize: IntOrTuple, returnIndices: Bool = false) {
        super.init(rank: 3, outputSize: outputSize, returnIndices: returnIndices)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { forwardWithIndices(input).output }
}
