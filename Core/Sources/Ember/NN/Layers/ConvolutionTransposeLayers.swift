/// Transposed convolution layers: `ConvTranspose1d/2d/3d` (`nn.ConvTranspose1d/2d/3d`).

extension ConvolutionLayer {
    /// The output padding that gives `outputSize` (PyTorch's `_output_padding`): `outputSize`
    /// lists the spatial sizes, optionally preceded by the batch and channel dims.
    func transposedOutputPadding(_ input: Tensor, outputSize: [Int]?, rank: Int) -> [Int] {
        guard var size = outputSize else { return outputPadding }
        let nonSpatial = input.dim == rank + 2 ? 2 : 1
        if size.count == nonSpatial + rank { size = Array(size.suffix(rank)) }
        precondition(
            size.count == rank,
            "ConvTranspose\(rank)d: output_size must have \(rank) or \(nonSpatial + rank) elements (got \(size.count))")
        var result: [Int] = []
        var minSizes: [Int] = [], maxSizes: [Int] = []
        let pads = paddingPairs
        for d in 0..<rank {
            let low = (input.shape[d + nonSpatial] - 1) * stride[d] - 2 * pads[d].before + dilation[d] * (kernelSize[d] - 1) + 1
            minSizes.append(low)
            maxSizes.append(low + stride[d] - 1)
        }
        for d in 0..<rank {
            precondition(
                size[d] >= minSizes[d] && size[d] <= maxSizes[d],
                "ConvTranspose\(rank)d: requested an output size of \(size), but valid sizes range from \(minSizes) to \(maxSizes) (for an input of \(Array(input.shape.suffix(rank))))")
            result.append(size[d] - minSizes[d])
        }
        return result
    }

    func convolveTransposed(_ input: Tensor, outputSize: [Int]?, rank: Int) -> Tensor {
        let outputPadding = IntOrTuple(transposedOutputPadding(input, outputSize: outputSize, rank: rank))
        let padding = IntOrTuple(paddingPairs.map(\.before))
        let (stride, dilation) = (IntOrTuple(self.stride), IntOrTuple(self.dilation))
        switch rank {
        case 1:
            return Functional.convTranspose1d(
                input, weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding, groups: groups,
                dilation: dilation)
        case 2:
            return Functional.convTranspose2d(
                input, weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding, groups: groups,
                dilation: dilation)
        default:
            return Functional.convTranspose3d(
                input, weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding, groups: groups,
                dilation: dilation)
        }
    }
}

/// 1-d transposed convolution (`nn.ConvTranspose1d`), the gradient of `Conv1d` with respect to
/// its input; `weight` is `[inChannels, outChannels / groups, k]`.
public final class ConvTranspose1d: ConvolutionLayer, UnaryLayer {
    public init(
        inChannels: Int, outChannels: Int, kernelSize: IntOrTuple, stride: IntOrTuple = 1, padding: IntOrTuple = 0,
        outputPadding: IntOrTuple = 0, groups: Int = 1, bias: Bool = true, dilation: IntOrTuple = 1,
        dtype: DType = .defaultFloat, generator: Generator? = nil
    ) {
        super.init(
            rank: 1, inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride,
            padding: .explicit(padding), dilation: dilation, transposed: true, outputPadding: outputPadding, groups: groups,
            bias: bias, paddingMode: .zeros, dtype: dtype, generator: generator)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { convolveTransposed(input, outputSize: nil, rank: 1) }

    /// The forward pass with the output padding chosen to give `outputSize`.
    public func callAsFunction(_ input: Tensor, outputSize: [Int]) -> Tensor {
        convolveTransposed(input, outputSize: outputSize, rank: 1)
    }
}

/// 2-d transposed convolution (`nn.ConvTranspose2d`), e.g. a learned 2× upsampling with
/// `kernelSize: 4, stride: 2, padding: 1`; `weight` is `[inChannels, outChannels / groups, kH, kW]`.
public final class ConvTranspose2d: ConvolutionLayer, UnaryLayer {
    public init(
        inChannels: Int, outChannels: Int, kernelSize: IntOrTuple, stride: IntOrTuple = 1, padding: IntOrTuple = 0,
        outputPadding: IntOrTuple = 0, groups: Int = 1, bias: Bool = true, dilation: IntOrTuple = 1,
        dtype: DType = .defaultFloat, generator: Generator? = nil
    ) {
        super.init(
            rank: 2, inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride,
            padding: .explicit(padding), dilation: dilation, transposed: true, outputPadding: outputPadding, groups: groups,
            bias: bias, paddingMode: .zeros, dtype: dtype, generator: generator)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { convolveTransposed(input, outputSize: nil, rank: 2) }

    /// The forward pass with the output padding chosen to give `outputSize`.
    public func callAsFunction(_ input: Tensor, outputSize: [Int]) -> Tensor {
        convolveTransposed(input, outputSize: outputSize, rank: 2)
    }
}

/// 3-d transposed convolution (`nn.ConvTranspose3d`).
public final class ConvTranspose3d: ConvolutionLayer, UnaryLayer {
    public init(
        inChannels: Int, outChannels: Int, kernelSize: IntOrTuple, stride: IntOrTuple = 1, padding: IntOrTuple = 0,
        outputPadding: IntOrTuple = 0, groups: Int = 1, bias: Bool = true, dilation: IntOrTuple = 1,
        dtype: DType = .defaultFloat, generator: Generator? = nil
    ) {
        super.init(
            rank: 3, inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride,
            padding: .explicit(padding), dilation: dilation, transposed: true, outputPadding: outputPadding, groups: groups,
            bias: bias, paddingMode: .zeros, dtype: dtype, generator: generator)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { convolveTransposed(input, outputSize: nil, rank: 3) }

    /// The forward pass with the output padding chosen to give `outputSize`.
    public func callAsFunction(_ input: Tensor, outputSize: [Int]) -> Tensor {
        convolveTransposed(input, outputSize: outputSize, rank: 3)
    }
}
