/// Pooling layers: `MaxPool1d/2d/3d`, `AvgPool1d/2d/3d` (`nn.MaxPool2d`, ...).

/// Python's repr of an int-or-tuple argument as the user gave it: `2` or `(2, 3)`.
func pythonRepr(_ value: IntOrTuple) -> String {
    value.values.count == 1 ? "\(value.values[0])" : pythonTuple(value.values)
}

/// What the max pooling layers share (PyTorch's `_MaxPoolNd`).
public class MaxPoolingLayer: Module {
    public let kernelSize: IntOrTuple
    /// Defaults to `kernelSize`.
    public let stride: IntOrTuple
    public let padding: IntOrTuple
    public let dilation: IntOrTuple
    /// Kept for PyTorch parity: `callAsFunction` returns the output only; use
    /// `forwardWithIndices` for the indices.
    public let returnIndices: Bool
    public let ceilMode: Bool
    let rank: Int

    init(
        rank: Int, kernelSize: IntOrTuple, stride: IntOrTuple?, padding: IntOrTuple, dilation: IntOrTuple,
        returnIndices: Bool, ceilMode: Bool
    ) {
        self.rank = rank
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.dilation = dilation
        self.returnIndices = returnIndices
        self.ceilMode = ceilMode
        super.init()
    }

    /// The pooled output and the flat index of each maximum within its input plane.
    public func forwardWithIndices(_ input: Tensor) -> (output: Tensor, indices: Tensor) {
        Pooling.max(input, kernelSize, stride, padding, dilation, ceilMode, rank: rank, op: "max_pool\(rank)d")
    }

    public override var extraRepr: String {
        "kernel_size=\(pythonRepr(kernelSize)), stride=\(pythonRepr(stride)), padding=\(pythonRepr(padding)), dilation=\(pythonRepr(dilation)), ceil_mode=\(pythonBool(ceilMode))"
    }
}

/// Max over sliding windows of `[N, C, L]` or `[C, L]` (`nn.MaxPool1d`).
public final class MaxPool1d: MaxPoolingLayer, UnaryLayer {
    public init(
        kernelSize: IntOrTuple, stride: IntOrTuple? = nil, padding: IntOrTuple = 0, dilation: IntOrTuple = 1,
        returnIndices: Bool = false, ceilMode: Bool = false
    ) {
        super.init(
            rank: 1, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, returnIndices: returnIndices,
            ceilMode: ceilMode)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { forwardWithIndices(input).output }
}

/// Max over sliding windows of `[N, C, H, W]` or `[C, H, W]` (`nn.MaxPool2d`).
public final class MaxPool2d: MaxPoolingLayer, UnaryLayer {
    public init(
        kernelSize: IntOrTuple, stride: IntOrTuple? = nil, padding: IntOrTuple = 0, dilation: IntOrTuple = 1,
        returnIndices: Bool = false, ceilMode: Bool = false
    ) {
        super.init(
            rank: 2, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, returnIndices: returnIndices,
            ceilMode: ceilMode)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { forwardWithIndices(input).output }
}

/// Max over sliding windows of `[N, C, D, H, W]` or `[C, D, H, W]` (`nn.MaxPool3d`).
public final class MaxPool3d: MaxPoolingLayer, UnaryLayer {
    public init(
        kernelSize: IntOrTuple, stride: IntOrTuple? = nil, padding: IntOrTuple = 0, dilation: IntOrTuple = 1,
        returnIndices: Bool = false, ceilMode: Bool = false
    ) {
        super.init(
            rank: 3, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, returnIndices: returnIndices,
            ceilMode: ceilMode)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { forwardWithIndices(input).output }
}

/// What the average pooling layers share (PyTorch's `_AvgPoolNd`).
public class AvgPoolingLayer: Module {
    public let kernelSize: IntOrTuple
    /// Defaults to `kernelSize`.
    public let stride: IntOrTuple
    public let padding: IntOrTuple
    public let ceilMode: Bool
    public let countIncludePad: Bool
    /// Not available for 1-d pooling (as in PyTorch).
    public let divisorOverride: Int?
    let rank: Int

    init(
        rank: Int, kernelSize: IntOrTuple, stride: IntOrTuple?, padding: IntOrTuple, ceilMode: Bool, countIncludePad: Bool,
        divisorOverride: Int?
    ) {
        self.rank = rank
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
        self.divisorOverride = divisorOverride
        super.init()
    }

    func pool(_ input: Tensor) -> Tensor {
        Pooling.average(
            input, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride, rank: rank, op: "avg_pool\(rank)d")
    }

    /// `AvgPool1d` stores its arguments as 1-tuples, the others as given.
    public override var extraRepr: String {
        func show(_ value: IntOrTuple) -> String { rank == 1 ? pythonTuple(value.expand(1, "AvgPool1d", "")) : pythonRepr(value) }
        return "kernel_size=\(show(kernelSize)), stride=\(show(stride)), padding=\(show(padding))"
    }
}

/// Averages over sliding windows of `[N, C, L]` or `[C, L]` (`nn.AvgPool1d`).
public final class AvgPool1d: AvgPoolingLayer, UnaryLayer {
    public init(
        kernelSize: IntOrTuple, stride: IntOrTuple? = nil, padding: IntOrTuple = 0, ceilMode: Bool = false,
        countIncludePad: Bool = true
    ) {
        super.init(
            rank: 1, kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
            countIncludePad: countIncludePad, divisorOverride: nil)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { pool(input) }
}

/// Averages over sliding windows of `[N, C, H, W]` or `[C, H, W]` (`nn.AvgPool2d`).
public final class AvgPool2d: AvgPoolingLayer, UnaryLayer {
    public init(
        kernelSize: IntOrTuple, stride: IntOrTuple? = nil, padding: IntOrTuple = 0, ceilMode: Bool = false,
        countIncludePad: Bool = true, divisorOverride: Int? = nil
    ) {
        super.init(
            rank: 2, kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
            countIncludePad: countIncludePad, divisorOverride: divisorOverride)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { pool(input) }
}

/// Averages over sliding windows of `[N, C, D, H, W]` or `[C, D, H, W]` (`nn.AvgPool3d`).
public final class AvgPool3d: AvgPoolingLayer, UnaryLayer {
    public init(
        kernelSize: IntOrTuple, stride: IntOrTuple? = nil, padding: IntOrTuple = 0, ceilMode: Bool = false,
        countIncludePad: Bool = true, divisorOverride: Int? = nil
    ) {
        super.init(
            rank: 3, kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
            countIncludePad: countIncludePad, divisorOverride: divisorOverride)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { pool(input) }
}
