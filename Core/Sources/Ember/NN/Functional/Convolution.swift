/// Convolutions (`F.conv1d`, `F.conv2d`, `F.conv3d`) and the three differentiable primitives
/// every convolution and transposed convolution is made of.
extension Functional {
    /// 1-d convolution (`F.conv1d`): input `[N, C_in, L]` or unbatched `[C_in, L]`, weight
    /// `[C_out, C_in / groups, k]`, bias `[C_out]`.
    public static func conv1d(
        _ input: Tensor, _ weight: Tensor, bias: Tensor? = nil, stride: IntOrTuple = 1, padding: ConvPadding = 0,
        dilation: IntOrTuple = 1, groups: Int = 1
    ) -> Tensor {
        Convolution.apply(input, weight, bias, stride, padding, dilation, groups, rank: 1, op: "conv1d")
    }

    /// 2-d convolution (`F.conv2d`): input `[N, C_in, H, W]` or unbatched `[C_in, H, W]`,
    /// weight `[C_out, C_in / groups, kH, kW]`, bias `[C_out]`.
    ///
    /// `padding` is explicit (`1`, `[1, 2]`) or `.valid`/`.same`; `groups` splits the channels
    /// into independent convolutions (`groups == C_in` is a depthwise convolution).
    public static func conv2d(
        _ input: Tensor, _ weight: Tensor, bias: Tensor? = nil, stride: IntOrTuple = 1, padding: ConvPadding = 0,
        dilation: IntOrTuple = 1, groups: Int = 1
    ) -> Tensor {
        Convolution.apply(input, weight, bias, stride, padding, dilation, groups, rank: 2, op: "conv2d")
    }

    /// 3-d convolution (`F.conv3d`): input `[N, C_in, D, H, W]` or unbatched `[C_in, D, H, W]`,
    /// weight `[C_out, C_in / groups, kD, kH, kW]`, bias `[C_out]`.
    public static func conv3d(
        _ input: Tensor, _ weight: Tensor, bias: Tensor? = nil, stride: IntOrTuple = 1, padding: ConvPadding = 0,
        dilation: IntOrTuple = 1, groups: Int = 1
    ) -> Tensor {
        Convolution.apply(input, weight, bias, stride, padding, dilation, groups, rank: 3, op: "conv3d")
    }
}

/// Argument checking and the differentiable primitives of convolution.
///
/// With `A_w x = conv(x, w)`, the three primitives are `conv(x, w)`, `transposed(y, w) = A_wᵀ y`
/// (the input gradient, and the transposed convolution) and `weightGradient(x, y)`, the
/// gradient of `⟨conv(x, w), y⟩` with respect to `w`. Each one's backward is written with the
/// other two, so gradients of any order come out of the same three kernels.
enum Convolution {
    static func apply(
        _ input: Tensor, _ weight: Tensor, _ bias: Tensor?, _ stride: IntOrTuple, _ padding: ConvPadding,
        _ dilation: IntOrTuple, _ groups: Int, rank: Int, op: String
    ) -> Tensor {
        precondition(
            input.dim == rank + 1 || input.dim == rank + 2,
            "\(op): Expected \(rank + 1)D (unbatched) or \(rank + 2)D (batched) input to \(op), but got input of size: \(input.shape)")
        precondition(
            weight.dim == rank + 2,
            "\(op): weight should have \(rank + 2) dimensions [out_channels, in_channels / groups, kernel...], got size \(weight.shape)")
        let batched = input.dim == rank + 2
        let x = batched ? input : input.unsqueeze(0)
        let stride = stride.expand(rank, op, "stride"), dilation = dilation.expand(rank, op, "dilation")
        let kernel = Array(weight.shape.suffix(rank))
        let spatial = Array(x.shape.suffix(rank))
        precondition(groups > 0, "\(op): non-positive groups is not supported")
        precondition(stride.allSatisfy { $0 > 0 }, "\(op): non-positive stride is not supported")
        precondition(dilation.allSatisfy { $0 > 0 }, "\(op): dilation should be greater than zero")
        var before: [Int], after: [Int]
        switch padding {
        case .explicit(let sizes):
            before = sizes.expand(rank, op, "padding")
            after = before
            precondition(before.allSatisfy { $0 >= 0 }, "\(op): negative padding is not supported")
        case .valid:
            before = Array(repeating: 0, count: rank)
            after = before
        case .same:
            precondition(stride.allSatisfy { $0 == 1 }, "\(op): padding='same' is not supported for strided convolutions")
            let total = (0..<rank).map { dilation[$0] * (kernel[$0] - 1) }
            before = total.map { $0 / 2 }
            after = (0..<rank).map { total[$0] - before[$0] }
        }
        let inChannels = x.shape[1], outChannels = weight.shape[0]
        precondition(
            outChannels % groups == 0,
            "\(op): Given groups=\(groups), expected weight to be divisible by \(groups) at dimension 0, but got weight of size \(weight.shape) instead")
        precondition(
            inChannels == weight.shape[1] * groups,
            "\(op): Given groups=\(groups), weight of size \(weight.shape), expected input\(x.shape) to have \(weight.shape[1] * groups) channels, but got \(inChannels) channels instead")
        if let bias {
            precondition(
                bias.dim == 1 && bias.shape[0] == outChannels,
                "\(op): Given weight of size \(weight.shape), expected bias to be 1-dimensional with \(outChannels) elements, but got bias of size \(bias.shape) instead")
        }
        let padded = (0..<rank).map { spatial[$0] + before[$0] + after[$0] }
        let effective = (0..<rank).map { dilation[$0] * (kernel[$0] - 1) + 1 }
        precondition(
            zip(padded, effective).allSatisfy { $0 >= $1 },
            "\(op): Calculated padded input size per channel: (\(padded.map(String.init).joined(separator: " x "))). Kernel size: (\(effective.map(String.init).joined(separator: " x "))). Kernel size can't be greater than actual input size")
        let g = ConvGeometry(
            batch: x.shape[0], inChannels: inChannels, outChannels: outChannels, groups: groups, inSize: spatial,
            kernel: kernel, stride: stride, padBefore: before, padAfter: after, dilation: dilation)
        let out = computeInFloat(op, [x, weight] + (bias.map { [$0] } ?? [])) { t in
            forward(t[0], t[1], t.count > 2 ? t[2] : nil, g)
        }
        return batched ? out : out.squeeze(dim: 0)
    }

    /// Runs `body` on float32/float64 operands of one dtype; half types compute in float32
    /// and round the result once. Integer and bool tensors stop, as in PyTorch.
    static func computeInFloat(
        _ op: String, _ operands: [Tensor], kernel: String = "slow_conv_cpu", _ body: ([Tensor]) -> Tensor
    ) -> Tensor {
        let dtype = operands[0].dtype
        for operand in operands.dropFirst() {
            precondition(
                operand.dtype == dtype,
                "\(op): expected all operands to have the same dtype, but got \(dtype) and \(operand.dtype)")
        }
        switch dtype {
        case .float32, .float64: return body(operands)
        case .float16, .bfloat16: return body(operands.map { $0.to(.float32) }).to(dtype)
        default: preconditionFailure("\(op): \"\(kernel)\" not implemented for '\(dtype.scalarTypeName)'")
        }
    }

    /// The bias gradient: `grad` ([N, C, spatial...]) summed over batch and spatial dims, one
    /// channel per task; its backward broadcasts back.
    static func biasGradient(_ grad: Tensor) -> Tensor {
        let gc = grad.detach().contiguous()
        let (n, c) = (gc.shape[0], gc.shape[1])
        let plane = gc.count / Swift.max(n * c, 1)
        let out: Tensor
        func run<T: FloatElement>(_: T.Type) -> Tensor {
            let result = Tensor(empty: [c], dtype: T.dtype)
            let (src, dst) = (UInt(bitPattern: gc.pointer(as: T.self)), UInt(bitPattern: result.pointer(as: T.self)))
            parallelFor(c, grain: Swift.max(1, elementwiseGrain / Swift.max(n * plane, 1))) { channels in
                for channel in channels {
                    // Eight partial sums per row, so the loop vectorises.
                    var total: T = 0
                    for sample in 0..<n {
                        let row = UnsafePointer<T>(bitPattern: src)! + (sample * c + channel) * plane
                        var lanes = (T(0), T(0), T(0), T(0), T(0), T(0), T(0), T(0))
                        var i = 0
                        while i + 8 <= plane {
                            lanes.0 += row[i]; lanes.1 += row[i + 1]; lanes.2 += row[i + 2]; lanes.3 += row[i + 3]
                            lanes.4 += row[i + 4]; lanes.5 += row[i + 5]; lanes.6 += row[i + 6]; lanes.7 += row[i + 7]
                            i += 8
                        }
                        var sum = ((lanes.0 + lanes.4) + (lanes.1 + lanes.5)) + ((lanes.2 + lanes.6) + (lanes.3 + lanes.7))
                        while i < plane {
                            sum += row[i]
                            i += 1
                        }
                        total += sum
                    }
                    UnsafeMutablePointer<T>(bitPattern: dst)![channel] = total
                }
            }
            return result
        }
        out = gc.dtype == .float64 ? run(Double.self) : run(Float.self)
        let shape = grad.shape
        let view = [1, c] + Array(repeating: 1, count: shape.count - 2)
        return Autograd.record("ConvolutionBiasBackward0", inputs: [grad], output: out) { h, _ in
            [h.reshape(view).expand(shape)]
        }
    }

    /// `conv(x, w) + b` for batched float32/float64 operands in the geometry's shapes.
    static func forward(_ x: Tensor, _ w: Tensor, _ b: Tensor?, _ g: ConvGeometry) -> Tensor {
        let (xc, wc, bc) = (x.detach().contiguous(), w.detach().contiguous(), b?.detach().contiguous())
        let out: Tensor =
            x.dtype == .float64
            ? ConvKernels.forward(xc, wc, bc, g, Double.self) : ConvKernels.forward(xc, wc, bc, g, Float.self)
        let (needX, needW, needB, hasBias) = (x.requiresGrad, w.requiresGrad, b?.requiresGrad ?? false, b != nil)
        return Autograd.record("ConvolutionBackward0", inputs: [x, w] + (b.map { [$0] } ?? []), output: out, saving: [x, w]) {
            grad, saved in
            var grads: [Tensor?] = [
                needX ? transposed(grad, saved[1], nil, g) : nil,
                needW ? weightGradient(saved[0], grad, g) : nil,
            ]
            if hasBias { grads.append(needB ? biasGradient(grad) : nil) }
            return grads
        }
    }

    /// `A_wᵀ y + b`: the input gradient of `conv(·, w)` at `y` (which has the output shape), or
    /// a transposed convolution of `y`; the result has the geometry's input shape.
    static func transposed(_ y: Tensor, _ w: Tensor, _ b: Tensor?, _ g: ConvGeometry) -> Tensor {
        let (yc, wc) = (y.detach().contiguous(), w.detach().contiguous())
        var out: Tensor =
            y.dtype == .float64
            ? ConvKernels.inputGradient(yc, wc, g, Double.self) : ConvKernels.inputGradient(yc, wc, g, Float.self)
        if let b {
            let shape = [1, g.inChannels] + Array(repeating: 1, count: g.spatialRank)
            out = withNoGrad { out.add_(b.detach().reshape(shape)) }
        }
        let (needY, needW, needB, hasBias) = (y.requiresGrad, w.requiresGrad, b?.requiresGrad ?? false, b != nil)
        return Autograd.record(
            "ConvolutionBackward0", inputs: [y, w] + (b.map { [$0] } ?? []), output: out, saving: [y, w]
        ) { grad, saved in
            var grads: [Tensor?] = [
                needY ? forward(grad, saved[1], nil, g) : nil,
                needW ? weightGradient(grad, saved[0], g) : nil,
            ]
            if hasBias { grads.append(needB ? biasGradient(grad) : nil) }
            return grads
        }
    }

    /// `∂⟨conv(x, w), y⟩/∂w` for `y` in the output shape; the result has the weight's shape.
    static func weightGradient(_ x: Tensor, _ y: Tensor, _ g: ConvGeometry) -> Tensor {
        let (xc, yc) = (x.detach().contiguous(), y.detach().contiguous())
        let out: Tensor =
            x.dtype == .float64
            ? ConvKernels.weightGradient(xc, yc, g, Double.self) : ConvKernels.weightGradient(xc, yc, g, Float.self)
        let (needX, needY) = (x.requiresGrad, y.requiresGrad)
        return Autograd.record("ConvolutionBackwardBackward0", inputs: [x, y], output: out, saving: [x, y]) { grad, saved in
            [needX ? transposed(saved[1], grad, nil, g) : nil, needY ? forward(saved[0], grad, nil, g) : nil]
        }
    }
}
