import Ember
import Foundation

/// `v2.RandomHorizontalFlip(p)`.
public struct RandomHorizontalFlip: ImageTransform {
    public var p: Double

    public init(p: Double = 0.5) {
        precondition((0...1).contains(p), "RandomHorizontalFlip: `p` should be a floating point value in the interval [0.0, 1.0].")
        self.p = p
    }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        Draw.rand(generator) >= Float(p) ? image : TF.horizontalFlip(image)
    }
}

/// `v2.RandomVerticalFlip(p)`.
public struct RandomVerticalFlip: ImageTransform {
    public var p: Double

    public init(p: Double = 0.5) {
        precondition((0...1).contains(p), "RandomVerticalFlip: `p` should be a floating point value in the interval [0.0, 1.0].")
        self.p = p
    }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        Draw.rand(generator) >= Float(p) ? image : TF.verticalFlip(image)
    }
}

/// `v2.RandomCrop`: a random `size` window, after optional `padding` (`[all]`, `[left/right,
/// top/bottom]` or `[left, top, right, bottom]`); `padIfNeeded` pads each side by the shortfall
/// when the (padded) image is smaller than the crop.
public struct RandomCrop: ImageTransform {
    public var size: [Int]
    /// Left, top, right, bottom.
    public var padding: [Int]?
    public var padIfNeeded: Bool
    public var fill: Double
    public var paddingMode: PaddingMode

    /// The drawn window and the padding applied first (left, top, right, bottom).
    public struct Parameters: Equatable {
        public var top: Int, left: Int, height: Int, width: Int
        public var padding: [Int]
    }

    public init(size: [Int], padding: [Int]? = nil, padIfNeeded: Bool = false, fill: Double = 0, paddingMode: PaddingMode = .constant) {
        precondition(size.count == 1 || size.count == 2, "RandomCrop: please provide only two dimensions (h, w) for size, got \(size)")
        self.size = size.count == 1 ? [size[0], size[0]] : size
        if let padding {
            precondition([1, 2, 4].contains(padding.count), "RandomCrop: padding must be an int or a 1, 2, or 4 element list, got \(padding)")
            switch padding.count {
            case 1: self.padding = Array(repeating: padding[0], count: 4)
            case 2: self.padding = [padding[0], padding[1], padding[0], padding[1]]
            default: self.padding = padding
            }
        }
        (self.padIfNeeded, self.fill, self.paddingMode) = (padIfNeeded, fill, paddingMode)
    }

    /// torchvision's `make_params` for an image of `height × width`.
    public func parameters(height: Int, width: Int, generator: Generator) -> Parameters {
        var (left, top, right, bottom) = (0, 0, 0, 0)
        if let padding { (left, top, right, bottom) = (padding[0], padding[1], padding[2], padding[3]) }
        var (ph, pw) = (height + top + bottom, width + left + right)
        let (ch, cw) = (size[0], size[1])
        if padIfNeeded {
            if ph < ch { let d = ch - ph; top += d; bottom += d; ph += 2 * d }
            if pw < cw { let d = cw - pw; left += d; right += d; pw += 2 * d }
        }
        precondition(
            ph >= ch && pw >= cw,
            "RandomCrop: required crop size \((ch, cw)) is larger than \(padding != nil ? "padded " : "")input image size \((ph, pw)).")
        let y = ph > ch ? Draw.randint(generator, 0, ph - ch + 1) : 0
        let x = pw > cw ? Draw.randint(generator, 0, pw - cw + 1) : 0
        return Parameters(top: y, left: x, height: ch, width: cw, padding: [left, top, right, bottom])
    }

    public func apply(_ image: Tensor, _ p: Parameters) -> Tensor {
        var out = image
        if p.padding.contains(where: { $0 != 0 }) { out = TF.pad(out, padding: p.padding, fill: fill, mode: paddingMode) }
        let (h, w) = (out.shape[out.dim - 2], out.shape[out.dim - 1])
        if h > p.height || w > p.width { out = TF.crop(out, top: p.top, left: p.left, height: p.height, width: p.width) }
        return out
    }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        precondition(image.dim >= 3, "RandomCrop: expected a tensor of shape [..., C, H, W], got \(image.shape)")
        return apply(image, parameters(height: image.shape[image.dim - 2], width: image.shape[image.dim - 1], generator: generator))
    }
}

/// `v2.RandomResizedCrop`: a crop covering a random `scale` fraction of the area with a random
/// aspect ratio (log-uniform in `ratio`), resized to `size`. Ten tries, then torchvision's central
/// fallback (the whole image, or its largest central crop within `ratio`).
public struct RandomResizedCrop: ImageTransform {
    public var size: [Int]
    public var scale: (Double, Double)
    public var ratio: (Double, Double)
    public var interpolation: InterpolationMode
    public var antialias: Bool

    public struct Parameters: Equatable {
        public var top: Int, left: Int, height: Int, width: Int
    }

    public init(
        size: [Int], scale: (Double, Double) = (0.08, 1.0), ratio: (Double, Double) = (3.0 / 4.0, 4.0 / 3.0),
        interpolation: InterpolationMode = .bilinear, antialias: Bool = true
    ) {
        precondition(size.count == 1 || size.count == 2, "RandomResizedCrop: please provide only two dimensions (h, w) for size, got \(size)")
        self.size = size.count == 1 ? [size[0], size[0]] : size
        (self.scale, self.ratio, self.interpolation, self.antialias) = (scale, ratio, interpolation, antialias)
    }

    /// torchvision's `make_params` (`get_params` in v1) for an image of `height × width`.
    public func parameters(height: Int, width: Int, generator: Generator) -> Parameters {
        let area = Double(height * width)
        let logRatio = Draw.logFloat([ratio.0, ratio.1])
        for _ in 0..<10 {
            let targetArea = area * Draw.uniform(generator, scale.0, scale.1)
            let aspect = Draw.expFloat(Draw.uniform(generator, logRatio[0], logRatio[1]))
            let w = Int((targetArea * aspect).squareRoot().rounded(.toNearestOrEven))
            let h = Int((targetArea / aspect).squareRoot().rounded(.toNearestOrEven))
            if 0 < w && w <= width && 0 < h && h <= height {
                let i = Draw.randint(generator, 0, height - h + 1)
                let j = Draw.randint(generator, 0, width - w + 1)
                return Parameters(top: i, left: j, height: h, width: w)
            }
        }
        let inRatio = Double(width) / Double(height)
        var (w, h) = (width, height)
        if inRatio < min(ratio.0, ratio.1) {
            h = Int((Double(w) / min(ratio.0, ratio.1)).rounded(.toNearestOrEven))
        } else if inRatio > max(ratio.0, ratio.1) {
            w = Int((Double(h) * max(ratio.0, ratio.1)).rounded(.toNearestOrEven))
        }
        return Parameters(top: (height - h) / 2, left: (width - w) / 2, height: h, width: w)
    }

    public func apply(_ image: Tensor, _ p: Parameters) -> Tensor {
        TF.resizedCrop(image, top: p.top, left: p.left, height: p.height, width: p.width, size: size,
                       interpolation: interpolation, antialias: antialias)
    }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        precondition(image.dim >= 3, "RandomResizedCrop: expected a tensor of shape [..., C, H, W], got \(image.shape)")
        return apply(image, parameters(height: image.shape[image.dim - 2], width: image.shape[image.dim - 1], generator: generator))
    }
}

/// `v2.RandomRotation`: rotation by an angle uniform in `degrees` (`(-d, d)` for a number `d`).
public struct RandomRotation: ImageTransform {
    public var degrees: (Double, Double)
    public var interpolation: InterpolationMode
    public var expand: Bool
    public var center: [Double]?
    public var fill: [Double]

    public init(
        degrees: (Double, Double), interpolation: InterpolationMode = .nearest, expand: Bool = false,
        center: [Double]? = nil, fill: [Double] = [0]
    ) {
        precondition(degrees.0 <= degrees.1, "RandomRotation: degrees should be (min, max), got \(degrees)")
        (self.degrees, self.interpolation, self.expand, self.center, self.fill) = (degrees, interpolation, expand, center, fill)
    }

    /// `degrees: d` draws from `(-d, d)`.
    public init(degrees: Double, interpolation: InterpolationMode = .nearest, expand: Bool = false, center: [Double]? = nil, fill: [Double] = [0]) {
        precondition(degrees >= 0, "RandomRotation: if degrees is a single number, it must be positive, got \(degrees)")
        self.init(degrees: (-degrees, degrees), interpolation: interpolation, expand: expand, center: center, fill: fill)
    }

    /// The drawn angle in degrees.
    public func parameters(generator: Generator) -> Double { Draw.uniform(generator, degrees.0, degrees.1) }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        TF.rotate(image, angle: parameters(generator: generator), interpolation: interpolation, expand: expand, center: center, fill: fill)
    }
}

/// `v2.RandomAffine`: random rotation (`degrees`), translation (fractions `translate` of the
/// width and height, rounded to whole pixels), `scale` and `shear` (x range, or x and y ranges).
public struct RandomAffine: ImageTransform {
    public var degrees: (Double, Double)
    public var translate: (Double, Double)?
    public var scale: (Double, Double)?
    /// `[xmin, xmax]` or `[xmin, xmax, ymin, ymax]`.
    public var shear: [Double]?
    public var interpolation: InterpolationMode
    public var fill: [Double]
    public var center: [Double]?

    public struct Parameters: Equatable {
        public var angle: Double
        public var translate: [Int]
        public var scale: Double
        public var shear: [Double]
    }

    /// `shear` follows torchvision: `[s]` means x in `(-s, s)`, `[a, b]` x in `(a, b)`,
    /// `[a, b, c, d]` x in `(a, b)` and y in `(c, d)`.
    public init(
        degrees: (Double, Double), translate: (Double, Double)? = nil, scale: (Double, Double)? = nil, shear: [Double]? = nil,
        interpolation: InterpolationMode = .nearest, fill: [Double] = [0], center: [Double]? = nil
    ) {
        if let translate {
            precondition((0...1).contains(translate.0) && (0...1).contains(translate.1), "RandomAffine: translation values should be between 0 and 1")
        }
        if let scale { precondition(scale.0 > 0 && scale.1 > 0, "RandomAffine: scale values should be positive") }
        if let shear {
            precondition([1, 2, 4].contains(shear.count), "RandomAffine: shear should be a number or a sequence of 2 or 4 values, got \(shear)")
        }
        self.degrees = degrees
        self.translate = translate
        self.scale = scale
        self.shear = shear.map { $0.count == 1 ? [-abs($0[0]), abs($0[0])] : $0 }
        (self.interpolation, self.fill, self.center) = (interpolation, fill, center)
    }

    public init(
        degrees: Double, translate: (Double, Double)? = nil, scale: (Double, Double)? = nil, shear: [Double]? = nil,
        interpolation: InterpolationMode = .nearest, fill: [Double] = [0], center: [Double]? = nil
    ) {
        precondition(degrees >= 0, "RandomAffine: if degrees is a single number, it must be positive, got \(degrees)")
        self.init(degrees: (-degrees, degrees), translate: translate, scale: scale, shear: shear,
                  interpolation: interpolation, fill: fill, center: center)
    }

    public func parameters(height: Int, width: Int, generator: Generator) -> Parameters {
        let angle = Draw.uniform(generator, degrees.0, degrees.1)
        var t = [0, 0]
        if let translate {
            let maxDx = translate.0 * Double(width), maxDy = translate.1 * Double(height)
            t[0] = Int(Draw.uniform(generator, -maxDx, maxDx).rounded(.toNearestOrEven))
            t[1] = Int(Draw.uniform(generator, -maxDy, maxDy).rounded(.toNearestOrEven))
        }
        let s = scale.map { Draw.uniform(generator, $0.0, $0.1) } ?? 1
        var sh = [0.0, 0.0]
        if let shear {
            sh[0] = Draw.uniform(generator, shear[0], shear[1])
            if shear.count == 4 { sh[1] = Draw.uniform(generator, shear[2], shear[3]) }
        }
        return Parameters(angle: angle, translate: t, scale: s, shear: sh)
    }

    public func apply(_ image: Tensor, _ p: Parameters) -> Tensor {
        TF.affine(image, angle: p.angle, translate: p.translate.map(Double.init), scale: p.scale, shear: p.shear,
                  interpolation: interpolation, fill: fill, center: center)
    }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        precondition(image.dim >= 3, "RandomAffine: expected a tensor of shape [..., C, H, W], got \(image.shape)")
        return apply(image, parameters(height: image.shape[image.dim - 2], width: image.shape[image.dim - 1], generator: generator))
    }
}

/// `v2.RandomPerspective`: with probability `p`, moves each corner inwards by up to
/// `distortionScale` of half the image size.
public struct RandomPerspective: ImageTransform {
    public var distortionScale: Double
    public var p: Double
    public var interpolation: InterpolationMode
    public var fill: [Double]

    public init(distortionScale: Double = 0.5, p: Double = 0.5, interpolation: InterpolationMode = .bilinear, fill: [Double] = [0]) {
        precondition((0...1).contains(distortionScale), "RandomPerspective: argument distortion_scale value should be between 0 and 1")
        precondition((0...1).contains(p), "RandomPerspective: `p` should be a floating point value in the interval [0.0, 1.0].")
        (self.distortionScale, self.p, self.interpolation, self.fill) = (distortionScale, p, interpolation, fill)
    }

    /// The drawn `(startpoints, endpoints)` (after the `p` draw succeeded).
    public func parameters(height: Int, width: Int, generator g: Generator) -> (startpoints: [[Double]], endpoints: [[Double]]) {
        let boundH = Int(distortionScale * Double(height / 2)) + 1
        let boundW = Int(distortionScale * Double(width / 2)) + 1
        let topLeft = [Draw.randint(g, 0, boundW), Draw.randint(g, 0, boundH)]
        let topRight = [Draw.randint(g, width - boundW, width), Draw.randint(g, 0, boundH)]
        let bottomRight = [Draw.randint(g, width - boundW, width), Draw.randint(g, height - boundH, height)]
        let bottomLeft = [Draw.randint(g, 0, boundW), Draw.randint(g, height - boundH, height)]
        let start = [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]]
        return (start.map { $0.map(Double.init) }, [topLeft, topRight, bottomRight, bottomLeft].map { $0.map(Double.init) })
    }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        precondition(image.dim >= 3, "RandomPerspective: expected a tensor of shape [..., C, H, W], got \(image.shape)")
        if Draw.rand(generator) >= Float(p) { return image }
        let (start, end) = parameters(height: image.shape[image.dim - 2], width: image.shape[image.dim - 1], generator: generator)
        return TF.perspective(image, startpoints: start, endpoints: end, interpolation: interpolation, fill: fill)
    }
}
