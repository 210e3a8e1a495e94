/// Transposed convolutions (`F.conv_transpose1d/2d/3d`): the adjoint of a convolution, computed
/// by the same col2im kernel as a convolution's input gradient.
extension Functional {
    /// `F.conv_transpose1d`: input `[N, C_in, L]` or `[C_in, L]`, weight
    /// `[C_in, C_out / groups, k]`; output length `(L - 1)·stride - 2·padding +
    /// dilation·(k - 1) + outputPadding + 1`.
    public static func convTranspose1d(
        _ input: Tensor, _ weight: Tensor, bias: Tensor? = nil, stride: IntOrTuple = 1, padding: IntOrTuple = 0,
        outputPadding: IntOrTuple = 0, groups: Int = 1, dilation: IntOrTuple = 1
    ) -> Tensor {
        Convolution.applyTransposed(
            input, weight, bias, stride, padding, outputPadding, groups, dilation, rank: 1, op: "conv_transpose1d")
    }

    /// `F.conv_transpose2d`: input `[N, C_in, H, W]` or `[C_in, H, W]`, weight
    /// `[C_in, C_out / groups, kH, kW]`, bias `[C_out]`. `outputPadding` (smaller than the
    /// stride or the dilation) adds rows/columns at the end to pick among the input sizes a
    /// strided convolution maps to the same output size.
    public static func convTranspose2d(
        _ input: Tensor, _ weight: Tensor, bias: Tensor? = nil, stride: IntOrTuple = 1, padding: IntOrTuple = 0,
        outputPadding: IntOrTuple = 0, groups: Int = 1, dilation: IntOrTuple = 1
    ) -> Tensor {
        Convolution.applyTransposed(
            input, weight, bias, stride, padding, outputPadding, groups, dilation, rank: 2, op: "conv_transpose2d")
    }

    /// `F.conv_transpose3d`: input `[N, C_in, D, H, W]` or `[C_in, D, H, W]`, weight
    /// `[C_in, C_out / groups, kD, kH, kW]`, bias `[C_out]`.
    public static func convTranspose3d(
        _ input: Tensor, _ weight: Tensor, bias: Tensor? = nil, stride: IntOrTuple = 1, padding: IntOrTuple = 0,
        outputPadding: IntOrTuple = 0, groups: Int = 1, dilation: IntOrTuple = 1
    ) -> Tensor {
        Convolution.applyTransposed(
            input, weight, bias, stride, padding, outputPadding, groups, dilation, rank: 3, op: "conv_transpose3d")
    }
}

extension Convolution {
    static func applyTransposed(
        _ input: Tensor, _ weight: Tensor, _ bias: Tensor?, _ stride: IntOrTuple, _ padding: IntOrTuple,
        _ outputPadding: IntOrTuple, _ groups: Int, _ dilation: IntOrTuple, rank: Int, op: String
    ) -> Tensor {
        precondition(
            input.dim == rank + 1 || input.dim == rank + 2,
            "\(op): Expected \(rank + 1)D (unbatched) or \(rank + 2)D (batched) input to \(op), but got input of size: \(input.shape)")
        precondition(
            weight.dim == rank + 2,
            "\(op): weight should have \(rank + 2) dimensions [in_channels, out_channels / groups, kernel...], got size \(weight.shape)")
        let batched = input.dim == rank + 2
        let x = batched ? input : input.unsqueeze(0)
        let stride = stride.expand(rank, op, "stride"), dilation = dilation.expand(rank, op, "dilation")
        let padding = padding.expand(rank, op, "padding")
        let outputPadding = outputPadding.expand(rank, op, "output_padding")
        precondition(groups > 0, "\(op): non-positive groups is not supported")
        precondition(stride.allSatisfy { $0 > 0 }, "\(op): non-positive stride is not supported")
        precondition(dilation.allSatisfy { $0 > 0 }, "\(op): dilation should be greater than zero")
        precondition(padding.allSatisfy { $0 >= 0 }, "\(op): negative padding is not supported")
        precondition(
            (0..<rank).allSatisfy { outputPadding[$0] >= 0 && (outputPadding[$0] < stride[$0] || outputPadding[$0] < dilation[$0]) },
            "\(op): output padding must be smaller than either stride or dilation, but got output_padding: \(outputPadding), stride: \(stride), dilation: \(dilation)")
        let inChannels = x.shape[1]
        precondition(
            weight.shape[0] == inChannels,
            "\(op): Given transposed=1, weight of size \(weight.shape), expected input\(x.shape) to have \(weight.shape[0]) channels, but got \(inChannels) channels instead")
        precondition(
            inChannels % groups == 0,
            "\(op): Given groups=\(groups), expected weight to be divisible by \(groups) at dimension 0, but got weight of size \(weight.shape) instead")
        let outChannels = weight.shape[1] * groups
        if let bias {
            precondition(
                bias.dim == 1 && bias.shape[0] == outChannels,
                "\(op): Given transposed=1, weight of size \(weight.shape), expected bias to be 1-dimensional with \(outChannels) elements, but got bias of size \(bias.shape) instead")
        }
        let kernel = Array(weight.shape.suffix(rank)), spatial = Array(x.shape.suffix(rank))
        let outSize = (0..<rank).map { d -> Int in
            let span: Int = (spatial[d] - 1) * stride[d] - 2 * padding[d]
            return span + dilation[d] * (kernel[d] - 1) + outputPadding[d] + 1
        }
        precondition(
            outSize.allSatisfy { $0 > 0 },
            "\(op): Given input size per channel: \(spatial). Calculated output size per channel: \(outSize). Output size is too small")
        // The convolution this one is the adjoint of: from the output (C_out channels) to the
        // input (C_in channels), with weight [C_in, C_out / groups, k...] as its own.
        let g = ConvGeometry(
            batch: x.shape[0], inChannels: outChannels, outChannels: inChannels, groups: groups, inSize: outSize,
            kernel: kernel, stride: stride, padBefore: padding, padAfter: padding, dilation: dilation, outSize: spatial)
        let out = computeInFloat(op, [x, weight] + (bias.map { [$0] } ?? [])) { t in
            transposed(t[0], t[1], t.count > 2 ? t[2] : nil, g)
        }
        return batched ? out : out.squeeze(dim: 0)
    }
}
