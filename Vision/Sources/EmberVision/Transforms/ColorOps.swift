import Ember
import Foundation

/// The remaining colour transforms of `torchvision.transforms.v2.functional`, in float32 with
/// torchvision's operation order (each tensor op rounds once), uint8 converted as torchvision does.
extension TF {
    /// `F.invert`: `255 - x` for uint8, `1 - x` for float32.
    public static func invert(_ image: Tensor) -> Tensor {
        let p = ImagePlanes(image, op: "invert")
        return Pixelwise.map(p) { x8 in 255 - x8 } float: { 1 - $0 }
    }

    /// `F.posterize`: keeps the `bits` high bits of each uint8 sample; float32 images are
    /// quantised to `2^bits` levels (`floor(x·L)` clamped to `L-1`, times `1/L`).
    public static func posterize(_ image: Tensor, bits: Int) -> Tensor {
        precondition((0...8).contains(bits), "posterize: bits must be a positive integer in the range [0, 8], got \(bits) instead.")
        let p = ImagePlanes(image, op: "posterize")
        if image.dtype == .uint8 && bits >= 8 { return image }
        let mask = UInt8(truncatingIfNeeded: ((1 << bits) - 1) << (8 - bits))
        let levels = Float(1 << bits), inverse = Float(1.0 / Double(1 << bits))
        return Pixelwise.map(p) { $0 & mask } float: { Swift.min(Swift.max(($0 * levels).rounded(.down), 0), levels - 1) * inverse }
    }

    /// `F.solarize`: inverts the samples at or above `threshold` (in the image's value range).
    public static func solarize(_ image: Tensor, threshold: Double) -> Tensor {
        let p = ImagePlanes(image, op: "solarize")
        let bound = image.dtype == .uint8 ? 255.0 : 1.0
        precondition(threshold <= bound, "solarize: threshold should be less or equal the maximum value of the dtype, but got \(threshold)")
        // The comparison runs in float32 (uint8 tensor vs. Python float promotes to float32).
        let t = Float(threshold)
        return Pixelwise.map(p) { Float($0) >= t ? 255 - $0 : $0 } float: { $0 >= t ? 1 - $0 : $0 }
    }

    /// `F.adjust_gamma`: `gain · x^gamma` on the [0, 1] scale (uint8 converts there and back with
    /// `toDtype(scale: true)`).
    public static func adjustGamma(_ image: Tensor, gamma: Double, gain: Double = 1) -> Tensor {
        precondition(gamma >= 0, "adjustGamma: gamma should be a non-negative real number, got \(gamma)")
        let p = ImagePlanes(toDtype(image, .float32, scale: true), op: "adjustGamma")
        let (g, k) = (Float(gamma), Float(gain))
        let out = Pixelwise.map(p) { $0 } float: { x in
            let y = Foundation.pow(x, g)
            return gain != 1 ? Swift.min(Swift.max(y * k, 0), 1) : y
        }
        return toDtype(out, image.dtype, scale: true)
    }

    /// `F.autocontrast`: stretches each channel plane to the full range (`(x - min) / ((max -
    /// min) / bound)`, clamped; constant planes are unchanged). uint8 results truncate.
    public static func autocontrast(_ image: Tensor) -> Tensor {
        let p = ImagePlanes(image, op: "autocontrast")
        precondition(p.channels == 1 || p.channels == 3, "autocontrast: expected 1 or 3 channels, got shape \(image.shape)")
        if image.count == 0 { return image }
        let bound: Float = image.dtype == .uint8 ? 255 : 1
        let invBound = image.dtype == .uint8 ? Float(1.0 / 255.0) : 1
        let n = p.height * p.width
        let values = Pixelwise.floats(p)
        var result = [Float](repeating: 0, count: values.count)
        for plane in 0..<p.planes {
            let s = plane * n
            var lo = Float.infinity, hi = -Float.infinity
            for k in 0..<n { lo = Swift.min(lo, values[s + k]); hi = Swift.max(hi, values[s + k]) }
            var scale = (hi - lo) * invBound
            if hi == lo { (lo, scale) = (0, 1) }
            for k in 0..<n { result[s + k] = Swift.min(Swift.max((values[s + k] - lo) / scale, 0), bound) }
        }
        return Pixelwise.tensor(result, like: p)
    }

    /// `F.equalize`: histogram equalisation of each channel plane with Pillow's lookup table
    /// (`lut[k] = (cdf[k-1] + step/2) / step`, `step = (pixels - count of the top value) / 255`),
    /// computed on uint8 (float32 images convert with `toDtype(scale: true)` and back). Planes with
    /// `step == 0` come back unchanged.
    public static func equalize(_ image: Tensor) -> Tensor {
        if image.count == 0 { return image }
        let bytes = ImagePlanes(toDtype(image, .uint8, scale: true), op: "equalize")
        let n = bytes.height * bytes.width
        let out = Tensor(empty: bytes.tensor.shape, dtype: .uint8)
        let src = bytes.base(UInt8.self), dst = out.visionPointer(UInt8.self)
        for plane in 0..<bytes.planes {
            let s = src + plane * n, d = dst + plane * n
            var hist = [Int](repeating: 0, count: 256)
            for k in 0..<n { hist[Int(s[k])] += 1 }
            // The last non-empty bin: the first bin where the cumulative count reaches n.
            let top = hist.lastIndex { $0 > 0 } ?? 0
            let step = (n - hist[top]) / 255
            if step == 0 {
                for k in 0..<n { d[k] = s[k] }
                continue
            }
            var lut = [UInt8](repeating: 0, count: 256)
            var cumulative = 0
            for v in 1..<256 {
                cumulative += hist[v - 1]
                lut[v] = UInt8(Swift.min(Swift.max((cumulative + step / 2) / step, 0), 255))
            }
            for k in 0..<n { d[k] = lut[Int(s[k])] }
        }
        return withExtendedLifetime(bytes) { toDtype(out, image.dtype, scale: true) }
    }

    /// `F.adjust_sharpness`: blends with a 3×3 smoothed image (kernel 1/13 with 5/13 in the
    /// centre, rounded for uint8) on the interior pixels; the one-pixel border stays as it is.
    /// `factor` 0 gives the smoothed image, 1 the original, 2 a sharper one.
    public static func adjustSharpness(_ image: Tensor, factor: Double) -> Tensor {
        precondition(factor >= 0, "adjustSharpness: sharpness_factor (\(factor)) is not non-negative.")
        let p = ImagePlanes(image, op: "adjustSharpness")
        precondition(p.channels == 1 || p.channels == 3, "adjustSharpness: expected 1 or 3 channels, got shape \(image.shape)")
        if image.count == 0 || p.height <= 2 || p.width <= 2 { return image }
        let isByte = image.dtype == .uint8
        let bound: Float = isByte ? 255 : 1
        let (a, b) = (Float(1.0 / 13.0), Float(5.0 / 13.0))
        let alpha = Float(1.0 - factor)
        let (h, w) = (p.height, p.width)
        let values = Pixelwise.floats(p)
        var result = values
        for plane in 0..<p.planes {
            let s = plane * h * w
            for y in 1..<(h - 1) {
                for x in 1..<(w - 1) {
                    var sum: Float = 0
                    for dy in -1...1 {
                        for dx in -1...1 {
                            sum = sum.addingProduct(values[s + (y + dy) * w + x + dx], dy == 0 && dx == 0 ? b : a)
                        }
                    }
                    if isByte { sum = sum.rounded(.toNearestOrEven) }
                    let v = values[s + y * w + x]
                    result[s + y * w + x] = v.addingProduct(sum - v, alpha)
                }
            }
        }
        for i in result.indices { result[i] = Swift.min(Swift.max(result[i], 0), bound) }
        return Pixelwise.tensor(result, like: p)
    }

    /// `F.adjust_hue`: rotates the hue by `factor` turns (−0.5...0.5) through torchvision's
    /// float32 RGB → HSV → RGB conversion; uint8 goes through `toDtype(scale: true)` both ways.
    /// 1-channel images come back unchanged.
    public static func adjustHue(_ image: Tensor, factor: Double) -> Tensor {
        precondition((-0.5...0.5).contains(factor), "adjustHue: hue_factor (\(factor)) is not in [-0.5, 0.5].")
        precondition(image.dim >= 3, "adjustHue: expected a tensor of shape [..., C, H, W], got \(image.shape)")
        let c = image.shape[image.dim - 3]
        precondition(c == 1 || c == 3, "adjustHue: expected 1 or 3 channels, got shape \(image.shape)")
        if c == 1 || image.count == 0 { return image }
        let p = ImagePlanes(toDtype(image, .float32, scale: true), op: "adjustHue")
        let n = p.height * p.width
        let src = p.base(Float.self)
        let out = Tensor(empty: p.tensor.shape, dtype: .float32)
        let dst = out.visionPointer(Float.self)
        let shift = Float(factor), sixth = Float(1.0 / 6.0)
        for img in 0..<(p.planes / 3) {
            let s = src + img * 3 * n, d = dst + img * 3 * n
            for k in 0..<n {
                let (r, g, b) = (s[k], s[n + k], s[2 * n + k])
                // _rgb_to_hsv
                let maxc = Swift.max(r, g, b), minc = Swift.min(r, g, b)
                let eqc = maxc == minc
                let range = maxc - minc
                let sat = range / (eqc ? 1 : maxc)
                let divisor = eqc ? 1 : range
                let rc = (maxc - r) / divisor, gc = (maxc - g) / divisor, bc = (maxc - b) / divisor
                let hr = maxc == r ? bc - gc : 0
                let hg = maxc == g && maxc != r ? (rc + 2) - bc : 0
                let hb = maxc != r && maxc != g ? (gc + 4) - rc : 0
                var hue = ((hr + hg) + hb) * sixth + 1
                hue = floatRemainder(hue, 1)
                hue = floatRemainder(hue + shift, 1)
                // _hsv_to_rgb
                let h6 = hue * 6
                let i = h6.rounded(.down)
                let f = h6 - i
                let sxf = sat * f, oneMinusS = 1 - sat
                let q = clamp01((1 - sxf) * maxc), t = clamp01((sxf + oneMinusS) * maxc), pp = clamp01(oneMinusS * maxc)
                var sector = Int(i) % 6
                if sector < 0 { sector += 6 }
                let v = maxc
                let rgb: (Float, Float, Float)
                switch sector {
                case 0: rgb = (v, t, pp)
                case 1: rgb = (q, v, pp)
                case 2: rgb = (pp, v, t)
                case 3: rgb = (pp, q, v)
                case 4: rgb = (t, pp, v)
                default: rgb = (v, pp, q)
                }
                (d[k], d[n + k], d[2 * n + k]) = rgb
            }
        }
        let result = withExtendedLifetime(p) { out }
        return toDtype(result, image.dtype, scale: true)
    }

    /// `F.permute_channels`: reorders the channel dimension (`output[..., i, :, :] =
    /// image[..., permutation[i], :, :]`).
    public static func permuteChannels(_ image: Tensor, permutation: [Int]) -> Tensor {
        let p = ImagePlanes(image, op: "permuteChannels")
        precondition(
            permutation.sorted() == Array(0..<p.channels),
            "permuteChannels: permutation \(permutation) is not a permutation of the \(p.channels) channels of shape \(image.shape)")
        return Tensor.stack(permutation.map { image.select(image.dim - 3, $0) }, dim: image.dim - 3).contiguous()
    }

    /// PyTorch's floating `remainder` (the result takes the divisor's sign).
    @inline(__always) static func floatRemainder(_ a: Float, _ b: Float) -> Float {
        let m = a.truncatingRemainder(dividingBy: b)
        return m != 0 && ((b < 0) != (m < 0)) ? m + b : m
    }

    @inline(__always) static func clamp01(_ x: Float) -> Float { Swift.min(Swift.max(x, 0), 1) }
}

/// Sample-wise helpers over a contiguous uint8 or float32 image.
enum Pixelwise {
    /// `byte` on every uint8 sample or `float` on every float32 sample, into a new tensor.
    static func map(_ p: ImagePlanes, _ byte: (UInt8) -> UInt8, float: (Float) -> Float) -> Tensor {
        let out = Tensor(empty: p.tensor.shape, dtype: p.tensor.dtype)
        if p.tensor.dtype == .uint8 {
            let s = p.base(UInt8.self), d = out.visionPointer(UInt8.self)
            for i in 0..<p.tensor.count { d[i] = byte(s[i]) }
        } else {
            let s = p.base(Float.self), d = out.visionPointer(Float.self)
            for i in 0..<p.tensor.count { d[i] = float(s[i]) }
        }
        return withExtendedLifetime(p) { out }
    }

    /// The samples as floats (uint8 converted exactly).
    static func floats(_ p: ImagePlanes) -> [Float] {
        if p.tensor.dtype == .uint8 {
            let s = p.base(UInt8.self)
            return withExtendedLifetime(p) { (0..<p.tensor.count).map { Float(s[$0]) } }
        }
        return withExtendedLifetime(p) { Array(UnsafeBufferPointer(start: p.base(Float.self), count: p.tensor.count)) }
    }

    /// Floats back into a tensor of `p`'s shape and dtype; uint8 truncates (values are in range).
    static func tensor(_ values: [Float], like p: ImagePlanes) -> Tensor {
        let out = Tensor(empty: p.tensor.shape, dtype: p.tensor.dtype)
        if p.tensor.dtype == .uint8 {
            let d = out.visionPointer(UInt8.self)
            for i in values.indices { d[i] = UInt8(Swift.min(Swift.max(values[i], 0), 255)) }
        } else {
            let d = out.visionPointer(Float.self)
            for i in values.indices { d[i] = values[i] }
        }
        return out
    }
}
