import Ember
import Foundation

extension TF {
    /// `F.gaussian_blur`: a `kernelSize = [kx, ky]` (odd, positive; `[k]` for both) Gaussian on
    /// reflect-padded planes. `sigma` is `[sx, sy]`, `[s]`, or nil for torchvision's default
    /// `0.3·((k-1)·0.5 - 1) + 0.8` written as `k·0.15 + 0.35`. uint8 results are rounded.
    ///
    /// The kernel is torchvision's: `softmax(-(x/σ)²)` over `linspace(-lim, lim, k)`,
    /// `lim = (k-1)/(2√2)`, in float32, and the 2-D kernel is the outer product.
    public static func gaussianBlur(_ image: Tensor, kernelSize: [Int], sigma: [Double]? = nil) -> Tensor {
        precondition(kernelSize.count == 1 || kernelSize.count == 2, "gaussianBlur: kernelSize should have 1 or 2 elements, got \(kernelSize)")
        let ks = kernelSize.count == 1 ? [kernelSize[0], kernelSize[0]] : kernelSize
        precondition(ks.allSatisfy { $0 > 0 && $0 % 2 == 1 }, "gaussianBlur: kernel_size should have odd and positive integers. Got \(kernelSize)")
        let sig: [Double]
        if let sigma {
            precondition(sigma.count == 1 || sigma.count == 2, "gaussianBlur: if sigma is a sequence, its length should be 1 or 2. Got \(sigma.count)")
            sig = sigma.count == 1 ? [sigma[0], sigma[0]] : sigma
        } else {
            sig = ks.map { Double($0) * 0.15 + 0.35 }
        }
        precondition(sig.allSatisfy { $0 > 0 }, "gaussianBlur: sigma should have positive values. Got \(sig)")
        let p = ImagePlanes(image, op: "gaussianBlur")
        if image.count == 0 { return image }
        let (padX, padY) = (ks[0] / 2, ks[1] / 2)
        precondition(
            padX < p.width && padY < p.height,
            "gaussianBlur: padding size should be less than the corresponding input dimension (kernel \(ks), image \(p.height)x\(p.width))")
        let kx = gaussianKernel1d(ks[0], sigma: sig[0]), ky = gaussianKernel1d(ks[1], sigma: sig[1])
        var kernel = [Float](repeating: 0, count: ks[0] * ks[1])
        for i in 0..<ks[1] { for j in 0..<ks[0] { kernel[i * ks[0] + j] = ky[i] * kx[j] } }
        let (h, w) = (p.height, p.width)
        func reflect(_ i: Int, _ n: Int) -> Int { i < 0 ? -i : (i >= n ? 2 * (n - 1) - i : i) }
        let rowIndex = (-padY..<(h + padY)).map { reflect($0, h) }
        let colIndex = (-padX..<(w + padX)).map { reflect($0, w) }
        let values = Pixelwise.floats(p)
        var result = [Float](repeating: 0, count: values.count)
        for plane in 0..<p.planes {
            let s = plane * h * w
            for y in 0..<h {
                for x in 0..<w {
                    var sum: Float = 0
                    for i in 0..<ks[1] {
                        let row = s + rowIndex[y + i] * w
                        for j in 0..<ks[0] { sum = sum.addingProduct(values[row + colIndex[x + j]], kernel[i * ks[0] + j]) }
                    }
                    result[s + y * w + x] = image.dtype == .uint8 ? sum.rounded(.toNearestOrEven) : sum
                }
            }
        }
        return Pixelwise.tensor(result, like: p)
    }

    /// torchvision's `_get_gaussian_kernel1d` in float32.
    static func gaussianKernel1d(_ size: Int, sigma: Double) -> [Float] {
        let lim = Double(size - 1) / (2.0 * 2.0.squareRoot())
        let (start, end) = (Float(-lim), Float(lim))
        let step = size > 1 ? (end - start) / Float(size - 1) : 0
        let s = Float(sigma)
        // torch.linspace: the first half counts up from start, the second down from end.
        let x = (0..<size).map { i in i < size / 2 ? start + step * Float(i) : end - step * Float(size - i - 1) }
        let logits = x.map { v -> Float in let t = v / s; return -(t * t) }
        let top = logits.max() ?? 0
        let e = logits.map { Foundation.exp($0 - top) }
        // PyTorch's softmax multiplies by the reciprocal of the sum.
        let inverse = 1 / e.reduce(0, +)
        return e.map { $0 * inverse }
    }

    /// `F.erase`: replaces the `height × width` region at (`top`, `left`) with `value`, a tensor
    /// that broadcasts to `[C, height, width]` (a scalar, `[C, 1, 1]`, or per-pixel values),
    /// converted to the image's dtype as PyTorch's copy converts it (uint8 truncates).
    public static func erase(_ image: Tensor, top: Int, left: Int, height: Int, width: Int, value: Tensor) -> Tensor {
        let p = ImagePlanes(image, op: "erase")
        let out = p.tensor.clone()
        // Python slicing clips the region to the image.
        let (y0, x0) = (Swift.max(0, Swift.min(top, p.height)), Swift.max(0, Swift.min(left, p.width)))
        let (y1, x1) = (Swift.max(y0, Swift.min(top + height, p.height)), Swift.max(x0, Swift.min(left + width, p.width)))
        let (rh, rw) = (y1 - y0, x1 - x0)
        if rh == 0 || rw == 0 || out.count == 0 { return out }
        let fill = value.to(image.dtype).expand([p.channels, rh, rw]).contiguous()
        func copy<T>(_: T.Type) {
            let d = out.visionPointer(T.self), s = fill.visionPointer(T.self)
            for plane in 0..<p.planes {
                let c = plane % p.channels
                for y in 0..<rh {
                    for x in 0..<rw { d[plane * p.height * p.width + (y0 + y) * p.width + x0 + x] = s[(c * rh + y) * rw + x] }
                }
            }
        }
        if image.dtype == .uint8 { copy(UInt8.self) } else { copy(Float.self) }
        return withExtendedLifetime(fill) { out }
    }

    /// `F.resized_crop`: `crop` then `resize` to `size`.
    public static func resizedCrop(
        _ image: Tensor, top: Int, left: Int, height: Int, width: Int, size: [Int],
        interpolation: InterpolationMode = .bilinear, antialias: Bool = true
    ) -> Tensor {
        resize(crop(image, top: top, left: left, height: height, width: width), size: size, interpolation: interpolation, antialias: antialias)
    }

    /// `F.five_crop`: the four corner crops and the centre crop of `size` (`[h, w]` or `[s]`), in
    /// torchvision's order: top-left, top-right, bottom-left, bottom-right, centre.
    public static func fiveCrop(_ image: Tensor, size: [Int]) -> [Tensor] {
        precondition(size.count == 1 || size.count == 2, "fiveCrop: size must have 1 or 2 elements, got \(size)")
        precondition(image.dim >= 3, "fiveCrop: expected a tensor of shape [..., C, H, W], got \(image.shape)")
        let (ch, cw) = (size[0], size.count == 2 ? size[1] : size[0])
        let (h, w) = (image.shape[image.dim - 2], image.shape[image.dim - 1])
        precondition(ch <= h && cw <= w, "fiveCrop: requested crop size \([ch, cw]) is bigger than input size \([h, w])")
        return [
            crop(image, top: 0, left: 0, height: ch, width: cw),
            crop(image, top: 0, left: w - cw, height: ch, width: cw),
            crop(image, top: h - ch, left: 0, height: ch, width: cw),
            crop(image, top: h - ch, left: w - cw, height: ch, width: cw),
            centerCrop(image, size: [ch, cw]),
        ]
    }

    /// `F.ten_crop`: the five crops of the image, then the five of its horizontal (or, with
    /// `verticalFlip`, vertical) flip.
    public static func tenCrop(_ image: Tensor, size: [Int], verticalFlip vertical: Bool = false) -> [Tensor] {
        fiveCrop(image, size: size) + fiveCrop(vertical ? verticalFlip(image) : horizontalFlip(image), size: size)
    }
}
