import Ember

extension TF {
    /// `F.normalize`: `(x - mean[c]) / std[c]` per channel of a float32 `[..., C, H, W]` image.
    public static func normalize(_ image: Tensor, mean: [Double], std: [Double]) -> Tensor {
        precondition(image.dtype == .float32, "normalize: input tensor should be a float tensor, got \(image.dtype)")
        let p = ImagePlanes(image, op: "normalize")
        precondition(
            (mean.count == 1 || mean.count == p.channels) && (std.count == 1 || std.count == p.channels),
            "normalize: mean \(mean) and std \(std) must have 1 or \(p.channels) elements for shape \(image.shape)")
        precondition(!std.contains(0), "normalize: std evaluated to zero after conversion to float32, leading to division by zero.")
        let out = Tensor(empty: image.shape, dtype: .float32)
        let src = p.base(Float.self), dst = out.visionPointer(Float.self)
        let n = p.height * p.width
        for plane in 0..<p.planes {
            let c = plane % p.channels
            let m = Float(mean[mean.count == 1 ? 0 : c]), s = Float(std[std.count == 1 ? 0 : c])
            let a = src + plane * n, b = dst + plane * n
            for k in 0..<n { b[k] = (a[k] - m) / s }
        }
        return withExtendedLifetime(p) { out }
    }

    /// `F.to_dtype` between uint8 and float32. With `scale`, uint8 → float32 maps 0...255 to 0...1
    /// (`x * (1/255)`), and float32 → uint8 multiplies by 255.999 and truncates, as torchvision does.
    /// Without, values convert as `Tensor.to` does.
    public static func toDtype(_ image: Tensor, _ dtype: DType, scale: Bool = false) -> Tensor {
        if image.dtype == dtype { return image }
        guard scale else { return image.to(dtype) }
        switch (image.dtype, dtype) {
        case (.uint8, .float32):
            let p = ImagePlanes(image, op: "toDtype")
            let out = Tensor(empty: image.shape, dtype: .float32)
            let src = p.base(UInt8.self), dst = out.visionPointer(Float.self)
            let k = Float(1.0 / 255.0)
            for i in 0..<image.count { dst[i] = Float(src[i]) * k }
            return withExtendedLifetime(p) { out }
        case (.float32, .uint8):
            let p = ImagePlanes(image, op: "toDtype")
            let out = Tensor(empty: image.shape, dtype: .uint8)
            let src = p.base(Float.self), dst = out.visionPointer(UInt8.self)
            let k = Float(255.0 + 1.0 - 1e-3)
            // Out-of-range values are undefined in PyTorch's cast; here they saturate.
            for i in 0..<image.count { dst[i] = UInt8(Swift.min(Swift.max((src[i] * k).rounded(.towardZero), 0), 255)) }
            return withExtendedLifetime(p) { out }
        default:
            preconditionFailure("toDtype: scaling from \(image.dtype) to \(dtype) is not supported (uint8 <-> float32)")
        }
    }
}
