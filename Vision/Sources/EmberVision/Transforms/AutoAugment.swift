import Ember
import Foundation

/// One operation of the AutoAugment family, applied with a magnitude as torchvision's
/// `_AutoAugmentBase._apply_image_or_video_transform` applies it.
public enum AugmentOp: String, Sendable, CaseIterable {
    case identity = "Identity", shearX = "ShearX", shearY = "ShearY", translateX = "TranslateX", translateY = "TranslateY"
    case rotate = "Rotate", brightness = "Brightness", color = "Color", contrast = "Contrast", sharpness = "Sharpness"
    case posterize = "Posterize", solarize = "Solarize", autoContrast = "AutoContrast", equalize = "Equalize", invert = "Invert"

    /// Applies the op: shears by `atan(magnitude)` about the top-left corner, translates by
    /// `Int(magnitude)` pixels, rotates by `magnitude` degrees, scales colour factors to
    /// `1 + magnitude`, posterizes to `Int(magnitude)` bits and solarizes at `magnitude` of the range.
    public func apply(_ image: Tensor, magnitude m: Double, interpolation: InterpolationMode = .nearest, fill: [Double]? = nil) -> Tensor {
        let toDegrees = 180.0 / Double.pi  // math.degrees multiplies by this constant
        switch self {
        case .identity: return image
        case .shearX:
            return TF.affine(image, angle: 0, translate: [0, 0], scale: 1, shear: [atan(m) * toDegrees, 0],
                             interpolation: interpolation, fill: fill, center: [0, 0])
        case .shearY:
            return TF.affine(image, angle: 0, translate: [0, 0], scale: 1, shear: [0, atan(m) * toDegrees],
                             interpolation: interpolation, fill: fill, center: [0, 0])
        case .translateX:
            return TF.affine(image, angle: 0, translate: [Double(Int(m)), 0], scale: 1, shear: [0, 0], interpolation: interpolation, fill: fill)
        case .translateY:
            return TF.affine(image, angle: 0, translate: [0, Double(Int(m))], scale: 1, shear: [0, 0], interpolation: interpolation, fill: fill)
        case .rotate: return TF.rotate(image, angle: m, interpolation: interpolation, fill: fill)
        case .brightness: return TF.adjustBrightness(image, factor: 1 + m)
        case .color: return TF.adjustSaturation(image, factor: 1 + m)
        case .contrast: return TF.adjustContrast(image, factor: 1 + m)
        case .sharpness: return TF.adjustSharpness(image, factor: 1 + m)
        case .posterize: return TF.posterize(image, bits: Int(m))
        case .solarize: return TF.solarize(image, threshold: (image.dtype == .uint8 ? 255 : 1) * m)
        case .autoContrast: return TF.autocontrast(image)
        case .equalize: return TF.equalize(image)
        case .invert: return TF.invert(image)
        }
    }
}

/// The magnitude tables (`_AUGMENTATION_SPACE`) of the four policies, in float32 as torchvision
/// builds them with `torch.linspace` (the scalar formula; PyTorch's vectorised linspace can differ
/// in the last bit) and the posterize bit counts.
enum AugmentSpace {
    struct Entry {
        let op: AugmentOp
        let signed: Bool
        /// nil for ops without a magnitude.
        let magnitudes: ((_ bins: Int, _ height: Int, _ width: Int) -> [Double])?
    }

    static func linspace(_ start: Double, _ end: Double, _ steps: Int) -> [Double] {
        let (a, b) = (Float(start), Float(end))
        if steps == 1 { return [Double(a)] }
        let step = (b - a) / Float(steps - 1)
        return (0..<steps).map { i in Double(i < steps / 2 ? a + step * Float(i) : b - step * Float(steps - i - 1)) }
    }

    /// `(top - (arange(bins) / ((bins - 1) / span))).round().int()`.
    static func posterizeBits(_ top: Float, span: Double, bins: Int) -> [Double] {
        precondition(bins >= 2, "auto augment: num_magnitude_bins must be at least 2, got \(bins)")
        let divisor = Float(Double(bins - 1) / span)
        return (0..<bins).map { Double((top - Float($0) / divisor).rounded(.toNearestOrEven)) }
    }

    static func entry(_ op: AugmentOp, _ signed: Bool, _ f: ((Int, Int, Int) -> [Double])?) -> Entry { Entry(op: op, signed: signed, magnitudes: f) }

    /// AutoAugment's (and, with Identity first and no Invert, RandAugment's) space.
    static func autoAugment(identity: Bool, invert: Bool) -> [Entry] {
        var space: [Entry] = identity ? [entry(.identity, false, nil)] : []
        space += [
            entry(.shearX, true) { n, _, _ in linspace(0, 0.3, n) },
            entry(.shearY, true) { n, _, _ in linspace(0, 0.3, n) },
            entry(.translateX, true) { n, _, w in linspace(0, 150.0 / 331.0 * Double(w), n) },
            entry(.translateY, true) { n, h, _ in linspace(0, 150.0 / 331.0 * Double(h), n) },
            entry(.rotate, true) { n, _, _ in linspace(0, 30, n) },
            entry(.brightness, true) { n, _, _ in linspace(0, 0.9, n) },
            entry(.color, true) { n, _, _ in linspace(0, 0.9, n) },
            entry(.contrast, true) { n, _, _ in linspace(0, 0.9, n) },
            entry(.sharpness, true) { n, _, _ in linspace(0, 0.9, n) },
            entry(.posterize, false) { n, _, _ in posterizeBits(8, span: 4, bins: n) },
            entry(.solarize, false) { n, _, _ in linspace(1, 0, n) },
            entry(.autoContrast, false, nil),
            entry(.equalize, false, nil),
        ]
        if invert { space.append(entry(.invert, false, nil)) }
        return space
    }

    static let trivialAugmentWide: [Entry] = [
        entry(.identity, false, nil),
        entry(.shearX, true) { n, _, _ in linspace(0, 0.99, n) },
        entry(.shearY, true) { n, _, _ in linspace(0, 0.99, n) },
        entry(.translateX, true) { n, _, _ in linspace(0, 32, n) },
        entry(.translateY, true) { n, _, _ in linspace(0, 32, n) },
        entry(.rotate, true) { n, _, _ in linspace(0, 135, n) },
        entry(.brightness, true) { n, _, _ in linspace(0, 0.99, n) },
        entry(.color, true) { n, _, _ in linspace(0, 0.99, n) },
        entry(.contrast, true) { n, _, _ in linspace(0, 0.99, n) },
        entry(.sharpness, true) { n, _, _ in linspace(0, 0.99, n) },
        entry(.posterize, false) { n, _, _ in posterizeBits(8, span: 6, bins: n) },
        entry(.solarize, false) { n, _, _ in linspace(1, 0, n) },
        entry(.autoContrast, false, nil),
        entry(.equalize, false, nil),
    ]

    static func augMix(allOps: Bool) -> [Entry] {
        var space = [
            entry(.shearX, true) { n, _, _ in linspace(0, 0.3, n) },
            entry(.shearY, true) { n, _, _ in linspace(0, 0.3, n) },
            entry(.translateX, true) { n, _, w in linspace(0, Double(w) / 3.0, n) },
            entry(.translateY, true) { n, h, _ in linspace(0, Double(h) / 3.0, n) },
            entry(.rotate, true) { n, _, _ in linspace(0, 30, n) },
            entry(.posterize, false) { n, _, _ in posterizeBits(4, span: 4, bins: n) },
            entry(.solarize, false) { n, _, _ in linspace(1, 0, n) },
            entry(.autoContrast, false, nil),
            entry(.equalize, false, nil),
        ]
        if allOps {
            space += [
                entry(.brightness, true) { n, _, _ in linspace(0, 0.9, n) },
                entry(.color, true) { n, _, _ in linspace(0, 0.9, n) },
                entry(.contrast, true) { n, _, _ in linspace(0, 0.9, n) },
                entry(.sharpness, true) { n, _, _ in linspace(0, 0.9, n) },
            ]
        }
        return space
    }

    /// The magnitude at `index` of `entry`'s table, negated on a `torch.rand(()) <= 0.5` draw for
    /// signed ops; 0 for ops without magnitudes (no draw).
    static func magnitude(_ entry: Entry, bins: Int, index: (Generator) -> Int, height: Int, width: Int, generator g: Generator) -> Double {
        guard let table = entry.magnitudes?(bins, height, width) else { return 0 }
        var m = table[index(g)]
        if entry.signed && Draw.rand(g) <= 0.5 { m = -m }
        return m
    }

    static func size(_ image: Tensor, _ name: String) -> (Int, Int) {
        precondition(image.dim >= 3, "\(name): expected a tensor of shape [..., C, H, W], got \(image.shape)")
        return (image.shape[image.dim - 2], image.shape[image.dim - 1])
    }
}

/// torchvision's `AutoAugmentPolicy`.
public enum AutoAugmentPolicy: String, Sendable, CaseIterable {
    case imagenet, cifar10, svhn

    /// The 25 sub-policies: two `(op, probability, magnitude bin)` steps each.
    var subPolicies: [[(AugmentOp, Double, Int?)]] {
        switch self {
        case .imagenet:
            return [
                [(.posterize, 0.4, 8), (.rotate, 0.6, 9)], [(.solarize, 0.6, 5), (.autoContrast, 0.6, nil)],
                [(.equalize, 0.8, nil), (.equalize, 0.6, nil)], [(.posterize, 0.6, 7), (.posterize, 0.6, 6)],
                [(.equalize, 0.4, nil), (.solarize, 0.2, 4)], [(.equalize, 0.4, nil), (.rotate, 0.8, 8)],
                [(.solarize, 0.6, 3), (.equalize, 0.6, nil)], [(.posterize, 0.8, 5), (.equalize, 1.0, nil)],
                [(.rotate, 0.2, 3), (.solarize, 0.6, 8)], [(.equalize, 0.6, nil), (.posterize, 0.4, 6)],
                [(.rotate, 0.8, 8), (.color, 0.4, 0)], [(.rotate, 0.4, 9), (.equalize, 0.6, nil)],
                [(.equalize, 0.0, nil), (.equalize, 0.8, nil)], [(.invert, 0.6, nil), (.equalize, 1.0, nil)],
                [(.color, 0.6, 4), (.contrast, 1.0, 8)], [(.rotate, 0.8, 8), (.color, 1.0, 2)],
                [(.color, 0.8, 8), (.solarize, 0.8, 7)], [(.sharpness, 0.4, 7), (.invert, 0.6, nil)],
                [(.shearX, 0.6, 5), (.equalize, 1.0, nil)], [(.color, 0.4, 0), (.equalize, 0.6, nil)],
                [(.equalize, 0.4, nil), (.solarize, 0.2, 4)], [(.solarize, 0.6, 5), (.autoContrast, 0.6, nil)],
                [(.invert, 0.6, nil), (.equalize, 1.0, nil)], [(.color, 0.6, 4), (.contrast, 1.0, 8)],
                [(.equalize, 0.8, nil), (.equalize, 0.6, nil)],
            ]
        case .cifar10:
            return [
                [(.invert, 0.1, nil), (.contrast, 0.2, 6)], [(.rotate, 0.7, 2), (.translateX, 0.3, 9)],
                [(.sharpness, 0.8, 1), (.sharpness, 0.9, 3)], [(.shearY, 0.5, 8), (.translateY, 0.7, 9)],
                [(.autoContrast, 0.5, nil), (.equalize, 0.9, nil)], [(.shearY, 0.2, 7), (.posterize, 0.3, 7)],
                [(.color, 0.4, 3), (.brightness, 0.6, 7)], [(.sharpness, 0.3, 9), (.brightness, 0.7, 9)],
                [(.equalize, 0.6, nil), (.equalize, 0.5, nil)], [(.contrast, 0.6, 7), (.sharpness, 0.6, 5)],
                [(.color, 0.7, 7), (.translateX, 0.5, 8)], [(.equalize, 0.3, nil), (.autoContrast, 0.4, nil)],
                [(.translateY, 0.4, 3), (.sharpness, 0.2, 6)], [(.brightness, 0.9, 6), (.color, 0.2, 8)],
                [(.solarize, 0.5, 2), (.invert, 0.0, nil)], [(.equalize, 0.2, nil), (.autoContrast, 0.6, nil)],
                [(.equalize, 0.2, nil), (.equalize, 0.6, nil)], [(.color, 0.9, 9), (.equalize, 0.6, nil)],
                [(.autoContrast, 0.8, nil), (.solarize, 0.2, 8)], [(.brightness, 0.1, 3), (.color, 0.7, 0)],
                [(.solarize, 0.4, 5), (.autoContrast, 0.9, nil)], [(.translateY, 0.9, 9), (.translateY, 0.7, 9)],
                [(.autoContrast, 0.9, nil), (.solarize, 0.8, 3)], [(.equalize, 0.8, nil), (.invert, 0.1, nil)],
                [(.translateY, 0.7, 9), (.autoContrast, 0.9, nil)],
            ]
        case .svhn:
            return [
                [(.shearX, 0.9, 4), (.invert, 0.2, nil)], [(.shearY, 0.9, 8), (.invert, 0.7, nil)],
                [(.equalize, 0.6, nil), (.solarize, 0.6, 6)], [(.invert, 0.9, nil), (.equalize, 0.6, nil)],
                [(.equalize, 0.6, nil), (.rotate, 0.9, 3)], [(.shearX, 0.9, 4), (.autoContrast, 0.8, nil)],
                [(.shearY, 0.9, 8), (.invert, 0.4, nil)], [(.shearY, 0.9, 5), (.solarize, 0.2, 6)],
                [(.invert, 0.9, nil), (.autoContrast, 0.8, nil)], [(.equalize, 0.6, nil), (.rotate, 0.9, 3)],
                [(.shearX, 0.9, 4), (.solarize, 0.3, 3)], [(.shearY, 0.8, 8), (.invert, 0.7, nil)],
                [(.equalize, 0.9, nil), (.translateY, 0.6, 6)], [(.invert, 0.9, nil), (.equalize, 0.6, nil)],
                [(.contrast, 0.3, 3), (.rotate, 0.8, 4)], [(.invert, 0.8, nil), (.translateY, 0.0, 2)],
                [(.shearY, 0.7, 6), (.solarize, 0.4, 8)], [(.invert, 0.6, nil), (.rotate, 0.8, 4)],
                [(.shearY, 0.3, 7), (.translateX, 0.9, 3)], [(.shearX, 0.1, 6), (.invert, 0.6, nil)],
                [(.solarize, 0.7, 2), (.translateY, 0.6, 7)], [(.shearY, 0.8, 4), (.invert, 0.8, nil)],
                [(.shearX, 0.7, 9), (.translateY, 0.8, 3)], [(.shearY, 0.8, 5), (.autoContrast, 0.7, nil)],
                [(.shearX, 0.7, 2), (.invert, 0.1, nil)],
            ]
        }
    }
}

/// `v2.AutoAugment(policy)`: one random sub-policy; each of its two steps applies with its
/// probability, at its magnitude bin of 10 (sign random for signed ops).
public struct AutoAugment: ImageTransform {
    public var policy: AutoAugmentPolicy
    public var interpolation: InterpolationMode
    public var fill: [Double]?

    public init(policy: AutoAugmentPolicy = .imagenet, interpolation: InterpolationMode = .nearest, fill: [Double]? = nil) {
        (self.policy, self.interpolation, self.fill) = (policy, interpolation, fill)
    }

    public func callAsFunction(_ image: Tensor, generator g: Generator) -> Tensor {
        let (h, w) = AugmentSpace.size(image, "AutoAugment")
        let policies = policy.subPolicies
        let space = AugmentSpace.autoAugment(identity: false, invert: true)
        var out = image
        for (op, probability, bin) in policies[Draw.randint(g, 0, policies.count)] {
            if !(Draw.rand(g) <= Float(probability)) { continue }
            let entry = space.first { $0.op == op }!
            let m = bin.map { b in AugmentSpace.magnitude(entry, bins: 10, index: { _ in b }, height: h, width: w, generator: g) } ?? 0
            out = op.apply(out, magnitude: m, interpolation: interpolation, fill: fill)
        }
        return out
    }
}

/// `v2.RandAugment`: `numOps` ops drawn uniformly from 14 (Identity included), each at bin
/// `magnitude` of `numMagnitudeBins`.
public struct RandAugment: ImageTransform {
    public var numOps: Int
    public var magnitude: Int
    public var numMagnitudeBins: Int
    public var interpolation: InterpolationMode
    public var fill: [Double]?

    public init(numOps: Int = 2, magnitude: Int = 9, numMagnitudeBins: Int = 31, interpolation: InterpolationMode = .nearest, fill: [Double]? = nil) {
        precondition(numOps >= 0, "RandAugment: num_ops should be a non-negative integer, but got \(numOps) instead.")
        precondition((0..<numMagnitudeBins).contains(magnitude), "RandAugment: magnitude \(magnitude) is not a bin of \(numMagnitudeBins)")
        (self.numOps, self.magnitude, self.numMagnitudeBins, self.interpolation, self.fill) = (numOps, magnitude, numMagnitudeBins, interpolation, fill)
    }

    public func callAsFunction(_ image: Tensor, generator g: Generator) -> Tensor {
        let (h, w) = AugmentSpace.size(image, "RandAugment")
        let space = AugmentSpace.autoAugment(identity: true, invert: false)
        var out = image
        for _ in 0..<numOps {
            let entry = space[Draw.randint(g, 0, space.count)]
            let m = AugmentSpace.magnitude(entry, bins: numMagnitudeBins, index: { _ in magnitude }, height: h, width: w, generator: g)
            out = entry.op.apply(out, magnitude: m, interpolation: interpolation, fill: fill)
        }
        return out
    }
}

/// `v2.TrivialAugmentWide`: one op drawn uniformly from 14 at a uniformly drawn magnitude bin.
public struct TrivialAugmentWide: ImageTransform {
    public var numMagnitudeBins: Int
    public var interpolation: InterpolationMode
    public var fill: [Double]?

    public init(numMagnitudeBins: Int = 31, interpolation: InterpolationMode = .nearest, fill: [Double]? = nil) {
        (self.numMagnitudeBins, self.interpolation, self.fill) = (numMagnitudeBins, interpolation, fill)
    }

    public func callAsFunction(_ image: Tensor, generator g: Generator) -> Tensor {
        let (h, w) = AugmentSpace.size(image, "TrivialAugmentWide")
        let space = AugmentSpace.trivialAugmentWide
        let entry = space[Draw.randint(g, 0, space.count)]
        let bins = numMagnitudeBins
        let m = AugmentSpace.magnitude(entry, bins: bins, index: { Draw.randint($0, 0, bins) }, height: h, width: w, generator: g)
        return entry.op.apply(image, magnitude: m, interpolation: interpolation, fill: fill)
    }
}

/// `v2.AugMix`: `mixtureWidth` chains of `chainDepth` random ops (1–3 when -1) at severities
/// below `severity`, mixed with Dirichlet(`alpha`) weights and blended with the original by a
/// Dirichlet(`alpha`, `alpha`) draw; uint8 results truncate. Each leading image of a batch gets
/// its own weights, the chains are shared (as torchvision). The Dirichlet draws use
/// Marsaglia–Tsang gamma sampling on the generator, so they do not follow torch's stream.
public struct AugMix: ImageTransform {
    public var severity: Int
    public var mixtureWidth: Int
    public var chainDepth: Int
    public var alpha: Double
    public var allOps: Bool
    public var interpolation: InterpolationMode
    public var fill: [Double]?

    public init(
        severity: Int = 3, mixtureWidth: Int = 3, chainDepth: Int = -1, alpha: Double = 1, allOps: Bool = true,
        interpolation: InterpolationMode = .bilinear, fill: [Double]? = nil
    ) {
        precondition((1...10).contains(severity), "AugMix: the severity must be between [1, 10]. Got \(severity) instead.")
        precondition(mixtureWidth >= 1 && alpha > 0, "AugMix: mixtureWidth must be positive and alpha > 0, got \(mixtureWidth), \(alpha)")
        (self.severity, self.mixtureWidth, self.chainDepth, self.alpha, self.allOps) = (severity, mixtureWidth, chainDepth, alpha, allOps)
        (self.interpolation, self.fill) = (interpolation, fill)
    }

    public func callAsFunction(_ image: Tensor, generator g: Generator) -> Tensor {
        let (h, w) = AugmentSpace.size(image, "AugMix")
        let batch = image.dim == 3 ? 1 : image.shape[0]
        let space = AugmentSpace.augMix(allOps: allOps)
        let m = (0..<batch).map { _ in Dirichlet.sample([alpha, alpha], g) }
        let weights = (0..<batch).map { b in Dirichlet.sample(Array(repeating: alpha, count: mixtureWidth), g).map { $0 * m[b][1] } }
        let perImage = image.count / max(batch, 1)
        let original = image.to(.float32).contiguous().toArray(Float.self)
        var mix = [Float](repeating: 0, count: original.count)
        for i in mix.indices { mix[i] = m[i / perImage][0] * original[i] }
        for i in 0..<mixtureWidth {
            var aug = image
            let depth = chainDepth > 0 ? chainDepth : Draw.randint(g, 1, 4)
            for _ in 0..<depth {
                let entry = space[Draw.randint(g, 0, space.count)]
                let s = severity
                let magnitude = AugmentSpace.magnitude(entry, bins: 10, index: { Draw.randint($0, 0, s) }, height: h, width: w, generator: g)
                aug = entry.op.apply(aug, magnitude: magnitude, interpolation: interpolation, fill: fill)
            }
            let values = aug.to(.float32).contiguous().toArray(Float.self)
            for k in mix.indices { mix[k] += weights[k / perImage][i] * values[k] }
        }
        return Tensor(mix, shape: image.shape).to(image.dtype)
    }
}

/// Dirichlet draws from normalised Gamma(alpha) variates (Marsaglia–Tsang), in float32 like
/// `torch._sample_dirichlet` on a float32 tensor.
enum Dirichlet {
    static func sample(_ alphas: [Double], _ g: Generator) -> [Float] {
        let gammas = alphas.map { gamma($0, g) }
        let total = gammas.reduce(0, +)
        return gammas.map { Float($0 / total) }
    }

    static func gamma(_ alpha: Double, _ g: Generator) -> Double {
        if alpha < 1 {
            // Boost: Gamma(a) = Gamma(a + 1) · U^(1/a).
            let u = Tensor.rand([1], dtype: .float64, generator: g).item(Double.self)
            return gamma(alpha + 1, g) * pow(u, 1 / alpha)
        }
        let d = alpha - 1.0 / 3.0, c = 1 / (9 * d).squareRoot()
        while true {
            let x = Tensor.randn([1], dtype: .float64, generator: g).item(Double.self)
            let v = pow(1 + c * x, 3)
            if v <= 0 { continue }
            let u = Tensor.rand([1], dtype: .float64, generator: g).item(Double.self)
            if u < 1 - 0.0331 * pow(x, 4) || log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }
}
