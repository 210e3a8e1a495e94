import Ember
import Foundation

/// `v2.ColorJitter`: brightness, contrast, saturation and hue factors drawn uniformly from their
/// ranges and applied in a random order (`torch.randperm(4)` first, then one draw per enabled
/// factor, as torchvision).
public struct ColorJitter: ImageTransform {
    public var brightness: (Double, Double)?
    public var contrast: (Double, Double)?
    public var saturation: (Double, Double)?
    public var hue: (Double, Double)?

    /// The drawn order (0 brightness, 1 contrast, 2 saturation, 3 hue) and factors.
    public struct Parameters: Equatable {
        public var order: [Int]
        public var brightness: Double?, contrast: Double?, saturation: Double?, hue: Double?
    }

    /// torchvision's number form: `brightness: b` draws from `[max(0, 1-b), 1+b]` (contrast and
    /// saturation alike), `hue: h` from `[-h, h]` (h ≤ 0.5).
    public init(brightness: Double? = nil, contrast: Double? = nil, saturation: Double? = nil, hue: Double? = nil) {
        func around1(_ v: Double?, _ name: String) -> (Double, Double)? {
            guard let v else { return nil }
            precondition(v >= 0, "ColorJitter: if \(name) is a single number, it must be non negative.")
            return (max(1 - v, 0), 1 + v)
        }
        let h = hue.map { v -> (Double, Double) in
            precondition(v >= 0, "ColorJitter: if hue is a single number, it must be non negative.")
            return (-v, v)
        }
        self.init(brightnessRange: around1(brightness, "brightness"), contrastRange: around1(contrast, "contrast"),
                  saturationRange: around1(saturation, "saturation"), hueRange: h)
    }

    /// Explicit `(min, max)` ranges (torchvision's sequence form).
    public init(
        brightnessRange: (Double, Double)?, contrastRange: (Double, Double)? = nil, saturationRange: (Double, Double)? = nil,
        hueRange: (Double, Double)? = nil
    ) {
        func check(_ r: (Double, Double)?, _ name: String, center: Double, bound: ClosedRange<Double>) -> (Double, Double)? {
            guard let r else { return nil }
            precondition(
                bound.contains(r.0) && r.0 <= r.1 && bound.contains(r.1),
                "ColorJitter: \(name) values should be between \(bound) and increasing, but got \(r).")
            return r.0 == center && r.1 == center ? nil : r
        }
        brightness = check(brightnessRange, "brightness", center: 1, bound: 0...Double.infinity)
        contrast = check(contrastRange, "contrast", center: 1, bound: 0...Double.infinity)
        saturation = check(saturationRange, "saturation", center: 1, bound: 0...Double.infinity)
        hue = check(hueRange, "hue", center: 0, bound: -0.5...0.5)
    }

    public func parameters(generator g: Generator) -> Parameters {
        let order = Draw.randperm(g, 4)
        let b = brightness.map { Draw.uniform(g, $0.0, $0.1) }
        let c = contrast.map { Draw.uniform(g, $0.0, $0.1) }
        let s = saturation.map { Draw.uniform(g, $0.0, $0.1) }
        let h = hue.map { Draw.uniform(g, $0.0, $0.1) }
        return Parameters(order: order, brightness: b, contrast: c, saturation: s, hue: h)
    }

    public func apply(_ image: Tensor, _ p: Parameters) -> Tensor {
        var out = image
        for id in p.order {
            switch id {
            case 0: if let f = p.brightness { out = TF.adjustBrightness(out, factor: f) }
            case 1: if let f = p.contrast { out = TF.adjustContrast(out, factor: f) }
            case 2: if let f = p.saturation { out = TF.adjustSaturation(out, factor: f) }
            default: if let f = p.hue { out = TF.adjustHue(out, factor: f) }
            }
        }
        return out
    }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor { apply(image, parameters(generator: generator)) }
}

/// torchvision's `_RandomApplyTransform`: one `torch.rand(1)` draw; the transform applies when
/// the draw is below `p` (compared in float32, as torch compares).
@inline(__always) func randomlyApplies(_ p: Double, _ generator: Generator) -> Bool { Draw.rand(generator) < Float(p) }

func checkProbability(_ p: Double, _ name: String) {
    precondition((0...1).contains(p), "\(name): `p` should be a floating point value in the interval [0.0, 1.0].")
}

/// `v2.RandomGrayscale(p)`: grayscale with as many channels as the input.
public struct RandomGrayscale: ImageTransform {
    public var p: Double
    public init(p: Double = 0.1) { checkProbability(p, "RandomGrayscale"); self.p = p }
    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        randomlyApplies(p, generator) ? TF.rgbToGrayscale(image, numOutputChannels: image.shape[image.dim - 3]) : image
    }
}

/// `v2.RandomInvert(p)`.
public struct RandomInvert: ImageTransform {
    public var p: Double
    public init(p: Double = 0.5) { checkProbability(p, "RandomInvert"); self.p = p }
    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        randomlyApplies(p, generator) ? TF.invert(image) : image
    }
}

/// `v2.RandomPosterize(bits, p)`.
public struct RandomPosterize: ImageTransform {
    public var bits: Int
    public var p: Double
    public init(bits: Int, p: Double = 0.5) { checkProbability(p, "RandomPosterize"); (self.bits, self.p) = (bits, p) }
    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        randomlyApplies(p, generator) ? TF.posterize(image, bits: bits) : image
    }
}

/// `v2.RandomSolarize(threshold, p)`.
public struct RandomSolarize: ImageTransform {
    public var threshold: Double
    public var p: Double
    public init(threshold: Double, p: Double = 0.5) { checkProbability(p, "RandomSolarize"); (self.threshold, self.p) = (threshold, p) }
    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        randomlyApplies(p, generator) ? TF.solarize(image, threshold: threshold) : image
    }
}

/// `v2.RandomAdjustSharpness(sharpness_factor, p)`.
public struct RandomAdjustSharpness: ImageTransform {
    public var sharpnessFactor: Double
    public var p: Double
    public init(sharpnessFactor: Double, p: Double = 0.5) {
        checkProbability(p, "RandomAdjustSharpness")
        (self.sharpnessFactor, self.p) = (sharpnessFactor, p)
    }
    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        randomlyApplies(p, generator) ? TF.adjustSharpness(image, factor: sharpnessFactor) : image
    }
}

/// `v2.RandomAutocontrast(p)`.
public struct RandomAutocontrast: ImageTransform {
    public var p: Double
    public init(p: Double = 0.5) { checkProbability(p, "RandomAutocontrast"); self.p = p }
    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        randomlyApplies(p, generator) ? TF.autocontrast(image) : image
    }
}

/// `v2.RandomEqualize(p)`.
public struct RandomEqualize: ImageTransform {
    public var p: Double
    public init(p: Double = 0.5) { checkProbability(p, "RandomEqualize"); self.p = p }
    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        randomlyApplies(p, generator) ? TF.equalize(image) : image
    }
}

/// `v2.GaussianBlur(kernel_size, sigma)`: one sigma drawn uniformly from `sigma` for both axes.
public struct GaussianBlur: ImageTransform {
    public var kernelSize: [Int]
    public var sigma: (Double, Double)

    public init(kernelSize: [Int], sigma: (Double, Double) = (0.1, 2.0)) {
        precondition(kernelSize.count == 1 || kernelSize.count == 2, "GaussianBlur: kernel size should be one or two integers, got \(kernelSize)")
        self.kernelSize = kernelSize.count == 1 ? [kernelSize[0], kernelSize[0]] : kernelSize
        precondition(self.kernelSize.allSatisfy { $0 > 0 && $0 % 2 == 1 }, "GaussianBlur: kernel size value should be an odd and positive number.")
        precondition(0 < sigma.0 && sigma.0 <= sigma.1, "GaussianBlur: sigma values should be positive and of the form (min, max). Got \(sigma)")
        (self.sigma) = sigma
    }

    /// A fixed sigma.
    public init(kernelSize: [Int], sigma: Double) { self.init(kernelSize: kernelSize, sigma: (sigma, sigma)) }

    public func parameters(generator: Generator) -> Double { Draw.uniform(generator, sigma.0, sigma.1) }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        let s = parameters(generator: generator)
        return TF.gaussianBlur(image, kernelSize: kernelSize, sigma: [s, s])
    }
}

/// `v2.RandomChannelPermutation`: the channels in a `torch.randperm` order.
public struct RandomChannelPermutation: ImageTransform {
    public init() {}

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        precondition(image.dim >= 3, "RandomChannelPermutation: expected a tensor of shape [..., C, H, W], got \(image.shape)")
        return TF.permuteChannels(image, permutation: Draw.randperm(generator, image.shape[image.dim - 3]))
    }
}

/// `v2.RandomErasing`: with probability `p`, a rectangle of a random `scale` fraction of the area
/// and aspect `ratio` (log-uniform) is set to `value` (one value or one per channel; nil for
/// standard normal noise, torchvision's `value="random"`). Ten tries, else nothing is erased.
public struct RandomErasing: ImageTransform {
    public var p: Double
    public var scale: (Double, Double)
    public var ratio: (Double, Double)
    public var value: [Double]?

    public struct Parameters {
        public var top: Int, left: Int, height: Int, width: Int
        /// nil: nothing to erase.
        public var value: Tensor?
    }

    public init(p: Double = 0.5, scale: (Double, Double) = (0.02, 0.33), ratio: (Double, Double) = (0.3, 3.3), value: [Double]? = [0]) {
        precondition((0...1).contains(p), "RandomErasing: `p` should be a floating point value in the interval [0.0, 1.0].")
        precondition(scale.0 >= 0 && scale.1 <= 1, "RandomErasing: scale should be between 0 and 1")
        (self.p, self.scale, self.ratio, self.value) = (p, scale, ratio, value)
    }

    /// torchvision's `make_params` for a `channels × height × width` image.
    public func parameters(channels: Int, height: Int, width: Int, generator g: Generator) -> Parameters {
        if let value {
            precondition(
                value.count == 1 || value.count == channels,
                "RandomErasing: if value is a sequence, it should have either a single value or \(channels) (number of inpt channels)")
        }
        let area = Double(height * width)
        let logRatio = Draw.logFloat([ratio.0, ratio.1])
        for _ in 0..<10 {
            let eraseArea = area * Draw.uniform(g, scale.0, scale.1)
            let aspect = Draw.expFloat(Draw.uniform(g, logRatio[0], logRatio[1]))
            let h = Int((eraseArea * aspect).squareRoot().rounded(.toNearestOrEven))
            let w = Int((eraseArea / aspect).squareRoot().rounded(.toNearestOrEven))
            if !(h < height && w < width) { continue }
            let v: Tensor
            if let value {
                v = Tensor(value.map { Float($0) }, shape: [value.count, 1, 1])
            } else {
                v = Tensor(empty: [channels, h, w], dtype: .float32).normal_(generator: g)
            }
            let i = Draw.randint(g, 0, height - h + 1)
            let j = Draw.randint(g, 0, width - w + 1)
            return Parameters(top: i, left: j, height: h, width: w, value: v)
        }
        return Parameters(top: 0, left: 0, height: height, width: width, value: nil)
    }

    public func apply(_ image: Tensor, _ p: Parameters) -> Tensor {
        guard let v = p.value else { return image }
        return TF.erase(image, top: p.top, left: p.left, height: p.height, width: p.width, value: v)
    }

    public func callAsFunction(_ image: Tensor, generator: Generator) -> Tensor {
        precondition(image.dim >= 3, "RandomErasing: expected a tensor of shape [..., C, H, W], got \(image.shape)")
        if Draw.rand(generator) >= Float(p) { return image }
        let (c, h, w) = (image.shape[image.dim - 3], image.shape[image.dim - 2], image.shape[image.dim - 1])
        return apply(image, parameters(channels: c, height: h, width: w, generator: generator))
    }
}
