/// Max and average pooling (`F.max_pool1d/2d/3d`, `F.avg_pool1d/2d/3d`).
extension Functional {
    /// `F.max_pool1d`: input `[N, C, L]` or `[C, L]`. `stride` defaults to `kernelSize`.
    public static func maxPool1d(
        _ input: Tensor, kernelSize: IntOrTuple, stride: IntOrTuple? = nil, padding: IntOrTuple = 0,
        dilation: IntOrTuple = 1, ceilMode: Bool = false
    ) -> Tensor {
        maxPool1dWithIndices(input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode).output
    }

    /// `F.max_pool1d(..., return_indices=True)`: the maxima and their positions along `L`.
    public static func maxPool1dWithIndices(
        _ input: Tensor, kernelSize: IntOrTuple, stride: IntOrTuple? = nil, padding: IntOrTuple = 0,
        dilation: IntOrTuple = 1, ceilMode: Bool = false
    ) -> (output: Tensor, indices: Tensor) {
        Pooling.max(input, kernelSize, stride, padding, dilation, ceilMode, rank: 1, op: "max_pool1d")
    }

    /// `F.max_pool2d`: input `[N, C, H, W]` or `[C, H, W]`. `stride` defaults to `kernelSize`;
    /// `padding` (at most half the effective kernel) pads with -∞; `ceilMode` keeps a last
    /// partial window that starts inside the input.
    public static func maxPool2d(
        _ input: Tensor, kernelSize: IntOrTuple, stride: IntOrTuple? = nil, padding: IntOrTuple = 0,
        dilation: IntOrTuple = 1, ceilMode: Bool = false
    ) -> Tensor {
        maxPool2dWithIndices(input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode).output
    }

    /// `F.max_pool2d(..., return_indices=True)`: the maxima and the flat index `h·W + w` of
    /// each within its input plane (what `max_unpool2d` takes).
    public static func maxPool2dWithIndices(
        _ input: Tensor, kernelSize: IntOrTuple, stride: IntOrTuple? = nil, padding: IntOrTuple = 0,
        dilation: IntOrTuple = 1, ceilMode: Bool = false
    ) -> (output: Tensor, indices: Tensor) {
        Pooling.max(input, kernelSize, stride, padding, dilation, ceilMode, rank: 2, op: "max_pool2d")
    }

    /// `F.max_pool3d`: input `[N, C, D, H, W]` or `[C, D, H, W]`.
    public static func maxPool3d(
        _ input: Tensor, kernelSize: IntOrTuple, stride: IntOrTuple? = nil, padding: IntOrTuple = 0,
        dilation: IntOrTuple = 1, ceilMode: Bool = false
    ) -> Tensor {
        maxPool3dWithIndices(input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode).output
    }

    /// `F.max_pool3d(..., return_indices=True)`; indices are `(d·H + h)·W + w`.
    public static func maxPool3dWithIndices(
        _ input: Tensor, kernelSize: IntOrTuple, stride: IntOrTuple? = nil, padding: IntOrTuple = 0,
        dilation: IntOrTuple = 1, ceilMode: Bool = false
    ) -> (output: Tensor, indices: Tensor) {
        Pooling.max(input, kernelSize, stride, padding, dilation, ceilMode, rank: 3, op: "max_pool3d")
    }

    /// `F.avg_pool1d`: input `[N, C, L]` or `[C, L]`. With `countIncludePad`, padded zeros
    /// count in the divisor.
    public static func avgPool1d(
        _ input: Tensor, kernelSize: IntOrTuple, stride: IntOrTuple? = nil, padding: IntOrTuple = 0,
        ceilMode: Bool = false, countIncludePad: Bool = true
    ) -> Tensor {
        Pooling.average(input, kernelSize, stride, padding, ceilMode, countIncludePad, nil, rank: 1, op: "avg_pool1d")
    }

    /// `F.avg_pool2d`: input `[N, C, H, W]` or `[C, H, W]`. The divisor is the window size
    /// clipped to the padded input (`countIncludePad`), or the number of real elements, or
    /// `divisorOverride`.
    public static func avgPool2d(
        _ input: Tensor, kernelSize: IntOrTuple, stride: IntOrTuple? = nil, padding: IntOrTuple = 0,
        ceilMode: Bool = false, countIncludePad: Bool = true, divisorOverride: Int? = nil
    ) -> Tensor {
        Pooling.average(input, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride, rank: 2, op: "avg_pool2d")
    }

    /// `F.avg_pool3d`: input `[N, C, D, H, W]` or `[C, D, H, W]`.
    public static func avgPool3d(
        _ input: Tensor, kernelSize: IntOrTuple, stride: IntOrTuple? = nil, padding: IntOrTuple = 0,
        ceilMode: Bool = false, countIncludePad: Bool = true, divisorOverride: Int? = nil
    ) -> Tensor {
        Pooling.average(input, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride, rank: 3, op: "avg_pool3d")
    }
}

/// Argument checks and the differentiable pooling primitives. Max pooling's backward scatters
/// to the saved indices and that scatter's backward gathers from them; average pooling and its
/// adjoint are each other's backward.
enum Pooling {
    /// Checks the input's rank; returns the number of planes (all leading dims) and the
    /// spatial sizes.
    static func planes(_ x: Tensor, rank: Int, op: String) -> (planes: Int, spatial: [Int]) {
        precondition(
            x.dim == rank + 1 || x.dim == rank + 2,
            "\(op): Expected \(rank + 1)D or \(rank + 2)D (batch mode) tensor for input, but got: \(x.shape)")
        let spatial = Array(x.shape.suffix(rank))
        precondition(
            x.shape.dropLast(rank).dropFirst(x.dim - rank - 1).allSatisfy { $0 > 0 } && spatial.allSatisfy { $0 > 0 },
            "\(op): Expected input's non-batch dimensions to have positive length, but input has a shape of \(x.shape)")
        return (x.shape.dropLast(rank).reduce(1, *), spatial)
    }

    static func checkFloating(_ x: Tensor, _ op: String, _ kernel: String) {
        precondition(x.dtype.isFloatingPoint, "\(op): \"\(kernel)\" not implemented for '\(x.dtype.scalarTypeName)'")
    }

    static func slidingAxes(
        _ spatial: [Int], _ kernelSize: IntOrTuple, _ stride: IntOrTuple?, _ padding: IntOrTuple, _ dilation: IntOrTuple,
        _ ceilMode: Bool, countIncludePad: Bool = true, op: String
    ) -> [PoolAxis] {
        let rank = spatial.count
        let kernel = kernelSize.expand(rank, op, "kernel_size")
        let stride = (stride.map { $0.values.isEmpty ? kernelSize : $0 } ?? kernelSize).expand(rank, op, "stride")
        let padding = padding.expand(rank, op, "padding"), dilation = dilation.expand(rank, op, "dilation")
        precondition(kernel.allSatisfy { $0 > 0 }, "\(op): kernel_size must be greater than zero, but got \(kernel)")
        precondition(stride.allSatisfy { $0 > 0 }, "\(op): stride must be greater than zero, but got \(stride)")
        precondition(dilation.allSatisfy { $0 > 0 }, "\(op): dilation must be greater than zero, but got \(dilation)")
        for d in 0..<rank {
            precondition(
                padding[d] >= 0 && padding[d] <= ((kernel[d] - 1) * dilation[d] + 1) / 2,
                "\(op): pad should be at most half of effective kernel size, but got pad=\(padding[d]), kernel_size=\(kernel[d]) and dilation=\(dilation[d])")
        }
        let axes = (0..<rank).map { d in
            PoolAxis.sliding(
                inSize: spatial[d], kernel: kernel[d], stride: stride[d], padding: padding[d], dilation: dilation[d],
                ceilMode: ceilMode, countIncludePad: countIncludePad)
        }
        precondition(
            axes.allSatisfy { $0.outSize >= 1 },
            "\(op): Given input size: (\(spatial.map(String.init).joined(separator: "x"))). Calculated output size: (\(axes.map { String($0.outSize) }.joined(separator: "x"))). Output size is too small")
        return axes
    }

    static func max(
        _ input: Tensor, _ kernelSize: IntOrTuple, _ stride: IntOrTuple?, _ padding: IntOrTuple, _ dilation: IntOrTuple,
        _ ceilMode: Bool, rank: Int, op: String
    ) -> (output: Tensor, indices: Tensor) {
        checkFloating(input, op, "max_pool")
        let (_, spatial) = planes(input, rank: rank, op: op)
        let axes = slidingAxes(spatial, kernelSize, stride, padding, dilation, ceilMode, op: op)
        return maxOver(input, PoolWindows(axes), rank: rank)
    }

    /// Max pooling over `windows` for any floating input (half types compute in float32).
    static func maxOver(_ input: Tensor, _ windows: PoolWindows, rank: Int) -> (output: Tensor, indices: Tensor) {
        if input.dtype == .float16 || input.dtype == .bfloat16 {
            let (values, indices) = maxOver(input.to(.float32), windows, rank: rank)
            return (values.to(input.dtype), indices)
        }
        let x = input.detach().contiguous()
        let planes = x.count / Swift.max(windows.inPlane, 1)
        let outShape = Array(x.shape.dropLast(rank)) + windows.axes.suffix(rank).map(\.outSize)
        let values = Tensor(empty: outShape, dtype: x.dtype)
        let indices = Tensor(empty: outShape, dtype: .int64)
        if x.dtype == .float64 {
            PoolKernels.max(x.pointer(as: Double.self), planes: planes, windows, values: values.pointer(as: Double.self), indices: indices.pointer(as: Int64.self))
        } else {
            PoolKernels.max(x.pointer(as: Float.self), planes: planes, windows, values: values.pointer(as: Float.self), indices: indices.pointer(as: Int64.self))
        }
        let inputShape = input.shape
        let name = "MaxPool\(rank)DWithIndicesBackward0"
        let output = Autograd.record(name, inputs: [input], output: values, saving: [indices]) { grad, saved in
            [scatter(grad, saved[0], inputShape: inputShape, rank: rank)]
        }
        return (output, indices)
    }

    /// `result[p][indices[p][o]] += grad[p][o]`, shaped like the pooled input (whose last
    /// `rank` dims are spatial).
    static func scatter(_ grad: Tensor, _ indices: Tensor, inputShape: [Int], rank: Int) -> Tensor {
        if grad.dtype == .float16 || grad.dtype == .bfloat16 {
            return scatter(grad.to(.float32), indices, inputShape: inputShape, rank: rank).to(grad.dtype)
        }
        let g = grad.detach().contiguous(), idx = indices.contiguous()
        let result = Tensor.zeros(inputShape, dtype: g.dtype)
        let planes = inputShape.dropLast(rank).reduce(1, *)
        let (inPlane, outPlane) = (inputShape.suffix(rank).reduce(1, *), indices.shape.suffix(rank).reduce(1, *))
        if g.dtype == .float64 {
            PoolKernels.scatter(
                g.pointer(as: Double.self), idx.pointer(as: Int64.self), planes: planes, outPlane: outPlane, inPlane: inPlane,
                into: result.pointer(as: Double.self))
        } else {
            PoolKernels.scatter(
                g.pointer(as: Float.self), idx.pointer(as: Int64.self), planes: planes, outPlane: outPlane, inPlane: inPlane,
                into: result.pointer(as: Float.self))
        }
        let outputShape = indices.shape
        return Autograd.record("MaxPoolBackwardBackward0", inputs: [grad], output: result, saving: [indices]) { grad, saved in
            [gather(grad, saved[0], outputShape: outputShape, rank: rank)]
        }
    }

    /// `result[p][o] = x[p][indices[p][o]]`, shaped like `indices`.
    static func gather(_ x: Tensor, _ indices: Tensor, outputShape: [Int], rank: Int) -> Tensor {
        if x.dtype == .float16 || x.dtype == .bfloat16 {
            return gather(x.to(.float32), indices, outputShape: outputShape, rank: rank).to(x.dtype)
        }
        let xc = x.detach().contiguous(), idx = indices.contiguous()
        let result = Tensor(empty: outputShape, dtype: xc.dtype)
        let planes = outputShape.dropLast(rank).reduce(1, *)
        let (inPlane, outPlane) = (x.shape.suffix(rank).reduce(1, *), outputShape.suffix(rank).reduce(1, *))
        if xc.dtype == .float64 {
            PoolKernels.gather(
                xc.pointer(as: Double.self), idx.pointer(as: Int64.self), planes: planes, outPlane: outPlane, inPlane: inPlane,
                into: result.pointer(as: Double.self))
        } else {
            PoolKernels.gather(
                xc.pointer(as: Float.self), idx.pointer(as: Int64.self), planes: planes, outPlane: outPlane, inPlane: inPlane,
                into: result.pointer(as: Float.self))
        }
        let inputShape = x.shape
        return Autograd.record("MaxPoolGatherBackward0", inputs: [x], output: result, saving: [indices]) { grad, saved in
            [scatter(grad, saved[0], inputShape: inputShape, rank: rank)]
        }
    }

    static func average(
        _ input: Tensor, _ kernelSize: IntOrTuple, _ stride: IntOrTuple?, _ padding: IntOrTuple, _ ceilMode: Bool,
        _ countIncludePad: Bool, _ divisorOverride: Int?, rank: Int, op: String
    ) -> Tensor {
        checkFloating(input, op, op)
        precondition(divisorOverride.map { $0 != 0 } ?? true, "\(op): divisor must be not zero")
        let (_, spatial) = planes(input, rank: rank, op: op)
        let axes = slidingAxes(spatial, kernelSize, stride, padding, 1, ceilMode, countIncludePad: countIncludePad, op: op)
        return averageOver(input, PoolWindows(axes, divisorOverride: divisorOverride), rank: rank)
    }

    /// Average pooling over `windows` (unit steps), differentiable.
    static func averageOver(_ input: Tensor, _ windows: PoolWindows, rank: Int) -> Tensor {
        if input.dtype == .float16 || input.dtype == .bfloat16 {
            return averageOver(input.to(.float32), windows, rank: rank).to(input.dtype)
        }
        let x = input.detach().contiguous()
        let planes = x.count / Swift.max(windows.inPlane, 1)
        let outShape = Array(x.shape.dropLast(rank)) + windows.axes.suffix(rank).map(\.outSize)
        let out = Tensor(empty: outShape, dtype: x.dtype)
        if x.dtype == .float64 {
            PoolKernels.average(x.pointer(as: Double.self), planes: planes, windows, into: out.pointer(as: Double.self))
        } else {
            PoolKernels.average(x.pointer(as: Float.self), planes: planes, windows, into: out.pointer(as: Float.self))
        }
        let inputShape = input.shape
        return Autograd.record("AvgPool\(rank)DBackward0", inputs: [input], output: out) { grad, _ in
            [averageAdjoint(grad, windows, inputShape: inputShape, rank: rank)]
        }
    }

    /// The adjoint of `averageOver`, shaped like its input.
    static func averageAdjoint(_ grad: Tensor, _ windows: PoolWindows, inputShape: [Int], rank: Int) -> Tensor {
        if grad.dtype == .float16 || grad.dtype == .bfloat16 {
            return averageAdjoint(grad.to(.float32), windows, inputShape: inputShape, rank: rank).to(grad.dtype)
        }
        let g = grad.detach().contiguous()
        let result = Tensor.zeros(inputShape, dtype: g.dtype)
        let planes = result.count / Swift.max(windows.inPlane, 1)
        if g.dtype == .float64 {
            PoolKernels.averageAdjoint(g.pointer(as: Double.self), planes: planes, windows, into: result.pointer(as: Double.self))
        } else {
            PoolKernels.averageAdjoint(g.pointer(as: Float.self), planes: planes, windows, into: result.pointer(as: Float.self))
        }
        return Autograd.record("AvgPoolBackwardBackward0", inputs: [grad], output: result) { grad, _ in
            [averageOver(grad, windows, rank: rank)]
        }
    }
}
