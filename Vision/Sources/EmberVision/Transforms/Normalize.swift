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

    /// `F.to_dtype` between uint8 and float32, and between uint16 (16-bit PNGs) and the floating
    /// dtypes or uint8. With `scale`, uint8 → float32 maps 0...255 to 0...1 (`x * (1/255)`), and
    /// float32 → uint8 multiplies by 255.999 and truncates, as torchvision does; uint16 likewise
    /// with 65535 (float → uint16 multiplies by 65535.999, so 1.0 wraps to 0 as in torchvision),
    /// uint16 → uint8 divides by 256 and truncates, uint8 → uint16 multiplies by 256.
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
        case (.uint16, let target) where target.isFloatingPoint:
            return image.to(target).mul(.double(1.0 / 65535))
        case (let source, .uint16) where source.isFloatingPoint:
            return image.mul(.double(65535 + 1 - 1e-3)).to(.uint16)
        case (.uint16, .uint8):
            // torchvision divides (uint16 has no shift kernel): true division, then truncation.
            return image.div(.int(256)).to(.uint8)
        case (.uint8, .uint16):
            return image.to(.uint16).mul(.int(256))
        default:
            preconditionFailure(
                "toDtype: scaling from \(image.dtype) to \(dtype) is not supported (uint8 <-> float32, uint16 <-> floating dtypes and uint8)")
        }
    }
}
