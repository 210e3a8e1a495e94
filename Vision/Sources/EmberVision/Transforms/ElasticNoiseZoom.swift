import Ember

extension TF {
    /// `F.elastic`: samples the image at `identity + displacement`, where `displacement` is a
    /// `[1, H, W, 2]` float32 tensor of offsets in normalised coordinates (x then y), as
    /// ``ElasticTransform`` draws them.
    public static func elastic(
        _ image: Tensor, displacement: Tensor, interpolation: InterpolationMode = .bilinear, fill: [Double]? = nil
    ) -> Tensor {
        precondition(image.dim >= 3, "elastic: expected a tensor of shape [..., C, H, W], got \(image.shape)")
        let (h, w) = (image.shape[image.dim - 2], image.shape[image.dim - 1])
        precondition(
            displacement.shape == [1, h, w, 2],
            "elastic: argument displacement shape should be [1, \(h), \(w), 2], but given \(displacement.shape)")
        let offsets = displacement.toArray(Float.self)
        // _create_identity_grid: linspace((1 - n) / n, (n - 1) / n, n) per axis, in float32.
        let xs = AugmentSpace.linspace(Double(1 - w) / Double(w), Double(w - 1) / Double(w), w).map { Float($0) }
        let ys = AugmentSpace.linspace(Double(1 - h) / Double(h), Double(h - 1) / Double(h), h).map { Float($0) }
        var points = [Float](repeating: 0, count: h * w * 2)
        for y in 0..<h {
            for x in 0..<w {
                let k = 2 * (y * w + x)
                points[k] = xs[x] + offsets[k]
                points[k + 1] = ys[y] + offsets[k + 1]
            }
        }
        return GridSampler.apply(image, grid: GridSampler.Grid(width: w, height: h, points: points),
                                 interpolation: interpolation, fill: fill, op: "elastic")
    }

    /// `F.gaussian_noise`: adds `mean + N(0, 1)·sigma` (float32; on the 0...255 scale for uint8,
    /// where the noise truncates to integers first), clamped to the range with `clip`; uint8
    /// without `clip` wraps around as torchvision's int16 → uint8 cast does. The normal draws fill
    /// the input's memory order, as `torch.randn_like` does (a channels-last view draws pixel by
    /// pixel), so a seed gives torchvision's noise for the same layout.
    public static func gaussianNoise(_ image: Tensor, mean: Double = 0, sigma: Double = 0.1, clip: Bool = true, generator: Generator? = nil) -> Tensor {
        precondition(sigma >= 0, "gaussianNoise: sigma shouldn't be negative. Got \(sigma)")
        let p = ImagePlanes(image, op: "gaussianNoise")
        // torch.randn_like keeps the input's memory layout (a decoded image is channels-last): the
        // noise tensor gets the input's dim order, and normal_ fills it in memory order (with
        // PyTorch's per-element path when that layout is not contiguous).
        let order = (0..<image.dim).sorted { (image.strides[$0], $1) > (image.strides[$1], $0) }
        var inverse = [Int](repeating: 0, count: image.dim)
        for (i, d) in order.enumerated() { inverse[d] = i }
        let noise = Tensor(empty: order.map { image.shape[$0] }, dtype: .float32).permute(inverse)
            .normal_(generator: generator).contiguous().toArray(Float.self)
        let out = Tensor(empty: image.shape, dtype: image.dtype)
        if image.dtype == .uint8 {
            let (m, s) = (Float(mean * 255), Float(sigma * 255))
            let src = p.base(UInt8.self), dst = out.visionPointer(UInt8.self)
            for i in 0..<image.count {
                let n = Int(Int16(clamping: Int((m + noise[i] * s).rounded(.towardZero))))
                let v = Int(src[i]) + n
                dst[i] = clip ? UInt8(Swift.min(Swift.max(v, 0), 255)) : UInt8(truncatingIfNeeded: v)
            }
        } else {
            let (m, s) = (Float(mean), Float(sigma))
            let src = p.base(Float.self), dst = out.visionPointer(Float.self)
            for i in 0..<image.count {
                let v = src[i] + (m + noise[i] * s)
                dst[i] = clip ? Swift.min(Swift.max(v, 0), 1) : v
            }
        }
        return withExtendedLifetime(p) { out }
    }
}

/// `v2.ElasticTransform(alpha, sigma)`: uniform noise displacements in [-1, 1), smoothed by a
/// Gaussian (kernel `8σ+1`, made odd) and scaled by `alpha / size`, one field per axis.
public struct ElasticTransform: ImageTransform {
    public var alpha: (Double, Double)
    public var sigma: (Double, Double)
    public var interpolation: InterpolationMode
    public var fill: [Double]

    public init(alpha: Double = 50, sigma: Double = 5, interpolation: InterpolationMode = .bilinear, fill: [Double] = [0]) {
        self.init(alpha: (alpha, alpha), sigma: (sigma, sigma), interpolation: interpolation, fill: fill)
    }

    public init(alpha: (Double, Double), sigma: (Double, Double), interpolation: InterpolationMode = .bilinear, fill: [Double] = [0]) {
        (self.alpha, self.sigma, self.interpolation, self.fill) = (alpha, sigma, interpolation, fill)
    }

    /// The drawn `[1, H, W, 2]` displacement.
    public func parameters(height h: Int, width w: Int, generator g: Generator) -> Tensor {
        func field(_ s: Double, _ a: Double, _ size: Int) -> Tensor {
            var d = Tensor.rand([1, 1, h, w], dtype: .float32, generator: g).mul(2).sub(1)
            if s > 0 {
                var k = Int(8 * s + 1)
                if k % 2 == 0 { k += 1 }
                d = TF.gaussianBlur(d, kernelSize: [k, k], sigma: [sigma.0, sigma.1])
            }
            return d.mul(.double(a)).div(.double(Double(size)))
        }
        let dx = field(sigma.0, alpha.0, w)
        let dy = field(sigma.1, alpha.1, h)
        return Tensor.cat([dx, dy], dim: 1).permute([0, 2, 3, 1]).contiguous()
    }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        precondition(image.dim >= 3, "ElasticTransform: expected a tensor of shape [..., C, H, W], got \(image.shape)")
        let d = parameters(height: image.shape[image.dim - 2], width: image.shape[image.dim - 1], generator: generator)
        return TF.elastic(image, displacement: d, interpolation: interpolation, fill: fill)
    }
}

/// `v2.GaussianNoise(mean, sigma, clip)`.
public struct GaussianNoise: ImageTransform {
    public var mean: Double
    public var sigma: Double
    public var clip: Bool

    public init(mean: Double = 0, sigma: Double = 0.1, clip: Bool = true) { (self.mean, self.sigma, self.clip) = (mean, sigma, clip) }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        TF.gaussianNoise(image, mean: mean, sigma: sigma, clip: clip, generator: generator)
    }
}

/// `v2.RandomZoomOut(fill, side_range, p)`: places the image at a random spot of a canvas
/// `side_range` times larger, filled with `fill`.
public struct RandomZoomOut: ImageTransform {
    public var fill: Double
    public var sideRange: (Double, Double)
    public var p: Double

    public init(fill: Double = 0, sideRange: (Double, Double) = (1, 4), p: Double = 0.5) {
        precondition(sideRange.0 >= 1 && sideRange.0 <= sideRange.1, "RandomZoomOut: invalid side range provided \(sideRange).")
        checkProbability(p, "RandomZoomOut")
        (self.fill, self.sideRange, self.p) = (fill, sideRange, p)
    }

    /// The drawn padding (left, top, right, bottom); float32 arithmetic as torchvision's tensors.
    public func parameters(height h: Int, width w: Int, generator g: Generator) -> [Int] {
        let r = Float(sideRange.0) + Draw.rand(g) * Float(sideRange.1 - sideRange.0)
        let (cw, ch) = (Int(Float(w) * r), Int(Float(h) * r))
        let u = Tensor.rand([2], dtype: .float32, generator: g).toArray(Float.self)
        let left = Int(Float(cw - w) * u[0]), top = Int(Float(ch - h) * u[1])
        return [left, top, cw - (left + w), ch - (top + h)]
    }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        precondition(image.dim >= 3, "RandomZoomOut: expected a tensor of shape [..., C, H, W], got \(image.shape)")
        if !randomlyApplies(p, generator) { return image }
        let padding = parameters(height: image.shape[image.dim - 2], width: image.shape[image.dim - 1], generator: generator)
        return TF.pad(image, padding: padding, fill: fill)
    }
}

/// `v2.RandomPhotometricDistort`: each of brightness, contrast, saturation and hue with
/// probability `p` (factor uniform in its range), contrast before or after the rest at random,
/// and a random channel permutation with probability `p` (the SSD recipe).
public struct RandomPhotometricDistort: ImageTransform {
    public var brightness: (Double, Double)
    public var contrast: (Double, Double)
    public var saturation: (Double, Double)
    public var hue: (Double, Double)
    public var p: Double

    public init(
        brightness: (Double, Double) = (0.875, 1.125), contrast: (Double, Double) = (0.5, 1.5),
        saturation: (Double, Double) = (0.5, 1.5), hue: (Double, Double) = (-0.05, 0.05), p: Double = 0.5
    ) {
        (self.brightness, self.contrast, self.saturation, self.hue, self.p) = (brightness, contrast, saturation, hue, p)
    }

    public func callAsFunction(_ image: Tensor, generator g: Generator) -> Tensor {
        precondition(image.dim >= 3, "RandomPhotometricDistort: expected a tensor of shape [..., C, H, W], got \(image.shape)")
        func maybe(_ r: (Double, Double)) -> Double? { Draw.rand(g) < Float(p) ? Draw.uniform(g, r.0, r.1) : nil }
        let b = maybe(brightness), c = maybe(contrast), s = maybe(saturation), h = maybe(hue)
        let contrastBefore = Draw.rand(g) < 0.5
        let permutation = Draw.rand(g) < Float(p) ? Draw.randperm(g, image.shape[image.dim - 3]) : nil
        var out = image
        if let b { out = TF.adjustBrightness(out, factor: b) }
        if let c, contrastBefore { out = TF.adjustContrast(out, factor: c) }
        if let s { out = TF.adjustSaturation(out, factor: s) }
        if let h { out = TF.adjustHue(out, factor: h) }
        if let c, !contrastBefore { out = TF.adjustContrast(out, factor: c) }
        if let permutation { out = TF.permuteChannels(out, permutation: permutation) }
        return out
    }
}
