/// Sliding-block layers (`nn.Unfold`, `nn.Fold`): im2col and col2im as modules.

/// Extracts sliding blocks: `[N, C, H, W]` to `[N, C·kH·kW, L]` (`nn.Unfold`).
public final class Unfold: Module, UnaryLayer {
    public let kernelSize: IntOrTuple
    public let dilation: IntOrTuple
    public let padding: IntOrTuple
    public let stride: IntOrTuple

    public init(kernelSize: IntOrTuple, dilation: IntOrTuple = 1, padding: IntOrTuple = 0, stride: IntOrTuple = 1) {
        self.kernelSize = kernelSize
        self.dilation = dilation
        self.padding = padding
        self.stride = stride
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        Functional.unfold(input, kernelSize: kernelSize, dilation: dilation, padding: padding, stride: stride)
    }

    public override var extraRepr: String {
        "kernel_size=\(pythonRepr(kernelSize)), dilation=\(pythonRepr(dilation)), padding=\(pythonRepr(padding)), stride=\(pythonRepr(stride))"
    }
}

/// Sums sliding blocks into an image: `[N, C·kH·kW, L]` to `[N, C, outputSize...]` (`nn.Fold`).
public final class Fold: Module, UnaryLayer {
    public let outputSize: IntOrTuple
    public let kernelSize: IntOrTuple
    public let dilation: IntOrTuple
    public let padding: IntOrTuple
    public let stride: IntOrTuple

    public init(
        outputSize: IntOrTuple, kernelSize: IntOrTuple, dilation: IntOrTuple = 1, padding: IntOrTuple = 0,
        stride: IntOrTuple = 1
    ) {
        self.outputSize = outputSize
        self.kernelSize = kernelSize
        self.dilation = dilation
        self.padding = padding
        self.stride = stride
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        Functional.fold(
            input, outputSize: outputSize, kernelSize: kernelSize, dilation: dilation, padding: padding, stride: stride)
    }

    public override var extraRepr: String {
        "output_size=\(pythonRepr(outputSize)), kernel_size=\(pythonRepr(kernelSize)), dilation=\(pythonRepr(dilation)), padding=\(pythonRepr(padding)), stride=\(pythonRepr(stride))"
    }
}
