import Ember

/// Colour transforms. They compute in float32 the way torchvision's tensor kernels do
/// (`r*0.2989 + g*0.587 + b*0.114` with fused multiply-adds, blends `a*ratio + b*(1-ratio)`,
/// clamping to the dtype's range) and convert back to uint8 by truncation, as `.to(uint8)` does.
extension TF {
    /// `F.rgb_to_grayscale`: ITU-R 601-2 luma of a 3-channel image (1-channel images are copied or
    /// repeated); `numOutputChannels` 1 or 3.
    public static func rgbToGrayscale(_ image: Tensor, numOutputChannels: Int = 1) -> Tensor {
        precondition(numOutputChannels == 1 || numOutputChannels == 3, "rgbToGrayscale: numOutputChannels must be 1 or 3, got \(numOutputChannels)")
        let p = ImagePlanes(image, op: "rgbToGrayscale")
        precondition(p.channels == 1 || p.channels == 3, "rgbToGrayscale: expected 1 or 3 channels, got shape \(image.shape)")
        let gray = p.channels == 1 ? p.tensor.clone() : ColorKernels.map(p, channelsOut: 1) { lum, _, _ in lum }
        return numOutputChannels == 1 ? gray : TF.repeatChannels(gray, 3)
    }

    /// `F.adjust_brightness`: multiplies by `factor` (≥ 0) and clamps.
    public static func adjustBrightness(_ image: Tensor, factor: Double) -> Tensor {
        precondition(factor >= 0, "adjustBrightness: brightness_factor (\(factor)) is not non-negative.")
        let p = ImagePlanes(image, op: "adjustBrightness")
        precondition(p.channels == 1 || p.channels == 3, "adjustBrightness: expected 1 or 3 channels, got shape \(image.shape)")
        let f = Float(factor)
        return ColorKernels.pointwise(p) { x, _ in x * f }
    }

    /// `F.adjust_saturation`: blends with the grayscale image (floored for uint8); 0 gives gray,
    /// 1 the original. 1-channel images come back unchanged.
    public static func adjustSaturation(_ image: Tensor, factor: Double) -> Tensor {
        precondition(factor >= 0, "adjustSaturation: saturation_factor (\(factor)) is not non-negative.")
        let p = ImagePlanes(image, op: "adjustSaturation")
        precondition(p.channels == 1 || p.channels == 3, "adjustSaturation: expected 1 or 3 channels, got shape \(image.shape)")
        if p.channels == 1 { return image }
        let ratio = Float(factor), other = Float(1.0 - factor)
        let floorGray = p.tensor.dtype == .uint8
        return ColorKernels.blendWithGray(p) { x, gray in
            let g = floorGray ? gray.rounded(.down) : gray
            return (x * ratio).addingProduct(g, other)
        }
    }

    /// `F.adjust_contrast`: blends each image with the mean of its grayscale version.
    public static func adjustContrast(_ image: Tensor, factor: Double) -> Tensor {
        precondition(factor >= 0, "adjustContrast: contrast_factor (\(factor)) is not non-negative.")
        let p = ImagePlanes(image, op: "adjustContrast")
        precondition(p.channels == 1 || p.channels == 3, "adjustContrast: expected 1 or 3 channels, got shape \(image.shape)")
        let ratio = Float(factor), other = Float(1.0 - factor)
        let means = ColorKernels.grayMeans(p)
        return ColorKernels.pointwise(p) { x, image in (x * ratio).addingProduct(means[image], other) }
    }

    /// A `[..., 1, H, W]` image repeated to `n` channels (a new contiguous tensor).
    static func repeatChannels(_ image: Tensor, _ n: Int) -> Tensor {
        var shape = image.shape
        shape[shape.count - 3] = n
        return image.expand(shape).contiguous()
    }
}

enum ColorKernels {
    /// Luma as torchvision computes it: `r*0.2989`, then `+ g*0.587` and `+ b*0.114` as fused
    /// multiply-adds (PyTorch's vectorised `add_(alpha:)`).
    @inline(__always) static func luma(_ r: Float, _ g: Float, _ b: Float) -> Float {
        (r * Float(0.2989)).addingProduct(g, Float(0.587)).addingProduct(b, Float(0.114))
    }

    /// Each pixel of each image through `f(luma, pixelIndex, image)` to `channelsOut` channels.
    static func map(_ p: ImagePlanes, channelsOut: Int, _ f: (Float, Int, Int) -> Float) -> Tensor {
        let out = Tensor(empty: p.outputShape(height: p.height, width: p.width, channels: channelsOut), dtype: p.tensor.dtype)
        let n = p.height * p.width, images = p.planes / p.channels
        if p.tensor.dtype == .uint8 {
            let src = p.base(UInt8.self), dst = out.visionPointer(UInt8.self)
            for i in 0..<images {
                let s = src + i * 3 * n
                for k in 0..<n {
                    let v = f(luma(Float(s[k]), Float(s[n + k]), Float(s[2 * n + k])), k, i)
                    dst[i * n + k] = UInt8(Swift.min(Swift.max(v, 0), 255))
                }
            }
        } else {
            let src = p.base(Float.self), dst = out.visionPointer(Float.self)
            for i in 0..<images {
                let s = src + i * 3 * n
                for k in 0..<n { dst[i * n + k] = f(luma(s[k], s[n + k], s[2 * n + k]), k, i) }
            }
        }
        return withExtendedLifetime(p) { out }
    }

    /// `f(value, imageIndex)` on every sample, clamped to the dtype's range; uint8 truncates.
    static func pointwise(_ p: ImagePlanes, _ f: (Float, Int) -> Float) -> Tensor {
        let out = Tensor(empty: p.tensor.shape, dtype: p.tensor.dtype)
        let perImage = p.channels * p.height * p.width
        if p.tensor.dtype == .uint8 {
            let src = p.base(UInt8.self), dst = out.visionPointer(UInt8.self)
            for i in 0..<p.tensor.count { dst[i] = UInt8(Swift.min(Swift.max(f(Float(src[i]), i / Swift.max(1, perImage)), 0), 255)) }
        } else {
            let src = p.base(Float.self), dst = out.visionPointer(Float.self)
            for i in 0..<p.tensor.count { dst[i] = Swift.min(Swift.max(f(src[i], i / Swift.max(1, perImage)), 0), 1) }
        }
        return withExtendedLifetime(p) { out }
    }

    /// `f(value, luma of that pixel)` on every sample of 3-channel images, clamped as above.
    static func blendWithGray(_ p: ImagePlanes, _ f: (Float, Float) -> Float) -> Tensor {
        let out = Tensor(empty: p.tensor.shape, dtype: p.tensor.dtype)
        let n = p.height * p.width, images = p.planes / 3
        if p.tensor.dtype == .uint8 {
            let src = p.base(UInt8.self), dst = out.visionPointer(UInt8.self)
            for i in 0..<images {
                let s = src + i * 3 * n, d = dst + i * 3 * n
                for k in 0..<n {
                    let g = luma(Float(s[k]), Float(s[n + k]), Float(s[2 * n + k]))
                    for c in 0..<3 { d[c * n + k] = UInt8(Swift.min(Swift.max(f(Float(s[c * n + k]), g), 0), 255)) }
                }
            }
        } else {
            let src = p.base(Float.self), dst = out.visionPointer(Float.self)
            for i in 0..<images {
                let s = src + i * 3 * n, d = dst + i * 3 * n
                for k in 0..<n {
                    let g = luma(s[k], s[n + k], s[2 * n + k])
                    for c in 0..<3 { d[c * n + k] = Swift.min(Swift.max(f(s[c * n + k], g), 0), 1) }
                }
            }
        }
        return withExtendedLifetime(p) { out }
    }

    /// The mean grayscale value of each image (`torch.mean` over C, H, W of the float32 luma,
    /// floored first for uint8), accumulated in double and rounded to float32.
    static func grayMeans(_ p: ImagePlanes) -> [Float] {
        let n = p.height * p.width, images = p.planes / p.channels
        var means = [Float](repeating: 0, count: images)
        for i in 0..<images {
            var total = 0.0
            if p.tensor.dtype == .uint8 {
                let s = p.base(UInt8.self) + i * p.channels * n
                for k in 0..<n {
                    total += Double(p.channels == 3 ? luma(Float(s[k]), Float(s[n + k]), Float(s[2 * n + k])).rounded(.down) : Float(s[k]))
                }
            } else {
                let s = p.base(Float.self) + i * p.channels * n
                for k in 0..<n { total += Double(p.channels == 3 ? luma(s[k], s[n + k], s[2 * n + k]) : s[k]) }
            }
            means[i] = n == 0 ? .nan : Float(total / Double(n))
        }
        return means
    }
}
