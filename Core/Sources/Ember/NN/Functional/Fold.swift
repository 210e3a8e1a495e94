/// Sliding blocks (`F.unfold`, im2col) and their sum back into an image (`F.fold`, col2im).
/// Each is the other's adjoint, so each one's backward is the other.
extension Functional {
    /// Extracts sliding local blocks (`F.unfold`): input `[N, C, H, W]` (or `[C, H, W]`) to
    /// `[N, C·kH·kW, L]`, where `L` is the number of block positions. Column `l` holds block
    /// `l`'s values, channel-major then kernel row then kernel column (zeros in the padding).
    public static func unfold(
        _ input: Tensor, kernelSize: IntOrTuple, dilation: IntOrTuple = 1, padding: IntOrTuple = 0, stride: IntOrTuple = 1
    ) -> Tensor {
        precondition(
            input.dim == 3 || input.dim == 4,
            "unfold: Input Error: Only 3D or 4D input Tensors are supported (got \(input.dim)D)")
        let batched = input.dim == 4
        let x = batched ? input : input.unsqueeze(0)
        let g = FoldOps.geometry(
            batch: x.shape[0], channels: x.shape[1], image: [x.shape[2], x.shape[3]], kernelSize, dilation, padding, stride,
            op: "unfold")
        precondition(
            g.outSize[1] > 0 && g.outSize[2] > 0,
            "unfold: Given input with spatial size (\(x.shape[2]), \(x.shape[3])), kernel_size=\(kernelSize), dilation=\(dilation), padding=\(padding), calculated shape of the array of sliding blocks as (\(g.outSize[1]), \(g.outSize[2])), but its components must be at least one.")
        let out = Convolution.computeInFloat("unfold", [x], kernel: "im2col_out_cpu") { FoldOps.unfold($0[0], g) }
        return batched ? out : out.squeeze(dim: 0)
    }

    /// Sums sliding blocks back into an image (`F.fold`), the adjoint of `unfold`: input
    /// `[N, C·kH·kW, L]` (or `[C·kH·kW, L]`) to `[N, C, outputSize...]`; overlapping blocks add.
    public static func fold(
        _ input: Tensor, outputSize: IntOrTuple, kernelSize: IntOrTuple, dilation: IntOrTuple = 1,
        padding: IntOrTuple = 0, stride: IntOrTuple = 1
    ) -> Tensor {
        precondition(
            input.dim == 2 || input.dim == 3,
            "fold: Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got \(input.dim)D)")
        let batched = input.dim == 3
        let cols = batched ? input : input.unsqueeze(0)
        let kernel = kernelSize.expand(2, "fold", "kernel_size")
        let kk = kernel[0] * kernel[1]
        precondition(
            kk > 0 && cols.shape[1] % kk == 0,
            "fold: Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=\(cols.shape[1]) and kernel_size=\(kernel)")
        let image = outputSize.expand(2, "fold", "output_size")
        let g = FoldOps.geometry(
            batch: cols.shape[0], channels: cols.shape[1] / kk, image: image, kernelSize, dilation, padding, stride, op: "fold")
        precondition(
            g.outSize[1] > 0 && g.outSize[2] > 0 && cols.shape[2] == g.outPlane,
            "fold: Given output_size=\(image), kernel_size=\(kernel), dilation=\(dilation), padding=\(padding), stride=\(stride), expected size of input's dimension 2 to match the calculated number of sliding blocks \(g.outSize[1]) * \(g.outSize[2]) = \(g.outPlane), but got input.size(2)=\(cols.shape[2]).")
        let out = Convolution.computeInFloat("fold", [cols], kernel: "col2im_out_cpu") { FoldOps.fold($0[0], g) }
        return batched ? out : out.squeeze(dim: 0)
    }
}

/// The differentiable im2col/col2im pair over `ConvGeometry` (one group; the geometry's
/// input is the image, its output the block grid).
enum FoldOps {
    static func geometry(
        batch: Int, channels: Int, image: [Int], _ kernelSize: IntOrTuple, _ dilation: IntOrTuple, _ padding: IntOrTuple,
        _ stride: IntOrTuple, op: String
    ) -> ConvGeometry {
        let kernel = kernelSize.expand(2, op, "kernel_size"), dilation = dilation.expand(2, op, "dilation")
        let padding = padding.expand(2, op, "padding"), stride = stride.expand(2, op, "stride")
        precondition(kernel.allSatisfy { $0 > 0 }, "\(op): kernel size should be greater than zero, but got kernel_size: \(kernel)")
        precondition(stride.allSatisfy { $0 > 0 }, "\(op): stride should be greater than zero, but got stride: \(stride)")
        precondition(dilation.allSatisfy { $0 > 0 }, "\(op): dilation should be greater than zero, but got dilation: \(dilation)")
        precondition(padding.allSatisfy { $0 >= 0 }, "\(op): padding should be non-negative, but got padding: \(padding)")
        return ConvGeometry(
            batch: batch, inChannels: channels, outChannels: 1, groups: 1, inSize: image, kernel: kernel, stride: stride,
            padBefore: padding, padAfter: padding, dilation: dilation)
    }

    /// `[N, C, H, W]` to `[N, C·k, L]`.
    static func unfold(_ x: Tensor, _ g: ConvGeometry) -> Tensor {
        let xc = x.detach().contiguous()
        let out = x.dtype == .float64 ? expand(xc, g, Double.self) : expand(xc, g, Float.self)
        return Autograd.record("Im2ColBackward0", inputs: [x], output: out) { grad, _ in [fold(grad, g)] }
    }

    /// `[N, C·k, L]` to `[N, C, H, W]`.
    static func fold(_ cols: Tensor, _ g: ConvGeometry) -> Tensor {
        let cc = cols.detach().contiguous()
        let out = cols.dtype == .float64 ? collapse(cc, g, Double.self) : collapse(cc, g, Float.self)
        return Autograd.record("Col2ImBackward0", inputs: [cols], output: out) { grad, _ in [unfold(grad, g)] }
    }

    private static func expand<T: FloatElement>(_ x: Tensor, _ g: ConvGeometry, _: T.Type) -> Tensor {
        let (n, c, kk, L, plane) = (g.batch, g.inChannels, g.kernelCount, g.outPlane, g.inPlane)
        let out = Tensor(empty: [n, c * kk, L], dtype: T.dtype)
        let (px, po) = (UInt(bitPattern: x.pointer(as: T.self)), UInt(bitPattern: out.pointer(as: T.self)))
        parallelFor(n * c, grain: Swift.max(1, elementwiseGrain / Swift.max(kk * L, 1))) { range in
            for task in range {
                Im2Col.expand(
                    UnsafePointer<T>(bitPattern: px)! + task * plane, channels: 1, g, p0: 0, pn: L,
                    into: UnsafeMutablePointer<T>(bitPattern: po)! + task * kk * L, ldc: L)
            }
        }
        return out
    }

    private static func collapse<T: FloatElement>(_ cols: Tensor, _ g: ConvGeometry, _: T.Type) -> Tensor {
        let (n, c, kk, L, plane) = (g.batch, g.inChannels, g.kernelCount, g.outPlane, g.inPlane)
        let out = Tensor.zeros([n, c] + g.spatialInput, dtype: T.dtype)
        let (pc, po) = (UInt(bitPattern: cols.pointer(as: T.self)), UInt(bitPattern: out.pointer(as: T.self)))
        parallelFor(n * c, grain: Swift.max(1, elementwiseGrain / Swift.max(kk * L, 1))) { range in
            for task in range {
                Im2Col.accumulate(
                    UnsafePointer<T>(bitPattern: pc)! + task * kk * L, ldc: L, channels: 1, g, p0: 0, pn: L,
                    into: UnsafeMutablePointer<T>(bitPattern: po)! + task * plane)
            }
        }
        return out
    }
}
